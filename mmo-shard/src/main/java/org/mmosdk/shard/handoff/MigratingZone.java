package org.mmosdk.shard.handoff;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import com.google.flatbuffers.FlatBufferBuilder;
import org.agrona.collections.LongArrayList;
import org.mmosdk.core.wire.EnvelopeWriter;
import org.mmosdk.ecs.EntitySerializer;
import org.mmosdk.ecs.Query;
import org.mmosdk.ecs.World;
import org.mmosdk.shard.link.ShardMessageTypes;
import org.mmosdk.shard.wire.fb.ZoneTransfer;

/**
 * One zone's side of {@link ZoneMigration}: a state machine driven by the zone's thread through {@link #step()}, once
 * per tick after {@link ZoneHandoff#drain()} and before the systems.
 *
 * <p>Threads: {@link #step()} on the zone thread; the rest is called by {@code ZoneMigration} from its threads.
 */
public final class MigratingZone {
    /** {@link #step()}: run the tick normally. */
    public static final int RUN = 0;
    /** {@link #step()}: the zone is paused for a migration: skip the systems this tick (keep draining). */
    public static final int PAUSED = 1;
    /** {@link #step()}: the zone moved to another node: stop its tick loop and drop its world. */
    public static final int GONE = 2;

    private static final int IDLE = 0;
    private static final int DRAINING = 1;
    private static final int AWAITING = 2;
    private static final int MOVED = 3;
    private static final long DRAIN_TIMEOUT_NANOS = 5_000_000_000L;
    private static final int MAX_ZONE_ENTITIES = 1 << 20;

    private final ZoneMigration service;
    private final ZoneHandoff zone;
    private final World world;
    private final Query entities;
    private final EnvelopeWriter writer = new EnvelopeWriter(64 * 1024);
    private final AtomicReference<Request> requested = new AtomicReference<>();
    private final AtomicReference<Answer> answer = new AtomicReference<>();
    private int state = IDLE;
    private Request current;
    private long pausedAt;
    private long sentAt;
    private long expectedRevision;
    private int entityCount;
    private boolean fencing;

    private record Request(int target, long migration, CompletableFuture<MigrationResult> done) {
    }

    private record Answer(long migration, boolean accepted, long revision, String reason) {
    }

    MigratingZone(final ZoneMigration service, final ZoneHandoff zone) {
        this.service = service;
        this.zone = zone;
        this.world = zone.world();
        this.entities = world.query().all(zone.gidField().component()).none(ZoneHandoff.GHOST).build();
    }

    CompletableFuture<MigrationResult> request(final int target, final long migration) {
        final Request r = new Request(target, migration, new CompletableFuture<>());
        if (!requested.compareAndSet(null, r)) {
            return CompletableFuture.failedFuture(new IllegalStateException("zone " + zone.zone() + " is already moving"));
        }
        return r.done;
    }

    /** From an I/O thread: the target's answer. */
    boolean onAck(final long migration, final boolean accepted, final long revision, final String reason) {
        final Request r = requested.get();
        if (r == null || r.migration != migration) {
            return false;
        }
        answer.compareAndSet(null, new Answer(migration, accepted, revision, reason == null ? "" : reason));
        return true;
    }

    /** From the migration thread: the outcome of fencing after a missing answer. */
    void fenced(final boolean lost, final long revision) {
        final Request r = requested.get();
        if (r != null) {
            answer.compareAndSet(null, new Answer(r.migration, lost, revision, lost ? "" : "no answer from node " + r.target
                + "; fenced and resumed"));
        }
    }

    void fenceFailed() {
        fencing = false;
        sentAt = System.nanoTime();
    }

    /**
     * Advances the migration, if one was asked for; call once per tick on the zone thread after
     * {@link ZoneHandoff#drain()}.
     *
     * @return {@link #RUN}, {@link #PAUSED} or {@link #GONE}
     */
    public int step() {
        switch (state) {
            case IDLE -> {
                current = requested.get();
                if (current == null) {
                    return RUN;
                }
                zone.pause();
                pausedAt = System.nanoTime();
                state = DRAINING;
                return drain();
            }
            case DRAINING -> {
                return drain();
            }
            case AWAITING -> {
                return await();
            }
            default -> {
                return GONE;
            }
        }
    }

    private int drain() {
        if (zone.pendingHandoffs() > 0) {
            if (System.nanoTime() - pausedAt > DRAIN_TIMEOUT_NANOS) {
                return finish(false, service.fencingToken(zone.zone()), "handoffs of the zone did not settle in 5 s");
            }
            return PAUSED;
        }
        expectedRevision = service.fencingToken(zone.zone());
        if (expectedRevision == 0) {
            return finish(false, 0, "node " + service.handoffs.nodeId + " holds no ownership record of zone " + zone.zone());
        }
        final LongArrayList handles = new LongArrayList();
        entities.forEachEntity(handles::addLong);
        final long[] all = handles.toLongArray();
        final long[] gids = new long[all.length];
        for (int i = 0; i < all.length; i++) {
            gids[i] = world.get(all[i], zone.gidField());
        }
        final byte[] bytes = EntitySerializer.write(world, all);
        if (bytes.length + 8L * all.length > ZoneHandoff.MAX_BATCH_BYTES || all.length > MAX_ZONE_ENTITIES) {
            return finish(false, expectedRevision, "zone " + zone.zone() + " serializes to " + all.length + " entities and "
                + bytes.length + " bytes; one transfer carries at most " + MAX_ZONE_ENTITIES + " and "
                + ZoneHandoff.MAX_BATCH_BYTES);
        }
        final FlatBufferBuilder b = writer.begin(ShardMessageTypes.ZONE_TRANSFER);
        final int e = ZoneTransfer.createEntitiesVector(b, bytes);
        final int g = ZoneTransfer.createGidsVector(b, gids);
        final ByteBuffer msg = writer.finish(ZoneTransfer.createZoneTransfer(b, zone.zone(), current.migration,
            expectedRevision, world.tick(), pausedAt, g, e));
        if (!service.sendTransfer(current.target, msg)) {
            return PAUSED; // link window full: again next tick
        }
        entityCount = all.length;
        sentAt = System.nanoTime();
        state = AWAITING;
        return PAUSED;
    }

    private int await() {
        final Answer a = answer.get();
        if (a == null) {
            if (!fencing && System.nanoTime() - sentAt > service.ackTimeoutNanos) {
                fencing = true;
                service.fence(this, zone.zone(), expectedRevision, current.target);
            }
            return PAUSED;
        }
        if (a.accepted) {
            service.handoffs.moved(zone.zone(), current.target);
            zone.closeInbox(current.target);
            service.detach(zone.zone(), current.target);
            finish(true, a.revision, "");
            state = MOVED;
            return GONE;
        }
        if (a.revision > expectedRevision) {
            service.resumed(zone.zone(), a.revision); // fenced: our new token
        }
        return finish(false, a.revision, a.reason);
    }

    private int finish(final boolean moved, final long revision, final String reason) {
        final Request r = current;
        final long pause = System.nanoTime() - pausedAt;
        if (!moved) {
            zone.resume();
            state = IDLE;
        }
        current = null;
        fencing = false;
        answer.set(null);
        requested.set(null);
        r.done.complete(new MigrationResult(zone.zone(), service.handoffs.nodeId, r.target, moved, revision, entityCount, pause,
            reason));
        entityCount = 0;
        return moved ? GONE : RUN;
    }
}

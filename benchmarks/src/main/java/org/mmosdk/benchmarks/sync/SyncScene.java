package org.mmosdk.benchmarks.sync;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;

import com.google.flatbuffers.FlatBufferBuilder;
import org.mmosdk.core.id.EntityIds;
import org.mmosdk.core.peer.Delivery;
import org.mmosdk.core.peer.Peer;
import org.mmosdk.core.time.VirtualClock;
import org.mmosdk.core.wire.EnvelopeWriter;
import org.mmosdk.core.wire.MessageDispatcher;
import org.mmosdk.core.wire.MessageRegistry;
import org.mmosdk.core.wire.WireError;
import org.mmosdk.ecs.Archetype;
import org.mmosdk.ecs.Chunk;
import org.mmosdk.ecs.ComponentType;
import org.mmosdk.ecs.FloatField;
import org.mmosdk.ecs.World;
import org.mmosdk.sync.ReplicationRules;
import org.mmosdk.sync.SnapshotCodecAccess;
import org.mmosdk.sync.SyncMessageTypes;
import org.mmosdk.sync.SyncServer;
import org.mmosdk.sync.Visibility;
import org.mmosdk.sync.wire.fb.SnapshotAck;

/**
 * A state-sync zone driven through the real {@link SyncServer} for the crowd and cubes benchmarks: entities with
 * Position (x, y quantized to 20 bits over [-512, 512], about 1 mm) and Heading (yaw, 12 bits), a fixed subset of
 * which walk (a movement system over raw chunk columns; a walker turns now and then and bounces off the edges), and
 * clients behind in-memory peers that count what they are sent and acknowledge each snapshot {@code ackLag} ticks
 * later through the server's own message dispatcher (a round trip of {@code ackLag} ticks; nothing is lost).
 *
 * <p>One tick ({@link #tick()}): dispatch the acks due (as the zone's inbox would), move, advance the world's tick,
 * {@link SyncServer#update()}. The byte budget is set to the maximum so that it never limits what is sent: the
 * bandwidth measured is what the deltas need, not what a budget allows; the per-client tables are sized above the
 * largest view ({@code viewCapacity}), so that a tick allocates nothing. Zone thread only.
 */
final class SyncScene {
    static final float EDGE = 512f;
    static final int POS_BITS = 20;
    static final int YAW_BITS = 12;

    static final ComponentType.Builder POS_B = ComponentType.builder("Position");
    static final FloatField X = POS_B.floatField("x");
    static final FloatField Y = POS_B.floatField("y");
    static final ComponentType POSITION = POS_B.build();
    static final ComponentType.Builder HEADING_B = ComponentType.builder("Heading");
    static final FloatField YAW = HEADING_B.floatField("yaw");
    static final ComponentType HEADING = HEADING_B.build();
    /** Server only: the entities that walk. */
    static final ComponentType WALKER = ComponentType.tag("Walker");

    static final ReplicationRules RULES = ReplicationRules.builder()
        .position(X, Y)
        .quantize(X, -EDGE, EDGE, POS_BITS)
        .quantize(Y, -EDGE, EDGE, POS_BITS)
        .component(HEADING, Visibility.EVERYONE)
        .angle(YAW, YAW_BITS)
        .interpolate(X, Y, YAW)
        .build();

    /** {@link #RULES} with the position dead-reckoned within {@link #DR_TOLERANCE} (5 cm). */
    static final float DR_TOLERANCE = 0.05f;
    static final ReplicationRules DR_RULES = ReplicationRules.builder()
        .position(X, Y)
        .quantize(X, -EDGE, EDGE, POS_BITS)
        .quantize(Y, -EDGE, EDGE, POS_BITS)
        .deadReckoning(DR_TOLERANCE)
        .component(HEADING, Visibility.EVERYONE)
        .angle(YAW, YAW_BITS)
        .interpolate(X, Y, YAW)
        .build();

    final World world;
    final SyncServer server;
    final MessageDispatcher<Peer> inbox;
    final BenchPeer[] peers;
    final long[] entities;
    final Archetype walkers;
    final float half;
    final float step;
    final int turnOneIn;
    final int ackLag;
    final long tickNanos;
    final VirtualClock clock = new VirtualClock();
    final SplittableRandom rng;
    private final EnvelopeWriter ackWriter = new EnvelopeWriter(64);
    private int ticks;

    /**
     * A zone.
     *
     * @param entityCount entities, {@code walking} of them walk
     * @param walking how many walk
     * @param side the zone is a square of this side, centred on 0
     * @param viewRadius the server's view radius (cell size half of it, hysteresis 8)
     * @param clientCount clients: client i owns entity i (if {@code owned}) or watches from the centre
     * @param owned whether clients own an entity (players) or are spectators at the centre
     * @param hz ticks per second
     * @param speed units per second a walker moves
     * @param ackLag ticks from a snapshot to its ack, at least 1
     * @param viewCapacity the server's per-client table size (above the most a client sees, so nothing grows)
     * @param seed the random seed
     * @param interestInterval ticks between a client's interest updates ({@code SyncServer.Builder.interestInterval})
     */
    SyncScene(final int entityCount, final int walking, final float side, final float viewRadius, final int clientCount,
        final boolean owned, final int hz, final float speed, final int ackLag, final int viewCapacity, final long seed,
        final int interestInterval) {
        this(entityCount, walking, side, viewRadius, clientCount, owned, hz, speed, ackLag, viewCapacity, seed,
            interestInterval, RULES);
    }

    /** {@link #SyncScene(int, int, float, float, int, boolean, int, float, int, int, long, int)} with other rules. */
    SyncScene(final int entityCount, final int walking, final float side, final float viewRadius, final int clientCount,
        final boolean owned, final int hz, final float speed, final int ackLag, final int viewCapacity, final long seed,
        final int interestInterval, final ReplicationRules rules) {
        this.rng = new SplittableRandom(seed);
        this.half = side / 2;
        this.step = speed / hz;
        this.turnOneIn = 2 * hz;   // a walker turns about every 2 s
        this.ackLag = ackLag;
        this.tickNanos = 1_000_000_000L / hz;
        world = World.builder().components(POSITION, HEADING, WALKER).initialEntities(entityCount).build();
        walkers = world.archetype(POSITION, HEADING, WALKER);
        final Archetype still = world.archetype(POSITION, HEADING);
        entities = new long[entityCount];
        for (int i = 0; i < entityCount; i++) {
            final long e = world.create(i < walking ? walkers : still);
            world.set(e, X, (float) rng.nextDouble(-half, half));
            world.set(e, Y, (float) rng.nextDouble(-half, half));
            world.set(e, YAW, (float) rng.nextDouble(0, 2 * Math.PI));
            entities[i] = e;
        }
        server = SyncServer.builder(world, rules).clock(clock).viewRadius(viewRadius).cellSize(viewRadius / 2)
            .hysteresis(8).bytesPerTick(262_144).viewCapacity(viewCapacity).interestInterval(interestInterval).build();
        inbox = server.registerHandlers(MessageRegistry.<Peer>builder()).build().newDispatcher();
        peers = new BenchPeer[clientCount];
        final SnapshotCodecAccess headers = new SnapshotCodecAccess(rules);
        for (int i = 0; i < clientCount; i++) {
            peers[i] = new BenchPeer(i + 1, ackLag, headers);
            server.addClient(peers[i], owned ? entities[i] : EntityIds.NONE);
            if (!owned) {
                server.setViewpoint(peers[i], 0f, 0f);
            }
        }
        world.advanceTick();
    }

    /** One server tick; returns the snapshot bytes sent in it. */
    long tick() {
        final long before = server.bytesSent();
        clock.advance(tickNanos);
        deliverAcks();
        move();
        world.advanceTick();
        server.update();
        ticks++;
        return server.bytesSent() - before;
    }

    /** The movement system alone (what {@link #tick()} spends outside mmo-sync). */
    void move() {
        final float lo = -half;
        final float hi = half;
        for (int c = 0, n = walkers.chunkCount(); c < n; c++) {
            final Chunk chunk = walkers.chunk(c);
            final float[] xs = chunk.writeFloats(X);
            final float[] ys = chunk.writeFloats(Y);
            final float[] yaws = chunk.floats(YAW);
            final long[] ids = chunk.entities();
            for (int row = 0, size = chunk.size(); row < size; row++) {
                float yaw = yaws[row];
                float x = xs[row] + step * (float) Math.cos(yaw);
                float y = ys[row] + step * (float) Math.sin(yaw);
                boolean turned = rng.nextInt(turnOneIn) == 0;
                if (turned) {
                    yaw += (float) rng.nextDouble(-1.5, 1.5);
                }
                if (x < lo || x > hi) {
                    x = Math.max(lo, Math.min(hi, x));
                    yaw = (float) Math.PI - yaw;
                    turned = true;
                }
                if (y < lo || y > hi) {
                    y = Math.max(lo, Math.min(hi, y));
                    yaw = -yaw;
                    turned = true;
                }
                xs[row] = x;
                ys[row] = y;
                if (turned) {
                    world.set(ids[row], YAW, yaw);
                }
            }
        }
    }

    private void deliverAcks() {
        for (final BenchPeer p : peers) {
            final int seq = p.dueAck(ticks);
            if (seq > 0) {
                final FlatBufferBuilder b = ackWriter.begin(SyncMessageTypes.SNAPSHOT_ACK);
                final ByteBuffer msg = ackWriter.finish(SnapshotAck.createSnapshotAck(b, seq));
                final int rc = inbox.dispatch(p, msg, msg.position(), msg.remaining());
                if (rc != WireError.OK) {
                    throw new IllegalStateException("ack rejected: " + inbox.lastError());
                }
            }
        }
    }

    /** Snapshot bytes sent to all clients so far. */
    long bytesSent() {
        return server.bytesSent();
    }

    /** Entity records sent to all clients so far (entering, changed and own). */
    long recordsSent() {
        long n = 0;
        for (final BenchPeer p : peers) {
            n += p.records;
        }
        return n;
    }

    /**
     * What one snapshot would weigh if it carried every entity the client sees in full, built with mmo-sync's own
     * codec (same quantization, same message): the "full visible state each tick" baseline.
     *
     * @param client a client index
     * @param codec a codec for {@link #RULES}
     * @param radius entities within this distance of the client's viewpoint are visible
     * @param owned whether client i owns entity i (else it watches from the centre)
     * @param s scratch arrays, at least as long as there are entities
     * @return bytes, type id included
     */
    int fullStateBytes(final int client, final SnapshotCodecAccess codec, final float radius, final boolean owned,
        final FullStateScratch s) {
        final float vx = owned ? world.get(entities[client], X) : 0f;
        final float vy = owned ? world.get(entities[client], Y) : 0f;
        int n = 0;
        for (final long e : entities) {
            final float dx = world.get(e, X) - vx;
            final float dy = world.get(e, Y) - vy;
            if (dx * dx + dy * dy <= radius * radius) {
                s.handles[n] = e;
                s.full[n] = true;
                s.masks[n] = 3;
                s.chunks[n] = world.chunkOf(e);
                s.rows[n] = world.rowOf(e);
                n++;
            }
        }
        return codec.encode(1, 1, 0L, owned ? entities[client] : EntityIds.NONE, 0, s.removed, 0, n, s.full, s.handles,
            s.masks, s.chunks, s.rows).remaining();
    }

    /** Arrays for {@link #fullStateBytes}. */
    static final class FullStateScratch {
        final long[] removed = new long[0];
        final long[] handles;
        final boolean[] full;
        final int[] masks;
        final Chunk[] chunks;
        final int[] rows;

        FullStateScratch(final int capacity) {
            handles = new long[capacity];
            full = new boolean[capacity];
            masks = new int[capacity];
            chunks = new Chunk[capacity];
            rows = new int[capacity];
        }
    }

    /**
     * A client's connection as the server sees it: counts snapshot bytes and records, and remembers each snapshot's
     * sequence number for the ack that comes back {@code lag} ticks later.
     */
    static final class BenchPeer extends CountingPeer {
        private final int[] pendingSeq;
        private final int[] pendingTick;
        /** Reads the snapshot headers; shared by the scene's peers (zone thread only). */
        private final SnapshotCodecAccess headers;
        long records;
        int lastRecords;

        BenchPeer(final long id, final int lag, final SnapshotCodecAccess headers) {
            super(id);
            this.headers = headers;
            this.pendingSeq = new int[lag];
            this.pendingTick = new int[lag];
        }

        private int lag() {
            return pendingSeq.length;
        }

        /** The sequence number to acknowledge at tick {@code now}, or 0. */
        int dueAck(final int now) {
            final int i = Math.floorMod(now, lag());
            final int seq = pendingSeq[i];
            if (seq > 0 && now - pendingTick[i] >= lag()) {
                pendingSeq[i] = 0;
                return seq;
            }
            return 0;
        }

        @Override
        public boolean send(final ByteBuffer envelope, final Delivery delivery) {
            final int p = envelope.position();
            super.send(envelope, delivery);
            envelope.position(p + 2);
            final long seqAndCount = headers.seqAndCount(envelope);
            envelope.position(p);
            lastRecords = (int) (seqAndCount & 0xFFFF_FFFFL);
            records += lastRecords;
            final int now = (int) messages - 1;
            final int i = Math.floorMod(now, lag());
            pendingSeq[i] = (int) (seqAndCount >>> 32);
            pendingTick[i] = now;
            return true;
        }
    }
}

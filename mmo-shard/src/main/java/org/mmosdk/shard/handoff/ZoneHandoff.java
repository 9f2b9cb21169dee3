package org.mmosdk.shard.handoff;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import com.google.flatbuffers.FlatBufferBuilder;
import org.agrona.collections.Int2IntHashMap;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongArrayList;
import org.agrona.collections.LongHashSet;
import org.mmosdk.core.id.EntityIds;
import org.mmosdk.core.id.NodeIds;
import org.mmosdk.core.stats.Counter;
import org.mmosdk.core.wire.EnvelopeWriter;
import org.mmosdk.ecs.ComponentType;
import org.mmosdk.ecs.EntitySerializer;
import org.mmosdk.ecs.LongField;
import org.mmosdk.ecs.Query;
import org.mmosdk.ecs.World;
import org.mmosdk.shard.link.ShardMessageTypes;
import org.mmosdk.shard.wire.fb.ForwardedInput;
import org.mmosdk.shard.wire.fb.GhostBatch;
import org.mmosdk.shard.wire.fb.Handoff;
import org.mmosdk.shard.wire.fb.HandoffAck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The handoff agent of one hosted zone, used by the zone's thread only.
 *
 * <ul>
 *   <li>{@link #handOff(long, int)} freezes an entity (adds {@link #FROZEN}), serializes it with
 *       {@link EntitySerializer} and sends it to the target zone. The entity stays in this world, frozen — systems
 *       should skip {@code FROZEN} entities ({@code query().none(FROZEN)}), clients keep seeing it — until the target
 *       acknowledges; then it is destroyed here and the inputs that arrived for it meanwhile are forwarded. If the
 *       target refuses, it thaws and the buffered inputs are applied here.</li>
 *   <li>{@link #drain()}, once per tick before the systems run, applies what arrived: entities handed to this zone
 *       (inserted once per transfer, then acknowledged), acknowledgements of this zone's handoffs, forwarded
 *       inputs.</li>
 *   <li>{@link #routeInput(long, ByteBuffer)} takes an input for an entity by its global id: applied here, buffered
 *       while it is frozen, or forwarded to where it went.</li>
 * </ul>
 *
 * <p>Exactly once: the link delivers each message at least once and at most once per process; the target also
 * remembers the transfers it applied and the global ids it holds, so a repeated transfer is acknowledged without a
 * second insert; the source destroys its copy only on an accepting acknowledgement and keeps it otherwise. An entity
 * therefore lives in exactly one zone except between the insert on the target and the acknowledgement's arrival at
 * the source, when the source's copy is frozen (a read-only ghost).
 *
 * <p>Threads: every method from the zone's thread (the owner of the world), never while a query of the world iterates
 * (handoffs add and remove components). The inbox is filled by link I/O threads.
 */
public final class ZoneHandoff {
    private static final Logger LOG = LoggerFactory.getLogger(ZoneHandoff.class);

    /** Tag of entities handed off and not yet acknowledged; register it in every zone's world. */
    public static final ComponentType FROZEN = ComponentType.tag("shard.frozen");

    /**
     * Tag of ghosts: read-only copies of a neighbour zone's entities near the border ({@link #publishGhosts}); register
     * it in every zone's world. Systems skip them ({@code query().none(GHOST)}); they are never handed off, migrated or
     * adopted.
     */
    public static final ComponentType GHOST = ComponentType.tag("shard.ghost");

    /** {@link #routeInput}: given to the {@link InputSink} now. */
    public static final int APPLIED = 0;
    /** {@link #routeInput}: the entity is frozen; the input goes where the entity ends up. */
    public static final int BUFFERED = 1;
    /** {@link #routeInput}: the entity left; the input was forwarded to its new zone. */
    public static final int FORWARDED = 2;
    /** {@link #routeInput}: no such entity here, or the forward was refused (link window full). */
    public static final int UNKNOWN = -1;

    /** Largest serialized entity a handoff carries (the schema's {@code max_len}). */
    public static final int MAX_ENTITY_BYTES = 65_536;
    /** Most ghosts in one batch (the schema's {@code max_len}). */
    public static final int MAX_GHOSTS = 65_536;
    /** Largest serialized ghost batch or zone transfer, global ids included (fits one link message). */
    public static final int MAX_BATCH_BYTES = 4_000_000;
    private static final int RECENT_TRANSFERS = 1 << 16;
    private static final long[] NO_ENTITIES = new long[0];

    private final HandoffService service;
    private final int zone;
    private final World world;
    private final LongField gidField;
    private final InputSink inputs;
    private final HandoffListener listener;
    private final World staging;
    private Query stagingAll;
    private final ConcurrentLinkedQueue<Object> inbox = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inboxSize = new AtomicInteger();
    private final EnvelopeWriter writer = new EnvelopeWriter(1024);
    private final Long2LongHashMap entityByGid = new Long2LongHashMap(EntityIds.NONE);
    private final Long2ObjectHashMap<Outgoing> outgoing = new Long2ObjectHashMap<>();
    private final Long2LongHashMap forwardZone = new Long2LongHashMap(-1);
    private final ArrayDeque<long[]> forwardExpiry = new ArrayDeque<>();
    private final ArrayDeque<Object[]> retries = new ArrayDeque<>();
    private final LongHashSet appliedTransfers = new LongHashSet();
    private final long[] appliedRing = new long[RECENT_TRANSFERS];
    private int appliedNext;
    private final Counter handedOff;
    private final Counter received;
    private final Counter duplicates;
    private final Counter refused;
    private final Counter forwarded;
    private final Long2LongHashMap ghostByGid = new Long2LongHashMap(EntityIds.NONE);
    private final Long2LongHashMap ghostZoneByGid = new Long2LongHashMap(-1);
    private final Int2ObjectHashMap<long[]> ghostSeqByZone = new Int2ObjectHashMap<>();
    private final Int2IntHashMap ghostSeqOut = new Int2IntHashMap(0);
    private boolean inboxClosed;
    private boolean paused;
    private final LongArrayList pausedInputGids = new LongArrayList();
    private final List<byte[]> pausedInputs = new ArrayList<>();

    private static final class Outgoing {
        final long entity;
        final long transfer;
        final int toZone;
        final long frozenNanos;
        final List<byte[]> inputs = new ArrayList<>(0);

        Outgoing(final long entity, final long transfer, final int toZone, final long frozenNanos) {
            this.entity = entity;
            this.transfer = transfer;
            this.toZone = toZone;
            this.frozenNanos = frozenNanos;
        }
    }

    record InHandoff(int fromNode, long gid, long transfer, int fromZone, int toZone, long frozenNanos, byte[] entity) {
        static InHandoff of(final int fromNode, final Handoff h) {
            final byte[] bytes = new byte[h.entityLength()];
            if (bytes.length > 0) {
                h.entityAsByteBuffer().get(bytes);
            }
            return new InHandoff(fromNode, h.gid(), h.transfer(), h.fromZone(), h.toZone(), h.frozenNanos(), bytes);
        }
    }

    record InAck(long gid, long transfer, int fromZone, int toZone, boolean accepted) {
        static InAck of(final HandoffAck a) {
            return new InAck(a.gid(), a.transfer(), a.fromZone(), a.toZone(), a.accepted());
        }
    }

    record InGhosts(int fromNode, int fromZone, int toZone, long seq, long[] gids, byte[] entities) {
        static InGhosts of(final int fromNode, final GhostBatch g) {
            final long[] gids = new long[g.gidsLength()];
            for (int i = 0; i < gids.length; i++) {
                gids[i] = g.gids(i);
            }
            final byte[] bytes = new byte[g.entitiesLength()];
            if (bytes.length > 0) {
                g.entitiesAsByteBuffer().get(bytes);
            }
            return new InGhosts(fromNode, g.fromZone(), g.toZone(), g.seq(), gids, bytes);
        }
    }

    record InInput(long gid, int toZone, byte[] input) {
        static InInput of(final ForwardedInput in) {
            final byte[] bytes = new byte[in.inputLength()];
            if (bytes.length > 0) {
                in.inputAsByteBuffer().get(bytes);
            }
            return new InInput(in.gid(), in.toZone(), bytes);
        }
    }

    ZoneHandoff(final HandoffService service, final int zone, final World world, final LongField gidField,
                final InputSink inputs, final HandoffListener listener) {
        if (!world.components().contains(FROZEN) || !world.components().contains(GHOST)) {
            throw new IllegalArgumentException("the world of zone " + zone
                + " must register ZoneHandoff.FROZEN and ZoneHandoff.GHOST");
        }
        this.service = service;
        this.zone = zone;
        this.world = world;
        this.gidField = gidField;
        this.inputs = inputs;
        this.listener = listener;
        this.staging = World.builder().components(world.components().toArray(new ComponentType[0]))
            .initialEntities(16).build();
        final String z = Integer.toString(zone);
        handedOff = service.stats.counter("shard.handoff.sent", "entities handed off by this zone", "zone", z);
        received = service.stats.counter("shard.handoff.received", "entities inserted by a handoff", "zone", z);
        duplicates = service.stats.counter("shard.handoff.duplicates", "repeated handoffs acknowledged, not inserted", "zone", z);
        refused = service.stats.counter("shard.handoff.refused", "handoffs refused by their target", "zone", z);
        forwarded = service.stats.counter("shard.handoff.forwarded", "inputs forwarded to an entity's new zone", "zone", z);
    }

    static final int OFFERED = 0;
    static final int FULL = 1;
    static final int CLOSED = 2;

    /** From any thread: {@link #OFFERED}, {@link #FULL} or {@link #CLOSED} (the zone moved away). */
    synchronized int offer(final Object message) {
        if (inboxClosed) {
            return CLOSED;
        }
        if (inboxSize.incrementAndGet() > service.inboxCapacity) {
            inboxSize.decrementAndGet();
            return FULL;
        }
        inbox.offer(message);
        return OFFERED;
    }

    /** Refuses later messages; what is already in the inbox stays for {@link #closeInbox}'s caller to drain. */
    private synchronized void closeInboxNow() {
        inboxClosed = true;
    }

    /**
     * The zone moved to {@code node}: closes the inbox and passes on what it holds and the inputs buffered while
     * paused — handoffs to this zone are refused (their sources try again by the new route), inputs go to the zone
     * on its new node.
     */
    void closeInbox(final int node) {
        closeInboxNow();
        Object m;
        while ((m = inbox.poll()) != null) {
            inboxSize.decrementAndGet();
            if (m instanceof InHandoff h) {
                refused.increment();
                ack(h, false);
            } else if (m instanceof InInput in) {
                forwardTo(node, in.gid(), in.input());
            } else if (m instanceof InAck a) {
                LOG.warn("zone {} moved with handoff {} of {} unacknowledged", zone, a.transfer(), a.gid());
            }
        }
        for (int i = 0; i < pausedInputGids.size(); i++) {
            forwardTo(node, pausedInputGids.getLong(i), pausedInputs.get(i));
        }
        pausedInputGids.clear();
        pausedInputs.clear();
        retrySends();
    }

    private void forwardTo(final int node, final long gid, final byte[] input) {
        final FlatBufferBuilder b = writer.begin(ShardMessageTypes.FORWARDED_INPUT);
        final int v = ForwardedInput.createInputVector(b, input);
        final ByteBuffer msg = writer.finish(ForwardedInput.createForwardedInput(b, gid, zone, v));
        if (service.send(node, zone, msg)) {
            forwarded.increment();
        } else {
            retries.add(new Object[] {node, zone, ByteBuffer.allocate(msg.remaining()).put(msg.duplicate()).flip(),
                System.nanoTime() + service.forwardForNanos});
        }
    }

    /** Pauses the zone for a migration: no new handoffs, inputs buffered. */
    void pause() {
        paused = true;
    }

    /** Ends a pause that did not lead to a move: the buffered inputs are applied. */
    void resume() {
        paused = false;
        for (int i = 0; i < pausedInputGids.size(); i++) {
            routeInput(pausedInputGids.getLong(i), ByteBuffer.wrap(pausedInputs.get(i)));
        }
        pausedInputGids.clear();
        pausedInputs.clear();
    }

    World world() {
        return world;
    }

    LongField gidField() {
        return gidField;
    }

    /**
     * Adopts every entity of the world that has the global id's component: for a zone just created from a
     * transfer or a checkpoint.
     *
     * @return how many
     */
    public int adoptAll() {
        final Query q = world.query().all(gidField.component()).none(GHOST).build();
        final int[] n = {0};
        final LongArrayList handles = new LongArrayList();
        q.forEachEntity(handles::addLong);
        for (int i = 0; i < handles.size(); i++) {
            adopt(handles.getLong(i));
            n[0]++;
        }
        return n[0];
    }

    /**
     * The zone id.
     *
     * @return the zone
     */
    public int zone() {
        return zone;
    }

    /**
     * Makes an entity created by the zone itself known by its global id (inserted ones are known already).
     *
     * @param entity a live entity whose global id field is set, non-zero and unique
     * @throws IllegalArgumentException if the global id is 0 or already names another entity here
     */
    public void adopt(final long entity) {
        final long gid = world.get(entity, gidField);
        if (gid == 0) {
            throw new IllegalArgumentException("entity " + EntityIds.toString(entity) + " has global id 0");
        }
        final long old = entityByGid.get(gid);
        if (old != EntityIds.NONE && old != entity && world.isAlive(old)) {
            throw new IllegalArgumentException("global id " + gid + " already names entity " + EntityIds.toString(old));
        }
        entityByGid.put(gid, entity);
    }

    /**
     * Forgets an entity the zone destroys itself.
     *
     * @param gid its global id
     */
    public void forget(final long gid) {
        entityByGid.remove(gid);
    }

    /**
     * The entity with a global id in this zone.
     *
     * @param gid the global id
     * @return the live handle, or {@link EntityIds#NONE}
     */
    public long entityOf(final long gid) {
        return entityByGid.get(gid);
    }

    /**
     * Hands an entity to another zone (on this node or another). Call it outside query iteration.
     *
     * @param entity a live, known ({@link #adopt}) entity that is not frozen
     * @param toZone the target zone, not this one
     * @return false if not sent now (frozen already, a ghost, zone paused for a migration, unknown target owner, link window
     *     full): try again next tick
     * @throws IllegalArgumentException if the entity serializes to more than {@link #MAX_ENTITY_BYTES}
     */
    public boolean handOff(final long entity, final int toZone) {
        if (paused || toZone == zone || world.has(entity, FROZEN) || world.has(entity, GHOST)) {
            return false;
        }
        final int node = service.ownerOf(toZone);
        if (node == NodeIds.NONE) {
            return false;
        }
        final long gid = world.get(entity, gidField);
        final long transfer = service.nextTransfer();
        final long now = System.nanoTime();
        final byte[] bytes = EntitySerializer.write(world, entity);
        if (bytes.length > MAX_ENTITY_BYTES) {
            throw new IllegalArgumentException("entity " + EntityIds.toString(entity) + " serializes to " + bytes.length
                + " bytes; a handoff carries at most " + MAX_ENTITY_BYTES);
        }
        final FlatBufferBuilder b = writer.begin(ShardMessageTypes.HANDOFF);
        final int e = Handoff.createEntityVector(b, bytes);
        if (!service.send(node, toZone, writer.finish(Handoff.createHandoff(b, gid, transfer, zone, toZone, now, e)))) {
            return false;
        }
        world.add(entity, FROZEN);
        outgoing.put(gid, new Outgoing(entity, transfer, toZone, now));
        handedOff.increment();
        return true;
    }

    /**
     * Whether an entity is frozen (handed off, not yet acknowledged).
     *
     * @param entity a live entity
     * @return true if frozen
     */
    public boolean isFrozen(final long entity) {
        return world.has(entity, FROZEN);
    }

    /**
     * Handoffs of this zone not acknowledged yet.
     *
     * @return the count
     */
    public int pendingHandoffs() {
        return outgoing.size();
    }

    /**
     * Sends read-only copies of some of this zone's entities (typically those within a margin of the border) to a
     * neighbour zone, replacing the copies it holds from this zone. Call it every few ticks per neighbour, outside
     * query iteration; an empty batch removes every ghost of this zone there.
     *
     * @param toZone the neighbour zone
     * @param entities live entities of this zone (owned, not ghosts)
     * @param count how many of {@code entities} to send
     * @return false if not sent (the neighbour's owner is unknown or the link window is full): the neighbour keeps the
     *     previous copies; try again later
     * @throws IllegalArgumentException above {@link #MAX_GHOSTS} entities or {@link #MAX_BATCH_BYTES} bytes
     */
    public boolean publishGhosts(final int toZone, final long[] entities, final int count) {
        if (toZone == zone) {
            return false;
        }
        final int node = service.ownerOf(toZone);
        if (node == NodeIds.NONE) {
            return false;
        }
        final LongArrayList owned = new LongArrayList(count, EntityIds.NONE);
        for (int i = 0; i < count; i++) {
            if (!world.has(entities[i], GHOST)) {
                owned.addLong(entities[i]);
            }
        }
        final long[] handles = owned.toLongArray();
        final long[] gids = new long[handles.length];
        for (int i = 0; i < handles.length; i++) {
            gids[i] = world.get(handles[i], gidField);
        }
        final byte[] bytes = EntitySerializer.write(world, handles);
        if (handles.length > MAX_GHOSTS || bytes.length + 8L * handles.length > MAX_BATCH_BYTES) {
            throw new IllegalArgumentException(handles.length + " ghosts of " + bytes.length + " bytes; a batch carries at most "
                + MAX_GHOSTS + " ghosts and " + MAX_BATCH_BYTES + " bytes");
        }
        final int seq = ghostSeqOut.get(toZone) + 1;
        final FlatBufferBuilder b = writer.begin(ShardMessageTypes.GHOST_BATCH);
        final int e = GhostBatch.createEntitiesVector(b, bytes);
        final int g = GhostBatch.createGidsVector(b, gids);
        if (!service.send(node, toZone, writer.finish(GhostBatch.createGhostBatch(b, zone, toZone,
            ((long) service.nodeId << 40) | seq, g, e)))) {
            return false;
        }
        ghostSeqOut.put(toZone, seq);
        return true;
    }

    /**
     * Whether an entity of this world is a ghost of a neighbour's entity.
     *
     * @param entity a live entity
     * @return true for a read-only copy
     */
    public boolean isGhost(final long entity) {
        return world.has(entity, GHOST);
    }

    /**
     * Ghosts held now.
     *
     * @return the count
     */
    public int ghostCount() {
        return ghostByGid.size();
    }

    private void onGhosts(final InGhosts g) {
        final long[] last = ghostSeqByZone.get(g.fromZone());
        if (last != null && last[0] == g.fromNode() && last[1] >= g.seq()) {
            return; // an older batch from the same node
        }
        final long[] created;
        try {
            final long[] check = EntitySerializer.read(staging, g.entities());
            boolean ok = check.length == g.gids().length;
            try {
                for (int i = 0; ok && i < check.length; i++) {
                    ok = staging.get(check[i], gidField) == g.gids()[i];
                }
            } finally {
                clearStaging(check);
            }
            if (!ok) {
                throw new IllegalArgumentException("ghost batch entities do not match its " + g.gids().length + " global ids");
            }
            created = EntitySerializer.read(world, g.entities());
        } catch (final RuntimeException e) {
            clearStaging(NO_ENTITIES);
            LOG.warn("zone {}: ignoring ghost batch from zone {} on node {}: {}", zone, g.fromZone(), g.fromNode(), String.valueOf(e));
            return;
        }
        ghostSeqByZone.put(g.fromZone(), new long[] {g.fromNode(), g.seq()});
        final LongArrayList stale = new LongArrayList();
        ghostZoneByGid.forEachLong((gid, z) -> {
            if (z == g.fromZone()) {
                stale.addLong(gid);
            }
        });
        for (int i = 0; i < stale.size(); i++) {
            dropGhost(stale.getLong(i));
        }
        for (int i = 0; i < created.length; i++) {
            final long gid = g.gids()[i];
            final long owned = entityByGid.get(gid);
            if ((owned != EntityIds.NONE && world.isAlive(owned)) || ghostByGid.containsKey(gid)) {
                world.destroy(created[i]); // ours by now, or already a ghost from another zone
                continue;
            }
            if (world.has(created[i], FROZEN)) {
                world.remove(created[i], FROZEN);
            }
            world.add(created[i], GHOST);
            ghostByGid.put(gid, created[i]);
            ghostZoneByGid.put(gid, g.fromZone());
        }
    }

    /**
     * Empties the staging world that untrusted entity bytes are read into first ({@link EntitySerializer#read} is not
     * atomic: bytes that fail halfway leave the entities read so far behind).
     */
    private void clearStaging(final long[] read) {
        for (final long c : read) {
            staging.destroy(c);
        }
        if (staging.entityCount() > 0) {
            if (stagingAll == null) {
                stagingAll = staging.query().build();
            }
            final LongArrayList all = new LongArrayList();
            stagingAll.forEachEntity(all::addLong);
            for (int i = 0; i < all.size(); i++) {
                staging.destroy(all.getLong(i));
            }
        }
        staging.forgetDestroyedUpTo(staging.tick());
    }

    private void dropGhost(final long gid) {
        final long ghost = ghostByGid.remove(gid);
        ghostZoneByGid.remove(gid);
        if (ghost != EntityIds.NONE && world.isAlive(ghost)) {
            world.destroy(ghost);
        }
    }

    /**
     * This zone's handoff counters.
     *
     * @return a snapshot
     */
    public HandoffCounters counters() {
        return new HandoffCounters(handedOff.get(), received.get(), duplicates.get(), refused.get(), forwarded.get());
    }

    /**
     * Routes an input for an entity by its global id.
     *
     * @param gid the entity's global id
     * @param input the input's bytes between position and limit (copied if kept)
     * @return {@link #APPLIED}, {@link #BUFFERED}, {@link #FORWARDED} or {@link #UNKNOWN}
     */
    public int routeInput(final long gid, final ByteBuffer input) {
        if (paused) {
            pausedInputGids.addLong(gid);
            pausedInputs.add(copy(input));
            return BUFFERED;
        }
        final Outgoing out = outgoing.get(gid);
        if (out != null) {
            out.inputs.add(copy(input));
            return BUFFERED;
        }
        final long entity = entityByGid.get(gid);
        if (entity != EntityIds.NONE && world.isAlive(entity)) {
            inputs.onInput(entity, gid, input);
            return APPLIED;
        }
        final long to = forwardZone.get(gid);
        if (to >= 0 && forward(gid, (int) to, input)) {
            return FORWARDED;
        }
        return UNKNOWN;
    }

    /**
     * Applies what arrived for this zone: call once per tick, before the systems.
     *
     * @return messages applied
     */
    public int drain() {
        expireForwards();
        int n = 0;
        Object m;
        while ((m = inbox.poll()) != null) {
            inboxSize.decrementAndGet();
            n++;
            if (m instanceof InHandoff h) {
                onHandoff(h);
            } else if (m instanceof InAck a) {
                onAck(a);
            } else if (m instanceof InInput in) {
                routeInput(in.gid(), ByteBuffer.wrap(in.input()));
            } else if (m instanceof InGhosts g) {
                onGhosts(g);
            }
        }
        return n;
    }

    private void onHandoff(final InHandoff h) {
        if (paused && !appliedTransfers.contains(h.transfer())) {
            // the zone may have been serialized for a migration already: an entity inserted now would be left behind
            refused.increment();
            ack(h, false);
            return;
        }
        if (appliedTransfers.contains(h.transfer())) {
            duplicates.increment();
            ack(h, true);
            return;
        }
        final long existing = entityByGid.get(h.gid());
        if (existing != EntityIds.NONE && world.isAlive(existing)) {
            if (outgoing.containsKey(h.gid())) {
                // our own handoff of it is not acknowledged yet: it cannot be coming back; refuse, the source keeps it
                refused.increment();
                ack(h, false);
            } else {
                duplicates.increment(); // already here: the same entity again; never a second copy
                remember(h.transfer());
                ack(h, true);
            }
            return;
        }
        final long entity;
        try {
            final long[] check = EntitySerializer.read(staging, h.entity());
            boolean ok;
            try {
                ok = check.length == 1 && staging.get(check[0], gidField) == h.gid();
            } finally {
                clearStaging(check);
            }
            if (!ok) {
                throw new IllegalArgumentException("handoff must carry exactly the entity with global id " + h.gid());
            }
            entity = EntitySerializer.read(world, h.entity())[0];
        } catch (final RuntimeException e) {
            clearStaging(NO_ENTITIES);
            LOG.warn("zone {}: refusing handoff {} of {} from node {}: {}", zone, h.transfer(), h.gid(), h.fromNode(),
                String.valueOf(e));
            refused.increment();
            ack(h, false);
            return;
        }
        if (world.has(entity, FROZEN)) {
            world.remove(entity, FROZEN);
        }
        dropGhost(h.gid());
        entityByGid.put(h.gid(), entity);
        forwardZone.remove(h.gid());
        remember(h.transfer());
        received.increment();
        ack(h, true);
        listener.onArrived(entity, h.gid(), h.fromZone(), h.frozenNanos());
    }

    private void ack(final InHandoff h, final boolean accepted) {
        final FlatBufferBuilder b = writer.begin(ShardMessageTypes.HANDOFF_ACK);
        final ByteBuffer msg = writer.finish(HandoffAck.createHandoffAck(b, h.gid(), h.transfer(), h.fromZone(), zone, accepted));
        if (!service.send(h.fromNode(), h.fromZone(), msg)) {
            // the window to the source is full; the source's entity stays frozen until this is sent
            LOG.warn("zone {}: acknowledgement of handoff {} to zone {} on node {} refused (link window full, or zone not "
                + "hosted); retrying", zone, h.transfer(), h.fromZone(), h.fromNode());
            final ByteBuffer copy = ByteBuffer.allocate(msg.remaining()).put(msg.duplicate()).flip();
            retries.add(new Object[] {h.fromNode(), h.fromZone(), copy, System.nanoTime() + service.forwardForNanos});
        }
    }

    /** Sends again what a full link window refused (acknowledgements, forwarded inputs), for at most forwardFor. */
    private void retrySends() {
        final long now = System.nanoTime();
        for (int i = retries.size(); i > 0; i--) {
            final Object[] r = retries.pollFirst();
            if (!service.send((Integer) r[0], (Integer) r[1], ((ByteBuffer) r[2]).duplicate())) {
                if (now - (Long) r[3] < 0) {
                    retries.addLast(r);
                } else {
                    service.dropped.increment();
                    LOG.warn("zone {}: gave up sending to zone {} on node {}", zone, r[1], r[0]);
                }
            }
        }
    }

    private void remember(final long transfer) {
        final long old = appliedRing[appliedNext];
        if (old != 0) {
            appliedTransfers.remove(old);
        }
        appliedRing[appliedNext] = transfer;
        appliedNext = (appliedNext + 1) % RECENT_TRANSFERS;
        appliedTransfers.add(transfer);
    }

    private void onAck(final InAck a) {
        final Outgoing out = outgoing.get(a.gid());
        if (out == null || out.transfer != a.transfer()) {
            LOG.debug("zone {}: stale handoff ack of {} (transfer {})", zone, a.gid(), a.transfer());
            return;
        }
        outgoing.remove(a.gid());
        if (a.accepted()) {
            world.destroy(out.entity);
            entityByGid.remove(a.gid());
            forwardZone.put(a.gid(), out.toZone);
            forwardExpiry.addLast(new long[] {a.gid(), System.nanoTime() + service.forwardForNanos});
            for (final byte[] input : out.inputs) {
                forward(a.gid(), out.toZone, ByteBuffer.wrap(input));
            }
            listener.onReleased(a.gid(), out.toZone, out.frozenNanos);
        } else {
            refused.increment();
            world.remove(out.entity, FROZEN);
            listener.onRefused(out.entity, a.gid(), out.toZone);
            for (final byte[] input : out.inputs) {
                inputs.onInput(out.entity, a.gid(), ByteBuffer.wrap(input));
            }
        }
    }

    private boolean forward(final long gid, final int toZone, final ByteBuffer input) {
        final FlatBufferBuilder b = writer.begin(ShardMessageTypes.FORWARDED_INPUT);
        final int v = ForwardedInput.createInputVector(b, input.duplicate());
        final boolean sent = service.send(service.ownerOf(toZone), toZone,
            writer.finish(ForwardedInput.createForwardedInput(b, gid, toZone, v)));
        if (sent) {
            forwarded.increment();
        }
        return sent;
    }

    private void expireForwards() {
        retrySends();
        final long now = System.nanoTime();
        while (!forwardExpiry.isEmpty() && forwardExpiry.peekFirst()[1] - now <= 0) {
            final long gid = forwardExpiry.pollFirst()[0];
            if (entityByGid.get(gid) == EntityIds.NONE) {
                forwardZone.remove(gid);
            }
        }
    }

    private static byte[] copy(final ByteBuffer input) {
        final byte[] bytes = new byte[input.remaining()];
        input.duplicate().get(bytes);
        return bytes;
    }

    @Override
    public String toString() {
        return "ZoneHandoff{zone=" + zone + ", node=" + service.nodeId + ", entities=" + entityByGid.size() + ", pending="
            + outgoing.size() + '}';
    }
}

package org.mmosdk.sync;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

import com.google.flatbuffers.FlatBufferBuilder;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongLongConsumer;
import org.mmosdk.core.id.EntityIds;
import org.mmosdk.core.peer.Delivery;
import org.mmosdk.core.peer.Peer;
import org.mmosdk.core.time.Clock;
import org.mmosdk.core.wire.EnvelopeWriter;
import org.mmosdk.core.wire.MessageHandler;
import org.mmosdk.core.wire.MessageRegistry;
import org.mmosdk.ecs.Archetype;
import org.mmosdk.ecs.ComponentType;
import org.mmosdk.ecs.FloatField;
import org.mmosdk.ecs.World;
import org.mmosdk.sync.wire.fb.InputBatch;
import org.mmosdk.sync.wire.fb.Snapshot;
import org.mmosdk.sync.wire.fb.SnapshotAck;

/**
 * The client side of state sync: applies snapshots to a mirror {@link World} (newest wins; older ones arriving late
 * are dropped), acknowledges them, keeps an interpolation buffer of the interpolated fields of remote entities
 * ({@link #sample}), and predicts the client's own entity: {@link #sendInput} applies an input at once and sends it
 * (with the previous few, so a lost packet costs nothing); each snapshot resets the entity to the server's state and
 * replays the inputs the server has not applied yet.
 *
 * <pre>{@code
 * SyncClient sync = SyncClient.builder(mirror, rules, serverPeer).clock(clock)
 *     .interpolationDelayNanos(100_000_000).inputs(4, applier).build();
 * MessageRegistry<Peer> registry = sync.registerHandlers(MessageRegistry.<Peer>builder()).build();
 * // per frame: dispatch what arrived, then
 * sync.sendInput(input);  serverPeer.flush();
 * sync.sample(remoteEntity, sync.renderTimeNanos(), xy);   // xy: the interpolated fields, in rule order
 * }</pre>
 *
 * <p>The client keeps, per view slot the server bound, the quantized values of the last 16 records of that slot (the
 * bases of the server's deltas): {@code 64 * (1 + d) + 12} bytes per slot, {@code d} being the number of
 * bounded-float and angle fields of the rules; the tables grow with the highest slot seen (at most 65,536).
 *
 * <p>Entity handles in this API are the server's; {@link #mirrorOf(long)} maps one to the mirror world. Threads: one
 * thread (the one that owns the mirror world) calls everything, including the registered handler. A malformed
 * snapshot is rejected before anything is applied, counted, and closes the peer.
 */
public final class SyncClient {
    private static final int SAMPLES = 16;

    private final World world;
    private final ReplicationRules rules;
    private final Peer server;
    private final Clock clock;
    private final long delayNanos;
    private final long maxExtrapolationNanos;
    private final boolean interpolation;
    private final int inputSize;
    private final int redundancy;
    private final InputApplier applier;

    private final EntityCodec codec;
    private final BitReader reader = new BitReader();
    private final Snapshot snapshot = new Snapshot();
    private final SnapshotHeader header = new SnapshotHeader();
    private final SnapshotHeader.History headers = new SnapshotHeader.History();
    private final EnvelopeWriter envelope = new EnvelopeWriter(256);
    private final Long2LongHashMap mirror = new Long2LongHashMap(EntityIds.NONE);
    private final Int2ObjectHashMap<Archetype> archetypes = new Int2ObjectHashMap<>();
    private final Long2ObjectHashMap<Samples> samples = new Long2ObjectHashMap<>();
    private final MessageHandler<Peer> snapshotHandler = this::onSnapshot;
    /** The view slot of each server entity in view (bound by its id record, unbound by its removal). */
    private final Long2LongHashMap slotOf = new Long2LongHashMap(-1);
    /** Per view slot, the local handle of the entity bound to it, or none (dead reckoning walks these). */
    private long[] slotLocal = new long[64];
    private long reckoned;
    private final LongLongConsumer sampleOne = this::sampleOne;
    private long sampleNanos;

    private long lastSeq;
    private long lastServerTick;
    private long owned = EntityIds.NONE;
    private long lastServerNanos;
    private long clockOffset = Long.MIN_VALUE;
    private long applied;
    private long rejected;
    private long stale;
    private long deltaRecords;
    private long extrapolatedRecords;

    private final byte[] inputRing;
    private final int inputMask;
    private int inputSeq;
    private int inputAck;
    private final byte[] batchScratch;

    private SyncClient(final Builder b) {
        this.world = b.world;
        this.rules = b.rules;
        this.server = b.server;
        this.clock = b.clock;
        this.delayNanos = b.delayNanos;
        this.maxExtrapolationNanos = b.maxExtrapolationNanos;
        this.interpolation = b.interpolation;
        this.inputSize = b.inputSize;
        this.redundancy = b.redundancy;
        this.applier = b.applier;
        this.codec = new EntityCodec(rules);
        this.inputRing = new byte[Math.max(1, inputSize) * 128];
        this.inputMask = 127;
        this.batchScratch = new byte[Math.max(1, inputSize) * redundancy];
    }

    /**
     * A builder.
     *
     * @param mirror the client's world; registers every replicated component
     * @param rules the same rules as the server's
     * @param server the connection to the server
     * @return a builder
     */
    public static Builder builder(final World mirror, final ReplicationRules rules, final Peer server) {
        return new Builder(mirror, rules, server);
    }

    /**
     * Registers the snapshot handler (verified against {@code sync.bfbs}).
     *
     * @param registry the client's registry builder
     * @param <C> the registry's context
     * @return {@code registry}
     */
    public <C extends Peer> MessageRegistry.Builder<C> registerHandlers(final MessageRegistry.Builder<C> registry) {
        registry.register(SyncMessageTypes.SNAPSHOT, SyncMessageTypes.schema().table(Snapshot.class), snapshotHandler);
        return registry;
    }

    // ------------------------------------------------------------------ snapshots

    private void onSnapshot(final Peer peer, final int typeId, final ByteBuffer payload) {
        final Snapshot s = Snapshot.getRootAsSnapshot(payload, snapshot);
        reader.wrap(s, payload);
        final SnapshotHeader h = header;
        if (!h.read(reader, headers)) {
            rejected++;
            peer.close(SyncMessageTypes.CLOSE_PROTOCOL_ERROR, "malformed snapshot header");
            return;
        }
        final long seq = h.seq;
        if (seq <= lastSeq) {
            stale++;
            return;
        }
        if (!codec.decode(reader, h.count, seq, h.base)) {
            rejected++;
            peer.close(SyncMessageTypes.CLOSE_PROTOCOL_ERROR, "malformed snapshot " + seq);
            return;
        }
        lastSeq = seq;
        lastServerTick = h.serverTick;
        final long serverNanos = h.serverNanos;
        lastServerNanos = serverNanos;
        clockOffset = Math.max(clockOffset, serverNanos - clock.nanoTime());
        headers.remember(h);
        // removals
        for (int i = 0, n = h.removedCount; i < n; i++) {
            final long e = h.removed[i];
            final long local = mirror.remove(e);
            if (local != EntityIds.NONE && world.isAlive(local)) {
                world.destroy(local);
            }
            samples.remove(e);
            final long slot = slotOf.remove(e);
            if (slot >= 0 && slot < slotLocal.length) {
                slotLocal[(int) slot] = EntityIds.NONE;
            }
        }
        // records, decoded and checked whole above (slot records resolved to their entity and absolute values)
        owned = h.owned;
        for (int i = 0, n = codec.decodedCount; i < n; i++) {
            final long handle = codec.recordHandle[i];
            final int mask = codec.recordMask[i];
            long local = mirror.get(handle);
            if (local == EntityIds.NONE && codec.recordFull[i]) {
                local = world.create(archetype(mask));
                mirror.put(handle, local);
            }
            if (local != EntityIds.NONE) {
                ensureComponents(local, mask);
                codec.apply(i, world, local);
            }
            codec.remember(i, (int) seq);
            if (codec.recordFull[i] && codec.recordSlot[i] >= 0) {
                final int slot = codec.recordSlot[i];
                slotOf.put(handle, slot);
                if (slot >= slotLocal.length) {
                    slotLocal = Arrays.copyOf(slotLocal, Math.max(slot + 1, slotLocal.length * 2));
                }
                slotLocal[slot] = local;
            }
        }
        if (rules.deadReckoning) {
            for (int slot = 0; slot < slotLocal.length; slot++) {
                if (slotLocal[slot] != EntityIds.NONE) {
                    reckonOne(slot, slotLocal[slot], seq);
                }
            }
        }
        // reconciliation: the server's state of our entity, then replay what it has not applied yet
        final int ack = (int) Math.min(h.inputAck, inputSeq);
        if (ack > inputAck) {
            inputAck = ack;
        }
        final long ownLocal = owned == EntityIds.NONE ? EntityIds.NONE : mirror.get(owned);
        if (applier != null && ownLocal != EntityIds.NONE) {
            for (int q = Math.max(inputAck + 1, inputSeq - inputMask); q <= inputSeq; q++) {
                applier.apply(world, ownLocal, inputRing, (q & inputMask) * inputSize);
            }
        }
        recordSamples(serverNanos);
        applied++;
        deltaRecords += codec.decodedWithBase;
        extrapolatedRecords += codec.decodedWithPrior;
        final FlatBufferBuilder b = envelope.begin(SyncMessageTypes.SNAPSHOT_ACK);
        peer.send(envelope.finish(SnapshotAck.createSnapshotAck(b, seq)), Delivery.DROPPABLE);
    }

    /**
     * Dead reckoning: an entity in view without a record in this snapshot is on the line of its last two records (the
     * server sends one whenever that is not so): its position extrapolated along them.
     */
    private void reckonOne(final int slot, final long local, final long seq) {
        if (codec.slotHandle(slot) == owned || !world.has(local, rules.positionX.component())) {
            return;
        }
        final ReplicationRules r = rules;
        final int flatX = r.positionFlatX;
        final int flatY = r.positionFlatY;
        final long qx = codec.extrapolate(slot, seq, r.positionDeltaX, r.flatBits[flatX]);
        final long qy = codec.extrapolate(slot, seq, r.positionDeltaY, r.flatBits[flatY]);
        if (qx < 0 || qy < 0) {
            return;
        }
        world.set(local, r.positionX, EntityCodec.dequantize(qx, r.flatMin[flatX], r.flatStep[flatX]));
        world.set(local, r.positionY, EntityCodec.dequantize(qy, r.flatMin[flatY], r.flatStep[flatY]));
        reckoned++;
    }

    private Archetype archetype(final int mask) {
        Archetype a = archetypes.get(mask);
        if (a == null) {
            final ComponentType[] types = new ComponentType[Integer.bitCount(mask)];
            for (int c = 0, k = 0; c < rules.components.length; c++) {
                if ((mask & (1 << c)) != 0) {
                    types[k++] = rules.components[c];
                }
            }
            a = world.archetype(types);
            archetypes.put(mask, a);
        }
        return a;
    }

    private void ensureComponents(final long local, final int mask) {
        for (int c = 0; c < rules.components.length; c++) {
            if ((mask & (1 << c)) != 0 && !world.has(local, rules.components[c])) {
                world.add(local, rules.components[c]);
            }
        }
    }

    // ------------------------------------------------------------------ interpolation

    private void recordSamples(final long serverNanos) {
        if (rules.interpolatedCount == 0 || !interpolation) {
            return;
        }
        sampleNanos = serverNanos;
        mirror.forEachLong(sampleOne);
    }

    private void sampleOne(final long serverHandle, final long local) {
        if (serverHandle == owned) {
            return;
        }
        Samples ring = samples.get(serverHandle);
        if (ring == null) {
            ring = new Samples(rules.interpolatedCount);
            samples.put(serverHandle, ring);
        }
        ring.add(sampleNanos, world, local, rules);
    }

    /**
     * The server time to render remote entities at: the estimated current server time minus the interpolation
     * delay.
     *
     * @return server nanoseconds
     */
    public long renderTimeNanos() {
        return clockOffset == Long.MIN_VALUE ? lastServerNanos : clock.nanoTime() + clockOffset - delayNanos;
    }

    /**
     * The interpolated fields of a remote entity at a server time: between the two snapshots around it, or
     * extrapolated from the last two for at most the configured bound.
     *
     * @param serverEntity the server's handle
     * @param serverNanos when, usually {@link #renderTimeNanos()}
     * @param out receives the interpolated fields in rule order (at least as many as there are)
     * @return false if the entity has no samples (or {@link Builder#interpolation} is off)
     */
    public boolean sample(final long serverEntity, final long serverNanos, final float[] out) {
        final Samples ring = samples.get(serverEntity);
        if (ring == null || ring.count == 0) {
            return false;
        }
        ring.sample(serverNanos, maxExtrapolationNanos, rules, out);
        return true;
    }

    // ------------------------------------------------------------------ prediction

    /**
     * Predicts and sends one input: applies it to the own entity in the mirror at once, remembers it for replay,
     * and sends it with the previous few (droppable; not flushed).
     *
     * @param input {@code inputSize} bytes at {@code offset}
     * @param offset where the input starts
     * @return the input's sequence number
     */
    public int sendInput(final byte[] input, final int offset) {
        if (applier == null) {
            throw new IllegalStateException("no inputs configured");
        }
        final int seq = ++inputSeq;
        System.arraycopy(input, offset, inputRing, (seq & inputMask) * inputSize, inputSize);
        final long ownLocal = owned == EntityIds.NONE ? EntityIds.NONE : mirror.get(owned);
        if (ownLocal != EntityIds.NONE) {
            applier.apply(world, ownLocal, inputRing, (seq & inputMask) * inputSize);
        }
        final int count = Math.min(redundancy, seq);
        for (int i = 0; i < count; i++) {
            final int q = seq - count + 1 + i;
            System.arraycopy(inputRing, (q & inputMask) * inputSize, batchScratch, i * inputSize, inputSize);
        }
        final FlatBufferBuilder b = envelope.begin(SyncMessageTypes.INPUT_BATCH);
        final int vec = b.createByteVector(batchScratch, 0, count * inputSize);
        InputBatch.startInputBatch(b);
        InputBatch.addLastSeq(b, seq);
        InputBatch.addInputs(b, vec);
        InputBatch.addCount(b, count);
        InputBatch.addInputSize(b, inputSize);
        server.send(envelope.finish(InputBatch.endInputBatch(b)), Delivery.DROPPABLE);
        return seq;
    }

    // ------------------------------------------------------------------ queries

    /**
     * The mirror entity of a server entity.
     *
     * @param serverEntity the server's handle
     * @return the mirror's handle, or {@link EntityIds#NONE} if not in view
     */
    public long mirrorOf(final long serverEntity) {
        return mirror.get(serverEntity);
    }

    /**
     * The server handle of this client's own entity.
     *
     * @return the handle, or {@link EntityIds#NONE} before the first snapshot naming one
     */
    public long ownedEntity() {
        return owned;
    }

    /**
     * Entities mirrored.
     *
     * @return count
     */
    public int mirroredCount() {
        return mirror.size();
    }

    /**
     * Sequence number of the last applied snapshot.
     *
     * @return the sequence number, 0 before the first
     */
    public long lastSnapshotSeq() {
        return lastSeq;
    }

    /**
     * Snapshots applied.
     *
     * @return count
     */
    public long snapshotsApplied() {
        return applied;
    }

    /**
     * Snapshots dropped because a newer one was applied first.
     *
     * @return count
     */
    public long snapshotsStale() {
        return stale;
    }

    /**
     * Snapshots rejected as malformed.
     *
     * @return count
     */
    public long snapshotsRejected() {
        return rejected;
    }

    /**
     * The server world's tick of the last snapshot applied (the tick whose state the mirror shows), 0 before the first.
     *
     * @return a tick
     */
    public long lastServerTick() {
        return lastServerTick;
    }

    /**
     * Positions extrapolated so far: entities in view that had no record in a snapshot and were moved along their line
     * (dead reckoning, {@link ReplicationRules.Builder#deadReckoning}).
     *
     * @return a count
     */
    public long reckonedPositions() {
        return reckoned;
    }

    /** Records applied that were sent as value deltas against a base (for tests). */
    long deltaRecordsApplied() {
        return deltaRecords;
    }

    /** Of {@link #deltaRecordsApplied()}, those sent against an extrapolation from two bases (for tests). */
    long extrapolatedRecordsApplied() {
        return extrapolatedRecords;
    }

    /**
     * The last input sequence number the server reported as applied.
     *
     * @return the sequence number
     */
    public int inputAck() {
        return inputAck;
    }

    /** A ring of samples of one remote entity's interpolated fields. */
    static final class Samples {
        final long[] times = new long[SAMPLES];
        final float[] values;
        final int width;
        int head;
        int count;

        Samples(final int width) {
            this.width = width;
            this.values = new float[SAMPLES * width];
        }

        void add(final long t, final World world, final long local, final ReplicationRules rules) {
            if (count > 0 && times[(head - 1) & (SAMPLES - 1)] == t) {
                return;
            }
            final int i = head;
            times[i] = t;
            for (int k = 0; k < width; k++) {
                final int c = rules.interpolatedComponent[k];
                values[i * width + k] = world.has(local, rules.components[c])
                    ? world.get(local, (FloatField) rules.fields[c][rules.interpolatedField[k]]) : 0f;
            }
            head = (head + 1) & (SAMPLES - 1);
            count = Math.min(SAMPLES, count + 1);
        }

        void sample(final long t, final long maxExtrapolation, final ReplicationRules rules, final float[] out) {
            final int newest = (head - 1) & (SAMPLES - 1);
            if (count == 1 || t <= times[(head - count) & (SAMPLES - 1)]) {
                final int i = count == 1 ? newest : (head - count) & (SAMPLES - 1);
                System.arraycopy(values, i * width, out, 0, width);
                return;
            }
            if (t >= times[newest]) {
                final int prev = (newest - 1) & (SAMPLES - 1);
                final long dt = times[newest] - times[prev];
                final double f = dt <= 0 ? 0 : (double) Math.min(t - times[newest], maxExtrapolation) / dt;
                blend(prev, newest, 1 + f, rules, out);
                return;
            }
            int b = newest;
            for (int k = 1; k < count; k++) {
                final int a = (newest - k) & (SAMPLES - 1);
                if (times[a] <= t) {
                    final long dt = times[b] - times[a];
                    blend(a, b, dt <= 0 ? 1 : (double) (t - times[a]) / dt, rules, out);
                    return;
                }
                b = a;
            }
            System.arraycopy(values, b * width, out, 0, width);
        }

        private void blend(final int a, final int b, final double f, final ReplicationRules rules, final float[] out) {
            for (int k = 0; k < width; k++) {
                final float va = values[a * width + k];
                final float vb = values[b * width + k];
                final int c = rules.interpolatedComponent[k];
                float delta = vb - va;
                if (rules.encoding[c][rules.interpolatedField[k]] == ReplicationRules.ANGLE) {
                    delta = (float) Math.IEEEremainder(delta, 2 * Math.PI);
                }
                out[k] = (float) (va + delta * f);
            }
        }
    }

    /** Settings of a {@link SyncClient}. */
    public static final class Builder {
        private final World world;
        private final ReplicationRules rules;
        private final Peer server;
        private Clock clock = Clock.system();
        private long delayNanos = 100_000_000L;
        private long maxExtrapolationNanos = 100_000_000L;
        private boolean interpolation = true;
        private int inputSize;
        private int redundancy = 4;
        private InputApplier applier;

        private Builder(final World world, final ReplicationRules rules, final Peer server) {
            this.world = Objects.requireNonNull(world, "mirror");
            this.rules = Objects.requireNonNull(rules, "rules");
            this.server = Objects.requireNonNull(server, "server");
        }

        /**
         * The client's clock.
         *
         * @param value the system clock by default
         * @return this
         */
        public Builder clock(final Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /**
         * How far behind the estimated server time remote entities are rendered (about two snapshot intervals).
         *
         * @param value in [0, 2 s]; 100 ms by default
         * @return this
         */
        public Builder interpolationDelayNanos(final long value) {
            if (value < 0 || value > 2_000_000_000L) {
                throw new IllegalArgumentException("interpolationDelayNanos must be in [0, 2e9], was " + value);
            }
            this.delayNanos = value;
            return this;
        }

        /**
         * How far past the newest snapshot an entity is extrapolated before it stops.
         *
         * @param value in [0, 1 s]; 100 ms by default
         * @return this
         */
        public Builder maxExtrapolationNanos(final long value) {
            if (value < 0 || value > 1_000_000_000L) {
                throw new IllegalArgumentException("maxExtrapolationNanos must be in [0, 1e9], was " + value);
            }
            this.maxExtrapolationNanos = value;
            return this;
        }

        /**
         * Whether the client keeps a short history of every remote entity's interpolated fields for {@link #sample}
         * (on by default). A headless client that never renders (a bot, a load generator) turns it off: it then skips
         * a copy of those fields per entity in view per snapshot, about a quarter of a bot's time in the arena's swarm,
         * and {@link #sample} returns false. The mirror world is kept up to date either way.
         *
         * @param on false for headless clients
         * @return this
         */
        public Builder interpolation(final boolean on) {
            this.interpolation = on;
            return this;
        }

        /**
         * Enables prediction: fixed-size inputs applied locally by the same applier as the server's. A headless client
         * that sends inputs but shows nothing (a bot) can pass an applier that does nothing: the server gets the same
         * inputs, and the client skips replaying its unacknowledged ones after every snapshot.
         *
         * @param size bytes per input, in [1, 64], equal to the server's
         * @param inputApplier applies one input
         * @return this
         */
        public Builder inputs(final int size, final InputApplier inputApplier) {
            if (size < 1 || size > 64) {
                throw new IllegalArgumentException("input size must be in [1, 64], was " + size);
            }
            this.inputSize = size;
            this.applier = Objects.requireNonNull(inputApplier, "inputApplier");
            return this;
        }

        /**
         * Inputs per batch (the newest plus the previous {@code value - 1}).
         *
         * @param value in [1, 32]; 4 by default
         * @return this
         */
        public Builder inputRedundancy(final int value) {
            if (value < 1 || value > 32) {
                throw new IllegalArgumentException("inputRedundancy must be in [1, 32], was " + value);
            }
            this.redundancy = value;
            return this;
        }

        /**
         * Builds the client.
         *
         * @return the client
         */
        public SyncClient build() {
            for (final ComponentType t : rules.components) {
                if (!world.components().contains(t)) {
                    throw new IllegalArgumentException("the mirror world does not register replicated component " + t);
                }
            }
            return new SyncClient(this);
        }
    }
}

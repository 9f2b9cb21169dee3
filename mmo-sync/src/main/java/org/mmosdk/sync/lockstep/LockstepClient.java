package org.mmosdk.sync.lockstep;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Supplier;

import com.google.flatbuffers.FlatBufferBuilder;
import org.mmosdk.core.peer.Delivery;
import org.mmosdk.core.peer.Peer;
import org.mmosdk.core.time.Clock;
import org.mmosdk.core.wire.EnvelopeWriter;
import org.mmosdk.core.wire.MessageHandler;
import org.mmosdk.core.wire.MessageRegistry;
import org.mmosdk.core.wire.WireSchema;
import org.mmosdk.ecs.World;
import org.mmosdk.sync.SyncMessageTypes;
import org.mmosdk.sync.wire.fb.HashReport;
import org.mmosdk.sync.wire.fb.KeyOp;
import org.mmosdk.sync.wire.fb.KeyOpAck;
import org.mmosdk.sync.wire.fb.Keyframe;
import org.mmosdk.sync.wire.fb.LockstepFrames;
import org.mmosdk.sync.wire.fb.LockstepInput;
import org.mmosdk.sync.wire.fb.Probe;
import org.mmosdk.sync.wire.fb.ProbeReply;

/**
 * The client of a {@link LockstepServer} room. It starts from the keyframe the room sends on joining, samples the
 * local input once per frame and sends it for frame {@code now + inputDelay} together with the previous
 * {@code redundancy - 1} frames (droppable: a lost packet costs nothing), applies sealed frames strictly in order
 * with the {@link DeterministicStep}, reports the state hash of every confirmed frame (in batches every
 * {@code hashReportEvery} frames), verifies the room's keyframes (and, when they carry the world and the hash
 * differs, resynchronises from them), answers forensic probes from its rollback window, and sends key operations
 * until the room acknowledges them.
 *
 * <pre>{@code
 * LockstepClient client = LockstepClient.builder(peer, worldFactory, step).clock(clock).inputDelay(3).build();
 * MessageRegistry<Peer> registry = client.registerHandlers(MessageRegistry.<Peer>builder()).build();
 * // every client tick: dispatch received messages, then
 * client.input(bytes);  client.update();   // samples, sends, simulates, flushes
 * render(client.world());
 * }</pre>
 *
 * <p>The client's frame clock assumes its clock runs in step with the room's ({@code start_nanos} of the keyframe
 * is read on the client's clock); estimating the offset over a real network is the caller's concern.
 *
 * <p>Threads: one thread calls everything, including the registered handlers. {@link #world()} may change when a
 * keyframe is loaded.
 */
public final class LockstepClient {
    private static final int BUFFER = 256;
    private static final int INPUT_RING = 128;
    private static final int MAX_UNACKED_OPS = 64;

    private final Peer peer;
    private final Supplier<World> worldFactory;
    private final DeterministicStep step;
    private final Clock clock;
    private final int inputDelay;
    private final int redundancy;
    private final int hashEvery;
    private final int window;
    private final long retransmitNanos;
    private final boolean resync;

    private boolean joined;
    private int slot;
    private int players;
    private int inputSize;
    private long frameNanos;
    private long startNanos;
    private RollbackSimulation sim;
    private FrameInputs[] buffer;
    private int[] bufferFrame;
    private byte[] input;
    private byte[] inputRing;
    private int nextInputFrame = -1;
    private int reportedUpTo;
    private int pendingKeyframeFrame = -1;
    private long pendingKeyframeHash;
    private byte[] pendingKeyframe;

    private long nextOpSeq = 1;
    private final ArrayDeque<long[]> opTimes = new ArrayDeque<>();
    private final ArrayDeque<byte[]> unacked = new ArrayDeque<>();
    private long firstUnackedSeq = 1;

    private final EnvelopeWriter envelope = new EnvelopeWriter(2048);
    private final LockstepFrames framesReader = new LockstepFrames();
    private final Keyframe keyframeReader = new Keyframe();
    private final KeyOpAck ackReader = new KeyOpAck();
    private final Probe probeReader = new Probe();
    private final MessageHandler<Peer> framesHandler = this::onFrames;
    private final MessageHandler<Peer> keyframeHandler = this::onKeyframe;
    private final MessageHandler<Peer> ackHandler = this::onAck;
    private final MessageHandler<Peer> probeHandler = this::onProbe;

    private long keyframeMismatches;
    private long resyncs;
    private long inexactKeyframes;
    private long rejected;

    private LockstepClient(final Builder b) {
        this.peer = b.peer;
        this.worldFactory = b.worldFactory;
        this.step = b.step;
        this.clock = b.clock;
        this.inputDelay = b.inputDelay;
        this.redundancy = b.redundancy;
        this.hashEvery = b.hashEvery;
        this.window = b.window;
        this.retransmitNanos = b.retransmitNanos;
        this.resync = b.resync;
    }

    /**
     * A builder.
     *
     * @param peer the connection to the room
     * @param worldFactory makes an empty world with the room's components (keyframes load into it)
     * @param step the room's deterministic simulation
     * @return a builder
     */
    public static Builder builder(final Peer peer, final Supplier<World> worldFactory, final DeterministicStep step) {
        return new Builder(peer, worldFactory, step);
    }

    /**
     * Registers the handlers of frames, keyframes, key-operation acks and probes (verified against
     * {@code sync.bfbs}).
     *
     * @param registry the client's registry builder
     * @param <C> the registry's context, a peer
     * @return {@code registry}
     */
    public <C extends Peer> MessageRegistry.Builder<C> registerHandlers(final MessageRegistry.Builder<C> registry) {
        final WireSchema schema = SyncMessageTypes.schema();
        registry.register(SyncMessageTypes.LOCKSTEP_FRAMES, schema.table(LockstepFrames.class), 65536 + 16384 + 128,
            framesHandler);
        registry.register(SyncMessageTypes.KEYFRAME, schema.table(Keyframe.class), 8388608 + 128, keyframeHandler);
        registry.register(SyncMessageTypes.KEY_OP_ACK, schema.table(KeyOpAck.class), 64, ackHandler);
        registry.register(SyncMessageTypes.PROBE, schema.table(Probe.class), 64, probeHandler);
        return registry;
    }

    /**
     * Sets the local input sampled at the next frame boundaries (copied).
     *
     * @param bytes the room's input size
     */
    public void input(final byte[] bytes) {
        if (!joined) {
            return;
        }
        if (bytes.length != inputSize) {
            throw new IllegalArgumentException("input must be " + inputSize + " bytes, was " + bytes.length);
        }
        System.arraycopy(bytes, 0, input, 0, inputSize);
    }

    /**
     * Queues a key operation (a skill cast); it is sent until the room acknowledges it, and appears exactly once in
     * a sealed frame.
     *
     * @param op 1 to 1024 bytes (copied)
     * @return its sequence number, or -1 if {@value #MAX_UNACKED_OPS} are still unacknowledged
     */
    public long keyOp(final byte[] op) {
        if (op.length < 1 || op.length > 1024) {
            throw new IllegalArgumentException("a key operation must be 1 to 1024 bytes, was " + op.length);
        }
        if (unacked.size() >= MAX_UNACKED_OPS) {
            return -1;
        }
        unacked.add(op.clone());
        opTimes.add(new long[] {Long.MIN_VALUE / 2});
        return nextOpSeq++;
    }

    /**
     * Samples the input for every frame begun since the last call, sends it, applies every sealed frame that can
     * be applied, reports hashes, verifies keyframes, retransmits key operations and flushes the peer.
     *
     * @return frames applied
     */
    public int update() {
        if (!joined) {
            peer.flush();
            return 0;
        }
        final long now = clock.nanoTime();
        final long local = Math.floorDiv(now - startNanos, frameNanos);
        final int target = (int) Math.max(-1, local + inputDelay);
        if (nextInputFrame < sim.frame()) {
            nextInputFrame = sim.frame();
        }
        if (target >= nextInputFrame) {
            for (int f = Math.max(nextInputFrame, target - INPUT_RING + 1); f <= target; f++) {
                System.arraycopy(input, 0, inputRing, (f % INPUT_RING) * inputSize, inputSize);
            }
            nextInputFrame = target + 1;
        }
        sendInputs();
        int applied = 0;
        while (true) {
            final int f = sim.frame();
            final int b = f % BUFFER;
            if (bufferFrame[b] != f) {
                break;
            }
            sim.step(buffer[b]);
            bufferFrame[b] = -1;
            applied++;
            checkKeyframe();
        }
        if (sim.frame() - reportedUpTo >= hashEvery) {
            reportHashes();
        }
        for (final long[] t : opTimes) {
            if (now - t[0] >= retransmitNanos) {
                sendOps(now);
                break;
            }
        }
        peer.flush();
        return applied;
    }

    private void sendInputs() {
        final int last = nextInputFrame - 1;
        final int first = Math.max(Math.max(0, sim.frame()), last - redundancy + 1);
        if (last < first) {
            return;
        }
        final int count = last - first + 1;
        final FlatBufferBuilder b = envelope.begin(SyncMessageTypes.LOCKSTEP_INPUT);
        LockstepInput.startInputsVector(b, count * inputSize);
        for (int f = last; f >= first; f--) {
            for (int k = inputSize - 1; k >= 0; k--) {
                b.addByte(inputRing[(f % INPUT_RING) * inputSize + k]);
            }
        }
        final int vec = b.endVector();
        LockstepInput.startLockstepInput(b);
        LockstepInput.addLastFrame(b, last);
        LockstepInput.addCount(b, count);
        LockstepInput.addNextNeeded(b, sim.frame());
        LockstepInput.addInputs(b, vec);
        peer.send(envelope.finish(LockstepInput.endLockstepInput(b)), Delivery.DROPPABLE);
    }

    private void reportHashes() {
        final int first = Math.max(reportedUpTo, sim.frame() - 64);
        final int n = sim.frame() - first;
        final FlatBufferBuilder b = envelope.begin(SyncMessageTypes.HASH_REPORT);
        HashReport.startHashesVector(b, n);
        for (int f = sim.frame(); f > first; f--) {
            b.addLong(sim.hashAt(f));
        }
        final int vec = b.endVector();
        peer.send(envelope.finish(HashReport.createHashReport(b, first, vec)), Delivery.RELIABLE);
        reportedUpTo = sim.frame();
    }

    private void sendOps(final long now) {
        long seq = firstUnackedSeq;
        for (final byte[] op : unacked) {
            final FlatBufferBuilder b = envelope.begin(SyncMessageTypes.KEY_OP);
            final int vec = KeyOp.createOpVector(b, op);
            peer.send(envelope.finish(KeyOp.createKeyOp(b, seq++, vec)), Delivery.DROPPABLE);
        }
        for (final long[] t : opTimes) {
            t[0] = now;
        }
    }

    private void checkKeyframe() {
        if (pendingKeyframeFrame < 0 || !sim.hasHash(pendingKeyframeFrame)) {
            return;
        }
        final int f = pendingKeyframeFrame;
        final byte[] bytes = pendingKeyframe;
        pendingKeyframeFrame = -1;
        pendingKeyframe = null;
        if (sim.hashAt(f) == pendingKeyframeHash) {
            return;
        }
        keyframeMismatches++;
        if (resync && bytes != null && f == sim.frame()) {
            load(bytes, f, pendingKeyframeHash);
            resyncs++;
        }
    }

    private boolean load(final byte[] bytes, final int frame, final long hash) {
        final World world = worldFactory.get();
        try {
            if (Keyframes.frameOf(bytes) != frame) {
                return false;
            }
            Keyframes.read(bytes, world);
        } catch (final IllegalArgumentException e) {
            return false;
        }
        if (world.stateHash() != hash) {
            inexactKeyframes++;
        }
        sim = new RollbackSimulation(world, step, window, players, inputSize);
        sim.reset(frame);
        reportedUpTo = frame;
        return true;
    }

    private void reject(final String why) {
        rejected++;
        peer.close(SyncMessageTypes.CLOSE_PROTOCOL_ERROR, why);
    }

    private void onKeyframe(final Peer from, final int typeId, final ByteBuffer payload) {
        final Keyframe m = Keyframe.getRootAsKeyframe(payload, keyframeReader);
        final long frame = m.frame();
        final int n = m.worldLength();
        if (frame > Integer.MAX_VALUE) {
            reject("bad keyframe");
            return;
        }
        byte[] bytes = null;
        if (n > 0) {
            bytes = new byte[n];
            m.worldInByteBuffer(payload.duplicate()).get(bytes);
        }
        if (!joined) {
            final int p = m.players();
            final int size = m.inputSize();
            if (p < 1 || p > FrameInputs.MAX_PLAYERS || size < 1 || m.slot() >= p || m.frameNanos() <= 0
                || bytes == null) {
                reject("bad join keyframe");
                return;
            }
            players = p;
            inputSize = size;
            slot = m.slot();
            frameNanos = m.frameNanos();
            startNanos = m.startNanos();
            input = new byte[inputSize];
            inputRing = new byte[INPUT_RING * inputSize];
            buffer = new FrameInputs[BUFFER];
            bufferFrame = new int[BUFFER];
            for (int i = 0; i < BUFFER; i++) {
                buffer[i] = new FrameInputs(players, inputSize);
                bufferFrame[i] = -1;
            }
            if (!load(bytes, (int) frame, m.hash())) {
                reject("malformed join keyframe");
                return;
            }
            joined = true;
            return;
        }
        if (m.players() != players || m.inputSize() != inputSize) {
            reject("keyframe of another room shape");
            return;
        }
        if (frame < sim.frame() - 1000 || (pendingKeyframeFrame >= 0 && frame <= pendingKeyframeFrame)) {
            return;
        }
        if (bytes != null && frame > sim.frame() && m.slot() == slot && frame - sim.frame() > BUFFER / 2) {
            load(bytes, (int) frame, m.hash());
            resyncs++;
            return;
        }
        pendingKeyframeFrame = (int) frame;
        pendingKeyframeHash = m.hash();
        pendingKeyframe = bytes;
        checkKeyframe();
    }

    private void onFrames(final Peer from, final int typeId, final ByteBuffer payload) {
        if (!joined) {
            return;
        }
        final LockstepFrames m = LockstepFrames.getRootAsLockstepFrames(payload, framesReader);
        final long first = m.firstFrame();
        final int count = m.count();
        final int frameBytes = players * inputSize;
        if (m.players() != players || m.inputSize() != inputSize || count < 1 || first + count > Integer.MAX_VALUE
            || m.inputsLength() != count * frameBytes) {
            reject("bad lockstep frames");
            return;
        }
        // validate the operations before touching any frame
        final int opsLength = m.opsLength();
        int at = 0;
        while (at < opsLength) {
            if (at + 4 > opsLength) {
                reject("truncated operation");
                return;
            }
            final int rel = m.ops(at);
            final int player = m.ops(at + 1);
            final int len = m.ops(at + 2) | m.ops(at + 3) << 8;
            if (rel >= count || player >= players || len < 1 || at + 4 + len > opsLength) {
                reject("bad operation record");
                return;
            }
            at += 4 + len;
        }
        final int now = sim.frame();
        for (int i = 0; i < count; i++) {
            final int f = (int) first + i;
            if (f < now || f >= now + BUFFER || bufferFrame[f % BUFFER] == f) {
                continue;
            }
            final FrameInputs in = buffer[f % BUFFER].clear().frame(f);
            final byte[] raw = in.raw();
            for (int k = 0; k < frameBytes; k++) {
                raw[k] = (byte) m.inputs(i * frameBytes + k);
            }
            in.allPresent();
            at = 0;
            while (at < opsLength) {
                final int rel = m.ops(at);
                final int len = m.ops(at + 2) | m.ops(at + 3) << 8;
                if (rel == i) {
                    final byte[] op = new byte[len];
                    for (int j = 0; j < len; j++) {
                        op[j] = (byte) m.ops(at + 4 + j);
                    }
                    in.addOp(m.ops(at + 1), op);
                }
                at += 4 + len;
            }
            bufferFrame[f % BUFFER] = f;
        }
    }

    private void onAck(final Peer from, final int typeId, final ByteBuffer payload) {
        final long seq = KeyOpAck.getRootAsKeyOpAck(payload, ackReader).seq();
        if (seq >= nextOpSeq) {
            reject("ack of an operation never sent");
            return;
        }
        while (firstUnackedSeq <= seq && !unacked.isEmpty()) {
            unacked.poll();
            opTimes.poll();
            firstUnackedSeq++;
        }
    }

    private void onProbe(final Peer from, final int typeId, final ByteBuffer payload) {
        if (!joined) {
            return;
        }
        final Probe m = Probe.getRootAsProbe(payload, probeReader);
        final long frame = m.frame();
        if (frame > Integer.MAX_VALUE) {
            reject("bad probe");
            return;
        }
        final int f = (int) frame;
        final int a = m.archetype();
        final int c = m.chunk();
        final int s = m.component();
        final int[][] shape = {new int[0]};
        final long[][] hashes = {new long[0]};
        sim.withStateAt(f, w -> {
            if (a < 0) {
                final HashTree tree = HashTree.of(w);
                shape[0] = tree.shape;
                hashes[0] = tree.hashes;
            } else if (a < w.archetypes().size() && c >= 0 && c < w.archetypes().get(a).chunkCount() && s >= 0
                && s <= w.archetypes().get(a).types().size()) {
                hashes[0] = HashTree.rows(w, a, c, s);
            }
        });
        final int[] sh = shape[0].length > 4096 ? new int[0] : shape[0];
        final long[] hs = hashes[0].length > 65536 ? new long[0] : hashes[0];
        final EnvelopeWriter w = new EnvelopeWriter(64 + sh.length * 4 + hs.length * 8);
        final FlatBufferBuilder b = w.begin(SyncMessageTypes.PROBE_REPLY);
        final long[] shapeLongs = new long[sh.length];
        for (int i = 0; i < sh.length; i++) {
            shapeLongs[i] = sh[i];
        }
        final int shapeVec = ProbeReply.createShapeVector(b, shapeLongs);
        final int hashVec = ProbeReply.createHashesVector(b, hs);
        peer.send(w.finish(ProbeReply.createProbeReply(b, f, a, c, s, shapeVec, hashVec)), Delivery.RELIABLE);
    }

    /**
     * Whether the join keyframe has arrived.
     *
     * @return true once joined
     */
    public boolean joined() {
        return joined;
    }

    /**
     * The player slot the room gave this client.
     *
     * @return the slot, or -1 before joining
     */
    public int slot() {
        return joined ? slot : -1;
    }

    /**
     * Frames applied (confirmed: only sealed frames are ever applied).
     *
     * @return the frame, or -1 before joining
     */
    public int frame() {
        return joined ? sim.frame() : -1;
    }

    /**
     * The simulated world (replaced when a keyframe is loaded).
     *
     * @return the world, or null before joining
     */
    public World world() {
        return joined ? sim.world() : null;
    }

    /**
     * The simulation with its rollback window.
     *
     * @return the simulation, or null before joining
     */
    public RollbackSimulation simulation() {
        return sim;
    }

    /**
     * Keyframes whose hash differed from this client's state at the same frame.
     *
     * @return count
     */
    public long keyframeMismatches() {
        return keyframeMismatches;
    }

    /**
     * Keyframes loaded to resynchronise after a mismatch or falling far behind.
     *
     * @return count
     */
    public long resyncs() {
        return resyncs;
    }

    /**
     * Loaded keyframes whose recreated world did not hash equal to the room's (see {@link Keyframes}).
     *
     * @return count
     */
    public long inexactKeyframes() {
        return inexactKeyframes;
    }

    /**
     * Key operations not acknowledged yet.
     *
     * @return count
     */
    public int unackedOps() {
        return unacked.size();
    }

    /**
     * Messages rejected as malformed (the peer was closed).
     *
     * @return count
     */
    public long rejected() {
        return rejected;
    }

    /** Settings of a {@link LockstepClient}. */
    public static final class Builder {
        private final Peer peer;
        private final Supplier<World> worldFactory;
        private final DeterministicStep step;
        private Clock clock;
        private int inputDelay = 2;
        private int redundancy = 4;
        private int hashEvery = 5;
        private int window = 64;
        private long retransmitNanos = 50_000_000L;
        private boolean resync = true;

        Builder(final Peer peer, final Supplier<World> worldFactory, final DeterministicStep step) {
            this.peer = Objects.requireNonNull(peer, "peer");
            this.worldFactory = Objects.requireNonNull(worldFactory, "worldFactory");
            this.step = Objects.requireNonNull(step, "step");
        }

        /**
         * The client's clock (required), in step with the room's.
         *
         * @param c the clock
         * @return this
         */
        public Builder clock(final Clock c) {
            this.clock = Objects.requireNonNull(c, "clock");
            return this;
        }

        /**
         * Frames between sampling an input and the frame it is for (default 2).
         *
         * @param frames in [0, 60]
         * @return this
         */
        public Builder inputDelay(final int frames) {
            this.inputDelay = range("inputDelay", frames, 0, 60);
            return this;
        }

        /**
         * Frames of input each packet carries (default 4): up to {@code redundancy - 1} lost packets in a row cost
         * nothing.
         *
         * @param frames in [1, 64]
         * @return this
         */
        public Builder redundancy(final int frames) {
            this.redundancy = range("redundancy", frames, 1, 64);
            return this;
        }

        /**
         * Report state hashes every this many frames (default 5); each report holds every frame's hash.
         *
         * @param frames in [1, 64]
         * @return this
         */
        public Builder hashReportEvery(final int frames) {
            this.hashEvery = range("hashReportEvery", frames, 1, 64);
            return this;
        }

        /**
         * Past frames kept for forensic probes (default 64).
         *
         * @param frames in [1, 1024]
         * @return this
         */
        public Builder window(final int frames) {
            this.window = range("window", frames, 1, 1024);
            return this;
        }

        /**
         * How long to wait for an acknowledgement before sending key operations again (default 50 ms).
         *
         * @param nanos at least 1 ms
         * @return this
         */
        public Builder retransmitNanos(final long nanos) {
            if (nanos < 1_000_000L) {
                throw new IllegalArgumentException("retransmitNanos must be >= 1000000, was " + nanos);
            }
            this.retransmitNanos = nanos;
            return this;
        }

        /**
         * Whether a keyframe whose hash differs from this client's replaces its world (default true).
         *
         * @param on true to resynchronise
         * @return this
         */
        public Builder resync(final boolean on) {
            this.resync = on;
            return this;
        }

        /**
         * Builds the client; it joins when the room's keyframe arrives.
         *
         * @return the client
         */
        public LockstepClient build() {
            if (clock == null) {
                throw new IllegalStateException("clock is required");
            }
            return new LockstepClient(this);
        }

        private static int range(final String name, final int v, final int lo, final int hi) {
            if (v < lo || v > hi) {
                throw new IllegalArgumentException(name + " must be in [" + lo + ", " + hi + "], was " + v);
            }
            return v;
        }
    }
}

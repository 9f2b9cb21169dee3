package org.mmosdk.sync.lockstep;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;

import com.google.flatbuffers.FlatBufferBuilder;
import org.agrona.collections.Long2ObjectHashMap;
import org.mmosdk.core.id.EntityIds;
import org.mmosdk.core.peer.Delivery;
import org.mmosdk.core.peer.Peer;
import org.mmosdk.core.time.Clock;
import org.mmosdk.core.wire.EnvelopeWriter;
import org.mmosdk.core.wire.MessageHandler;
import org.mmosdk.core.wire.MessageRegistry;
import org.mmosdk.core.wire.WireSchema;
import org.mmosdk.ecs.Chunk;
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
 * A lockstep (frame sync) room, optionally hybrid. Frame {@code f} collects inputs from
 * {@code start + f * frameNanos} and is sealed on time at {@code start + (f + sealDelay) * frameNanos}: a player
 * whose input for it has not arrived gets the {@link MissingInputPolicy}; late inputs are dropped. Sealed frames,
 * with the key operations scheduled into them, are sent (droppable) to each client from the first frame it has
 * not acknowledged, so a lost packet is repaired by the next one. Joining players — at the start, late, or
 * reconnecting into their old slot — get a keyframe and then the frames since.
 *
 * <p>In hybrid mode (the default) the room runs the {@link DeterministicStep} too: it sends the state hash (and,
 * with {@code fullKeyframes}, the whole world) every {@code keyframeEvery} frames for clients to verify, compares
 * the hashes clients report for every confirmed frame with its own, and on a mismatch runs forensics over the wire
 * ({@link DesyncReport}: first differing frame, client, entity and component). Without simulation, reports are
 * compared between clients (the minority is named) and late joiners replay every frame from the initial world.
 *
 * <pre>{@code
 * LockstepServer room = LockstepServer.builder(worldFactory, step).clock(clock).frameRate(60).players(8)
 *     .inputSize(4).onDesync(report -> log.warn("{}", report)).build();
 * MessageRegistry<Session> registry = room.registerHandlers(MessageRegistry.<Session>builder()).build();
 * int slot = room.addPlayer(session);
 * // every server tick, on the room's thread: dispatch the inbox, then
 * room.update();   // seals due frames, simulates, sends and flushes
 * }</pre>
 *
 * <p>Threads: one thread (the room's) calls everything, including the registered handlers.
 */
public final class LockstepServer {
    private static final int PENDING = 64;
    private static final int MAX_REDUNDANCY = 64;
    private static final int MAX_QUEUED_OPS = 64;
    private static final int REPORT_HISTORY = 256;
    private static final int MAX_SEAL_PER_UPDATE = 32;

    private final Clock clock;
    private final DeterministicStep step;
    private final long frameNanos;
    private final int maxPlayers;
    private final int inputSize;
    private final int sealDelay;
    private final MissingInputPolicy policy;
    private final boolean simulate;
    private final int keyframeEvery;
    private final boolean fullKeyframes;
    private final int maxFramesPerMessage;
    private final int historyFrames;
    private final ReplayRecorder recorder;
    private final Consumer<DesyncReport> onDesync;

    private final long startNanos;
    private final RollbackSimulation sim;
    private final byte[] initialKeyframe;
    private final long initialHash;
    private final FrameInputs[] history;
    private final Player[] slots;
    private final Long2ObjectHashMap<Player> byPeer = new Long2ObjectHashMap<>();
    private final byte[][] lastInput;
    private final long[][] reports;
    private final int[][] reportFrame;
    private int sealed;

    private final EnvelopeWriter envelope = new EnvelopeWriter(4096);
    private final LockstepInput inputReader = new LockstepInput();
    private final KeyOp keyOpReader = new KeyOp();
    private final HashReport hashReader = new HashReport();
    private final ProbeReply probeReader = new ProbeReply();
    private final MessageHandler<Peer> inputHandler = this::onInput;
    private final MessageHandler<Peer> keyOpHandler = this::onKeyOp;
    private final MessageHandler<Peer> hashHandler = this::onHashReport;
    private final MessageHandler<Peer> probeHandler = this::onProbeReply;
    private byte[] framesScratch = new byte[1024];
    private byte[] opsScratch = new byte[1024];

    private long lateInputs;
    private long missingInputs;
    private long rejected;
    private long desyncs;

    private static final class Player {
        final int slot;
        Peer peer;
        final byte[] pending;
        final int[] pendingFrame = new int[PENDING];
        int nextNeeded;
        long expectedOpSeq = 1;
        final ArrayDeque<byte[]> ops = new ArrayDeque<>();
        int desyncFrame = -1;

        Player(final int slot, final int inputSize) {
            this.slot = slot;
            this.pending = new byte[PENDING * inputSize];
            Arrays.fill(pendingFrame, -1);
        }
    }

    private LockstepServer(final Builder b) {
        this.clock = b.clock;
        this.step = b.step;
        this.frameNanos = b.frameNanos;
        this.maxPlayers = b.players;
        this.inputSize = b.inputSize;
        this.sealDelay = b.sealDelay;
        this.policy = b.policy;
        this.simulate = b.simulate;
        this.keyframeEvery = b.keyframeEvery;
        this.fullKeyframes = b.fullKeyframes;
        this.maxFramesPerMessage = b.maxFramesPerMessage;
        this.historyFrames = b.historyFrames;
        this.recorder = b.recorder;
        this.onDesync = b.onDesync;
        this.startNanos = clock.nanoTime();
        final World world = b.worldFactory.get();
        this.initialKeyframe = Keyframes.write(world, 0);
        this.initialHash = world.stateHash();
        this.sim = simulate ? new RollbackSimulation(world, step, b.window, maxPlayers, inputSize) : null;
        if (recorder != null) {
            recorder.begin(maxPlayers, inputSize);
            recorder.keyframe(0, world.stateHash(), initialKeyframe);
        }
        this.history = new FrameInputs[historyFrames];
        for (int i = 0; i < historyFrames; i++) {
            history[i] = new FrameInputs(maxPlayers, inputSize);
        }
        this.slots = new Player[maxPlayers];
        this.lastInput = new byte[maxPlayers][inputSize];
        this.reports = new long[REPORT_HISTORY][maxPlayers];
        this.reportFrame = new int[REPORT_HISTORY][maxPlayers];
        for (final int[] r : reportFrame) {
            Arrays.fill(r, -1);
        }
    }

    /**
     * A builder.
     *
     * @param worldFactory makes the room's initial world, once (clients start from its keyframe)
     * @param step the deterministic simulation
     * @return a builder
     */
    public static Builder builder(final Supplier<World> worldFactory, final DeterministicStep step) {
        return new Builder(worldFactory, step);
    }

    /**
     * Registers the handlers of inputs, key operations, hash reports and probe replies (verified against
     * {@code sync.bfbs}).
     *
     * @param registry the room's registry builder
     * @param <C> the registry's context, a peer
     * @return {@code registry}
     */
    public <C extends Peer> MessageRegistry.Builder<C> registerHandlers(final MessageRegistry.Builder<C> registry) {
        final WireSchema schema = SyncMessageTypes.schema();
        registry.register(SyncMessageTypes.LOCKSTEP_INPUT, schema.table(LockstepInput.class), 4096 + 64, inputHandler);
        registry.register(SyncMessageTypes.KEY_OP, schema.table(KeyOp.class), 1024 + 64, keyOpHandler);
        registry.register(SyncMessageTypes.HASH_REPORT, schema.table(HashReport.class), 64 * 8 + 64, hashHandler);
        registry.register(SyncMessageTypes.PROBE_REPLY, schema.table(ProbeReply.class), 4096 * 4 + 65536 * 8 + 128,
            probeHandler);
        return registry;
    }

    /**
     * Adds a player in the first free slot and sends it a keyframe.
     *
     * @param peer the player's connection
     * @return the slot
     * @throws IllegalStateException if the room is full, or a pure lockstep room no longer holds frame 0
     */
    public int addPlayer(final Peer peer) {
        for (int s = 0; s < maxPlayers; s++) {
            if (slots[s] == null) {
                return addPlayer(peer, s);
            }
        }
        throw new IllegalStateException("room is full (" + maxPlayers + " players)");
    }

    /**
     * Adds a player into a given slot (a reconnect takes its old slot back) and sends it a keyframe plus the frames
     * since.
     *
     * @param peer the player's connection
     * @param slot a free slot
     * @return {@code slot}
     */
    public int addPlayer(final Peer peer, final int slot) {
        if (slot < 0 || slot >= maxPlayers || slots[slot] != null) {
            throw new IllegalArgumentException("slot " + slot + " is not a free slot in [0, " + maxPlayers + ")");
        }
        if (byPeer.containsKey(peer.id())) {
            throw new IllegalArgumentException("peer " + peer.id() + " is already in the room");
        }
        if (!simulate && sealed >= historyFrames) {
            throw new IllegalStateException("a late join into a lockstep room without server simulation needs every "
                + "frame since 0; " + sealed + " frames exceed the history of " + historyFrames);
        }
        final Player p = new Player(slot, inputSize);
        p.peer = peer;
        slots[slot] = p;
        byPeer.put(peer.id(), p);
        sendJoinKeyframe(p);
        return slot;
    }

    private void sendJoinKeyframe(final Player p) {
        if (simulate) {
            p.nextNeeded = sim.frame();
            sendKeyframe(p.peer, p.slot, sim.frame(), sim.world().stateHash(), Keyframes.write(sim.world(), sim.frame()),
                Delivery.RELIABLE);
        } else {
            p.nextNeeded = 0;
            sendKeyframe(p.peer, p.slot, 0, initialHash, initialKeyframe, Delivery.RELIABLE);
        }
    }

    /**
     * Removes a player; its slot gets the missing-input policy from now on.
     *
     * @param peer the player's connection
     * @return the freed slot, or -1 if it was not in the room
     */
    public int removePlayer(final Peer peer) {
        final Player p = byPeer.remove(peer.id());
        if (p == null) {
            return -1;
        }
        slots[p.slot] = null;
        return p.slot;
    }

    /**
     * Seals every frame that is due, simulates it (hybrid), sends keyframes and each player's unacknowledged frames,
     * and flushes every player's peer.
     *
     * @return frames sealed
     */
    public int update() {
        final long now = clock.nanoTime();
        int n = 0;
        while (n < MAX_SEAL_PER_UPDATE && now >= startNanos + (sealed + (long) sealDelay) * frameNanos) {
            seal();
            n++;
        }
        for (int s = 0; s < maxPlayers; s++) {
            final Player p = slots[s];
            if (p != null) {
                sendFrames(p);
                p.peer.flush();
            }
        }
        return n;
    }

    private void seal() {
        final int f = sealed;
        final FrameInputs in = history[f % historyFrames].clear().frame(f);
        for (int s = 0; s < maxPlayers; s++) {
            final Player p = slots[s];
            if (p != null && p.pendingFrame[f % PENDING] == f) {
                System.arraycopy(p.pending, (f % PENDING) * inputSize, lastInput[s], 0, inputSize);
                in.set(s, lastInput[s], 0);
                continue;
            }
            if (p != null) {
                missingInputs++;
            }
            if (policy == MissingInputPolicy.REPEAT_LAST && p != null) {
                System.arraycopy(lastInput[s], 0, in.raw(), s * inputSize, inputSize);
            } else {
                Arrays.fill(lastInput[s], (byte) 0);
            }
            if (p == null) {
                Arrays.fill(lastInput[s], (byte) 0);
            }
        }
        for (int s = 0; s < maxPlayers && in.opCount() < FrameInputs.MAX_OPS; s++) {
            final Player p = slots[s];
            while (p != null && !p.ops.isEmpty() && in.opCount() < FrameInputs.MAX_OPS) {
                in.addOp(s, p.ops.poll());
            }
        }
        sealed++;
        if (recorder != null) {
            recorder.frame(in);
        }
        if (simulate) {
            sim.step(in);
            if (recorder != null) {
                recorder.hash(sim.frame(), sim.hashAt(sim.frame()));
            }
            if (sim.frame() % keyframeEvery == 0) {
                final long hash = sim.hashAt(sim.frame());
                final byte[] bytes = fullKeyframes ? Keyframes.write(sim.world(), sim.frame()) : null;
                for (int s = 0; s < maxPlayers; s++) {
                    if (slots[s] != null) {
                        sendKeyframe(slots[s].peer, s, sim.frame(), hash, bytes, Delivery.DROPPABLE);
                    }
                }
            }
        }
    }

    private void sendKeyframe(final Peer peer, final int slot, final int frame, final long hash, final byte[] bytes,
        final Delivery delivery) {
        final EnvelopeWriter w = envelope;
        final FlatBufferBuilder b = w.begin(SyncMessageTypes.KEYFRAME);
        final int world = bytes != null ? Keyframe.createWorldVector(b, bytes) : 0;
        Keyframe.startKeyframe(b);
        Keyframe.addFrame(b, frame);
        Keyframe.addHash(b, hash);
        Keyframe.addSlot(b, slot);
        if (bytes != null) {
            Keyframe.addWorld(b, world);
        }
        Keyframe.addPlayers(b, maxPlayers);
        Keyframe.addInputSize(b, inputSize);
        Keyframe.addFrameNanos(b, frameNanos);
        Keyframe.addStartNanos(b, startNanos);
        peer.send(w.finish(Keyframe.endKeyframe(b)), delivery);
    }

    private void sendFrames(final Player p) {
        if (p.nextNeeded >= sealed) {
            return;
        }
        if (p.nextNeeded < sealed - historyFrames) {
            if (simulate) {
                sendJoinKeyframe(p);
            } else {
                p.peer.close(SyncMessageTypes.CLOSE_PROTOCOL_ERROR, "fell behind the room's frame history");
            }
            return;
        }
        final int first = p.nextNeeded;
        final int count = Math.min(sealed - first, maxFramesPerMessage);
        final int frameBytes = maxPlayers * inputSize;
        if (framesScratch.length < count * frameBytes) {
            framesScratch = new byte[count * frameBytes];
        }
        int opBytes = 0;
        for (int i = 0; i < count; i++) {
            final FrameInputs in = history[(first + i) % historyFrames];
            System.arraycopy(in.raw(), 0, framesScratch, i * frameBytes, frameBytes);
            for (int k = 0; k < in.opCount(); k++) {
                final byte[] op = in.op(k);
                if (opsScratch.length < opBytes + 4 + op.length) {
                    opsScratch = Arrays.copyOf(opsScratch, Math.max(opsScratch.length * 2, opBytes + 4 + op.length));
                }
                opsScratch[opBytes] = (byte) i;
                opsScratch[opBytes + 1] = (byte) in.opPlayer(k);
                opsScratch[opBytes + 2] = (byte) op.length;
                opsScratch[opBytes + 3] = (byte) (op.length >>> 8);
                System.arraycopy(op, 0, opsScratch, opBytes + 4, op.length);
                opBytes += 4 + op.length;
            }
        }
        final FlatBufferBuilder b = envelope.begin(SyncMessageTypes.LOCKSTEP_FRAMES);
        final int inputs = b.createByteVector(framesScratch, 0, count * frameBytes);
        final int ops = opBytes > 0 ? b.createByteVector(opsScratch, 0, opBytes) : 0;
        LockstepFrames.startLockstepFrames(b);
        LockstepFrames.addFirstFrame(b, first);
        LockstepFrames.addCount(b, count);
        LockstepFrames.addPlayers(b, maxPlayers);
        LockstepFrames.addInputSize(b, inputSize);
        LockstepFrames.addInputs(b, inputs);
        if (opBytes > 0) {
            LockstepFrames.addOps(b, ops);
        }
        LockstepFrames.addSlot(b, p.slot);
        p.peer.send(envelope.finish(LockstepFrames.endLockstepFrames(b)), Delivery.DROPPABLE);
    }

    private Player player(final Peer peer) {
        return byPeer.get(peer.id());
    }

    private void reject(final Peer peer, final String why) {
        rejected++;
        peer.close(SyncMessageTypes.CLOSE_PROTOCOL_ERROR, why);
    }

    private void onInput(final Peer peer, final int typeId, final ByteBuffer payload) {
        final Player p = player(peer);
        if (p == null) {
            return;
        }
        final LockstepInput m = LockstepInput.getRootAsLockstepInput(payload, inputReader);
        final long last = m.lastFrame();
        final int count = m.count();
        final long nextNeeded = m.nextNeeded();
        if (count < 1 || count > MAX_REDUNDANCY || m.inputsLength() != count * inputSize || last + 1 < count
            || last > Integer.MAX_VALUE || nextNeeded > Integer.MAX_VALUE) {
            reject(peer, "bad lockstep input");
            return;
        }
        if (nextNeeded > p.nextNeeded) {
            p.nextNeeded = (int) Math.min(nextNeeded, sealed);
        }
        for (int i = 0; i < count; i++) {
            final int f = (int) (last - count + 1 + i);
            if (f < sealed) {
                if (p.pendingFrame[f % PENDING] != f) {
                    lateInputs++;
                }
                continue;
            }
            if (f >= sealed + PENDING) {
                continue;
            }
            final int slot = f % PENDING;
            p.pendingFrame[slot] = f;
            for (int k = 0; k < inputSize; k++) {
                p.pending[slot * inputSize + k] = (byte) m.inputs(i * inputSize + k);
            }
        }
    }

    private void onKeyOp(final Peer peer, final int typeId, final ByteBuffer payload) {
        final Player p = player(peer);
        if (p == null) {
            return;
        }
        final KeyOp m = KeyOp.getRootAsKeyOp(payload, keyOpReader);
        final long seq = m.seq();
        final int len = m.opLength();
        if (seq == 0 || len < 1) {
            reject(peer, "bad key operation");
            return;
        }
        if (seq == p.expectedOpSeq && p.ops.size() < MAX_QUEUED_OPS) {
            final byte[] op = new byte[len];
            for (int j = 0; j < len; j++) {
                op[j] = (byte) m.op(j);
            }
            p.ops.add(op);
            p.expectedOpSeq++;
        }
        if (p.expectedOpSeq > 1) {
            final FlatBufferBuilder b = envelope.begin(SyncMessageTypes.KEY_OP_ACK);
            peer.send(envelope.finish(KeyOpAck.createKeyOpAck(b, p.expectedOpSeq - 1)), Delivery.DROPPABLE);
        }
    }

    private void onHashReport(final Peer peer, final int typeId, final ByteBuffer payload) {
        final Player p = player(peer);
        if (p == null) {
            return;
        }
        final HashReport m = HashReport.getRootAsHashReport(payload, hashReader);
        final long first = m.firstFrame();
        final int n = m.hashesLength();
        if (n < 1 || first + n > Integer.MAX_VALUE) {
            reject(peer, "bad hash report");
            return;
        }
        for (int i = 0; i < n; i++) {
            final int f = (int) (first + 1 + i);
            if (f > sealed) {
                reject(peer, "hash report for frame " + f + " beyond the sealed " + sealed);
                return;
            }
            final long h = m.hashes(i);
            if (simulate) {
                if (sim.hasHash(f) && sim.hashAt(f) != h) {
                    desync(p, f);
                }
            } else {
                compareReports(p, f, h);
            }
        }
    }

    private void compareReports(final Player p, final int f, final long h) {
        final int r = f % REPORT_HISTORY;
        reports[r][p.slot] = h;
        reportFrame[r][p.slot] = f;
        int reported = 0;
        int active = 0;
        for (int s = 0; s < maxPlayers; s++) {
            if (slots[s] != null) {
                active++;
                if (reportFrame[r][s] == f) {
                    reported++;
                }
            }
        }
        if (reported < active || active < 2) {
            return;
        }
        for (int s = 0; s < maxPlayers; s++) {
            if (slots[s] == null) {
                continue;
            }
            int agree = 0;
            for (int o = 0; o < maxPlayers; o++) {
                if (slots[o] != null && reports[r][o] == reports[r][s]) {
                    agree++;
                }
            }
            if (2 * agree <= active) {
                desync(slots[s], f);
            }
        }
    }

    private void desync(final Player p, final int f) {
        if (p.desyncFrame >= 0) {
            return;
        }
        p.desyncFrame = f;
        desyncs++;
        if (simulate && sim.canRestore(f)) {
            sendProbe(p.peer, f, -1, 0, 0);
        } else {
            onDesync.accept(new DesyncReport(f, p.peer.id(), EntityIds.NONE, null, null));
        }
    }

    private void sendProbe(final Peer peer, final int frame, final int archetype, final int chunk, final int component) {
        final FlatBufferBuilder b = envelope.begin(SyncMessageTypes.PROBE);
        peer.send(envelope.finish(Probe.createProbe(b, frame, archetype, chunk, component)), Delivery.RELIABLE);
    }

    private void onProbeReply(final Peer peer, final int typeId, final ByteBuffer payload) {
        final Player p = player(peer);
        if (p == null || p.desyncFrame < 0 || !simulate) {
            return;
        }
        final ProbeReply m = ProbeReply.getRootAsProbeReply(payload, probeReader);
        final int f = p.desyncFrame;
        if (m.frame() != f) {
            return;
        }
        final long[] hashes = new long[m.hashesLength()];
        for (int i = 0; i < hashes.length; i++) {
            hashes[i] = m.hashes(i);
        }
        if (m.archetype() < 0) {
            final int[] shape = new int[m.shapeLength()];
            for (int i = 0; i < shape.length; i++) {
                final long v = m.shape(i);
                shape[i] = v > Integer.MAX_VALUE ? -1 : (int) v;
            }
            if (!HashTree.valid(shape, hashes.length)) {
                reject(peer, "bad probe reply");
                return;
            }
            final HashTree theirs = new HashTree(shape, hashes);
            final int[][] diff = new int[1][];
            final boolean inWindow = sim.withStateAt(f, w -> diff[0] = HashTree.of(w).firstDifference(theirs));
            if (!inWindow || diff[0] == null) {
                onDesync.accept(new DesyncReport(f, peer.id(), EntityIds.NONE, null, null));
                return;
            }
            sendProbe(peer, f, diff[0][0], diff[0][1], diff[0][2]);
            return;
        }
        final int a = m.archetype();
        final int c = m.chunk();
        final int s = m.component();
        final DesyncReport[] out = new DesyncReport[1];
        sim.withStateAt(f, w -> out[0] = locate(w, f, peer.id(), a, c, s, hashes));
        onDesync.accept(out[0] != null ? out[0] : new DesyncReport(f, peer.id(), EntityIds.NONE, null, null));
    }

    private static DesyncReport locate(final World w, final int f, final long peerId, final int a, final int c,
        final int s, final long[] theirs) {
        if (a >= w.archetypes().size()) {
            return null;
        }
        final org.mmosdk.ecs.Archetype arch = w.archetypes().get(a);
        final String types = arch.types().toString();
        if (c >= arch.chunkCount() || s < 0 || s > arch.types().size()) {
            return new DesyncReport(f, peerId, EntityIds.NONE, null, types);
        }
        final long[] mine = HashTree.rows(w, a, c, s);
        final int row = org.mmosdk.ecs.StateHashes.firstDifferentRow(mine, theirs);
        final Chunk chunk = arch.chunk(c);
        final long entity = row >= 0 && row < chunk.size() ? chunk.entity(row) : EntityIds.NONE;
        return new DesyncReport(f, peerId, entity, HashTree.slotName(w, a, s), types);
    }

    /**
     * Frames sealed so far.
     *
     * @return the count
     */
    public int sealedFrames() {
        return sealed;
    }

    /**
     * The server's simulation, or null in a pure lockstep room.
     *
     * @return the simulation
     */
    public RollbackSimulation simulation() {
        return sim;
    }

    /**
     * Inputs that arrived after their frame was sealed.
     *
     * @return count
     */
    public long lateInputs() {
        return lateInputs;
    }

    /**
     * Player inputs filled in by the missing-input policy.
     *
     * @return count
     */
    public long missingInputs() {
        return missingInputs;
    }

    /**
     * Messages rejected as malformed (their peer was closed).
     *
     * @return count
     */
    public long rejected() {
        return rejected;
    }

    /**
     * Clients found out of sync.
     *
     * @return count
     */
    public long desyncs() {
        return desyncs;
    }

    /** Settings of a {@link LockstepServer}; validated by {@link #build()}. */
    public static final class Builder {
        private final Supplier<World> worldFactory;
        private final DeterministicStep step;
        private Clock clock;
        private long frameNanos = 1_000_000_000L / 60;
        private int players = 8;
        private int inputSize = 4;
        private int sealDelay = 2;
        private MissingInputPolicy policy = MissingInputPolicy.REPEAT_LAST;
        private boolean simulate = true;
        private int keyframeEvery = 5;
        private boolean fullKeyframes = true;
        private int window = 128;
        private int maxFramesPerMessage = 32;
        private int historyFrames = 1024;
        private ReplayRecorder recorder;
        private Consumer<DesyncReport> onDesync = r -> { };

        Builder(final Supplier<World> worldFactory, final DeterministicStep step) {
            this.worldFactory = Objects.requireNonNull(worldFactory, "worldFactory");
            this.step = Objects.requireNonNull(step, "step");
        }

        /**
         * The room's clock (required).
         *
         * @param c a clock
         * @return this
         */
        public Builder clock(final Clock c) {
            this.clock = Objects.requireNonNull(c, "clock");
            return this;
        }

        /**
         * Frames per second (default 60).
         *
         * @param hz in [1, 1000]
         * @return this
         */
        public Builder frameRate(final int hz) {
            if (hz < 1 || hz > 1000) {
                throw new IllegalArgumentException("frameRate must be in [1, 1000], was " + hz);
            }
            this.frameNanos = 1_000_000_000L / hz;
            return this;
        }

        /**
         * Player slots (default 8).
         *
         * @param n in [1, 64]
         * @return this
         */
        public Builder players(final int n) {
            if (n < 1 || n > FrameInputs.MAX_PLAYERS) {
                throw new IllegalArgumentException("players must be in [1, " + FrameInputs.MAX_PLAYERS + "], was " + n);
            }
            this.players = n;
            return this;
        }

        /**
         * Bytes of one player's input per frame (default 4).
         *
         * @param bytes in [1, 64]
         * @return this
         */
        public Builder inputSize(final int bytes) {
            if (bytes < 1 || bytes > 64) {
                throw new IllegalArgumentException("inputSize must be in [1, 64], was " + bytes);
            }
            this.inputSize = bytes;
            return this;
        }

        /**
         * How many frame lengths after a frame begins it is sealed (default 2): inputs must arrive within that.
         *
         * @param frames in [1, 60]
         * @return this
         */
        public Builder sealDelay(final int frames) {
            if (frames < 1 || frames > 60) {
                throw new IllegalArgumentException("sealDelay must be in [1, 60], was " + frames);
            }
            this.sealDelay = frames;
            return this;
        }

        /**
         * What a missing input becomes (default {@link MissingInputPolicy#REPEAT_LAST}).
         *
         * @param p the policy
         * @return this
         */
        public Builder missingInputs(final MissingInputPolicy p) {
            this.policy = Objects.requireNonNull(p, "policy");
            return this;
        }

        /**
         * Whether the room runs the simulation itself (hybrid; default true).
         *
         * @param on true for hybrid
         * @return this
         */
        public Builder simulate(final boolean on) {
            this.simulate = on;
            return this;
        }

        /**
         * Hybrid: a keyframe (state hash, and the world with {@link #fullKeyframes(boolean)}) every this many
         * frames (default 5).
         *
         * @param frames in [1, 3600]
         * @return this
         */
        public Builder keyframeEvery(final int frames) {
            if (frames < 1 || frames > 3600) {
                throw new IllegalArgumentException("keyframeEvery must be in [1, 3600], was " + frames);
            }
            this.keyframeEvery = frames;
            return this;
        }

        /**
         * Hybrid: whether periodic keyframes carry the whole world (default true) or only its hash.
         *
         * @param on true to send the world
         * @return this
         */
        public Builder fullKeyframes(final boolean on) {
            this.fullKeyframes = on;
            return this;
        }

        /**
         * Hybrid: how many past frames forensics can still look at (default 128).
         *
         * @param frames in [1, 1024]
         * @return this
         */
        public Builder window(final int frames) {
            if (frames < 1 || frames > 1024) {
                throw new IllegalArgumentException("window must be in [1, 1024], was " + frames);
            }
            this.window = frames;
            return this;
        }

        /**
         * Sealed frames kept for resending and for late joins of a pure lockstep room (default 1024).
         *
         * @param frames in [64, 1 << 20]
         * @return this
         */
        public Builder historyFrames(final int frames) {
            if (frames < 64 || frames > 1 << 20) {
                throw new IllegalArgumentException("historyFrames must be in [64, 1048576], was " + frames);
            }
            this.historyFrames = frames;
            return this;
        }

        /**
         * Records every sealed frame, the initial keyframe and (hybrid) every frame's hash.
         *
         * @param r the recorder
         * @return this
         */
        public Builder record(final ReplayRecorder r) {
            this.recorder = Objects.requireNonNull(r, "recorder");
            return this;
        }

        /**
         * Called with each desync found (once per client).
         *
         * @param listener on the room's thread
         * @return this
         */
        public Builder onDesync(final Consumer<DesyncReport> listener) {
            this.onDesync = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Builds the room; frame 0 begins now.
         *
         * @return the room
         */
        public LockstepServer build() {
            if (clock == null) {
                throw new IllegalStateException("clock is required");
            }
            if (players * inputSize * maxFramesPerMessage > 65536) {
                throw new IllegalArgumentException("players * inputSize * 32 must be <= 65536, was "
                    + players * inputSize * maxFramesPerMessage);
            }
            return new LockstepServer(this);
        }
    }
}

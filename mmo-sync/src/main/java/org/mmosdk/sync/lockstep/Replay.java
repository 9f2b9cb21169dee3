package org.mmosdk.sync.lockstep;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;
import java.util.function.Supplier;

import org.mmosdk.ecs.World;

/**
 * Plays a {@link ReplayRecorder} recording back: loads its first keyframe, applies every recorded frame with the
 * {@link DeterministicStep}, and checks every recorded hash (and keyframe hash) against the replayed world — a
 * recorded run is reproduced bit for bit, or the first frame where it is not is named.
 *
 * <pre>{@code
 * Replay.Result r = Replay.play(recording, worldFactory, step);
 * assert r.firstMismatch() < 0;
 * }</pre>
 *
 * <p>Threads: any; each call uses its own world.
 */
public final class Replay {
    private Replay() {
    }

    /**
     * The outcome of a replay.
     *
     * @param frames frames applied in the end (the replayed world holds the state after this many)
     * @param finalHash the replayed world's state hash at the end
     * @param hashesChecked recorded hashes compared
     * @param firstMismatch the first frame whose recorded hash differs from the replay, or -1
     * @param world the replayed world
     */
    public record Result(int frames, long finalHash, int hashesChecked, int firstMismatch, World world) {
    }

    /**
     * Replays a recording.
     *
     * @param recording bytes from {@link ReplayRecorder#toByteArray()} (untrusted: checked throughout)
     * @param worldFactory makes an empty world with the recorded components
     * @param step the simulation that was recorded
     * @return the result
     * @throws IllegalArgumentException if the recording is malformed
     */
    public static Result play(final byte[] recording, final Supplier<World> worldFactory, final DeterministicStep step) {
        Objects.requireNonNull(step, "step");
        try {
            return playUnchecked(ByteBuffer.wrap(recording).order(ByteOrder.LITTLE_ENDIAN), worldFactory, step);
        } catch (final BufferUnderflowException | IndexOutOfBoundsException | NegativeArraySizeException e) {
            throw new IllegalArgumentException("recording is truncated or corrupt", e);
        }
    }

    private static Result playUnchecked(final ByteBuffer in, final Supplier<World> worldFactory,
        final DeterministicStep step) {
        if (in.remaining() < 7 || in.getInt() != ReplayRecorder.MAGIC) {
            throw new IllegalArgumentException("not a recording (bad magic)");
        }
        if ((in.get() & 0xFF) != ReplayRecorder.VERSION) {
            throw new IllegalArgumentException("unsupported recording version");
        }
        final int players = in.get() & 0xFF;
        final int inputSize = in.get() & 0xFF;
        final FrameInputs inputs = new FrameInputs(players, inputSize);
        RollbackSimulation sim = null;
        int checked = 0;
        int mismatch = -1;
        while (in.hasRemaining()) {
            final int kind = in.get() & 0xFF;
            final int frame = in.getInt();
            if (frame < 0) {
                throw new IllegalArgumentException("negative frame " + frame);
            }
            switch (kind) {
                case ReplayRecorder.KEYFRAME: {
                    final long hash = in.getLong();
                    final int length = in.getInt();
                    if (length < 0 || length > in.remaining()) {
                        throw new IllegalArgumentException("keyframe of " + length + " bytes exceeds the recording");
                    }
                    final byte[] bytes = new byte[length];
                    in.get(bytes);
                    if (sim == null) {
                        final World world = worldFactory.get();
                        Keyframes.read(bytes, world);
                        if (Keyframes.frameOf(bytes) != frame) {
                            throw new IllegalArgumentException("keyframe record of frame " + frame + " holds frame "
                                + Keyframes.frameOf(bytes));
                        }
                        sim = new RollbackSimulation(world, step, 1, players, inputSize);
                        sim.reset(frame);
                    }
                    if (sim.hasHash(frame)) {
                        checked++;
                        if (sim.hashAt(frame) != hash && mismatch < 0) {
                            mismatch = frame;
                        }
                    }
                    break;
                }
                case ReplayRecorder.FRAME: {
                    if (sim == null) {
                        throw new IllegalArgumentException("frame " + frame + " before the first keyframe");
                    }
                    inputs.clear().frame(frame);
                    for (int w = 0; w < inputs.presentWords(); w++) {
                        inputs.presentWord(w, in.getLong());
                    }
                    in.get(inputs.raw());
                    final int ops = in.get() & 0xFF;
                    if (ops > FrameInputs.MAX_OPS) {
                        throw new IllegalArgumentException("frame " + frame + " claims " + ops + " operations");
                    }
                    for (int i = 0; i < ops; i++) {
                        final int player = in.get() & 0xFF;
                        final int len = (in.get() & 0xFF) | (in.get() & 0xFF) << 8;
                        if (player >= players || len > in.remaining()) {
                            throw new IllegalArgumentException("bad operation in frame " + frame);
                        }
                        final byte[] op = new byte[len];
                        in.get(op);
                        inputs.addOp(player, op);
                    }
                    if (frame != sim.frame()) {
                        throw new IllegalArgumentException("frame " + frame + " recorded after frame " + (sim.frame() - 1));
                    }
                    sim.step(inputs);
                    break;
                }
                case ReplayRecorder.HASH: {
                    final long hash = in.getLong();
                    if (sim != null && sim.hasHash(frame)) {
                        checked++;
                        if (sim.hashAt(frame) != hash && mismatch < 0) {
                            mismatch = frame;
                        }
                    }
                    break;
                }
                default:
                    throw new IllegalArgumentException("unknown record kind " + kind);
            }
        }
        if (sim == null) {
            throw new IllegalArgumentException("recording holds no keyframe");
        }
        return new Result(sim.frame(), sim.world().stateHash(), checked, mismatch, sim.world());
    }
}

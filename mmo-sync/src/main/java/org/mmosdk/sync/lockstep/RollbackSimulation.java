package org.mmosdk.sync.lockstep;

import java.util.Objects;
import java.util.function.Consumer;

import org.mmosdk.ecs.World;
import org.mmosdk.ecs.WorldSnapshot;

/**
 * A deterministic simulation with a bounded past: it steps a {@link World} frame by frame with a
 * {@link DeterministicStep}, keeps a ring of the last {@code window} states (reused {@link WorldSnapshot}s) with
 * their inputs, and the {@link World#stateHash()} after every frame. A late or corrected input for a past frame
 * {@link #correct rolls back}: restore that frame's state, apply the new input, re-simulate to the present.
 *
 * <pre>{@code
 * RollbackSimulation sim = new RollbackSimulation(world, step, 8, players, inputSize);
 * sim.step(inputs);                       // every frame
 * if (!sim.correct(frame, lateInputs)) {  // older than the window: ask for a keyframe instead
 *     requestResync();
 * }
 * }</pre>
 *
 * <p>The step must not keep references into the world across frames other than entity handles, and every state it
 * depends on must live in the world (that is what is restored). The world's tick advances once per frame.
 *
 * <p>Threads: the thread that owns the world.
 */
public final class RollbackSimulation {
    private static final int HASH_HISTORY = 1024;

    private final World world;
    private final DeterministicStep step;
    private final int window;
    private final WorldSnapshot[] states;
    private final FrameInputs[] inputs;
    private final int[] stateFrame;
    private final long[] hashes = new long[HASH_HISTORY];
    private final int[] hashFrame = new int[HASH_HISTORY];
    private final WorldSnapshot scratch = new WorldSnapshot();
    private int frame;
    private long rollbacks;
    private long resimulated;

    /**
     * A simulation starting at frame 0 from the world's current state.
     *
     * @param world the simulated world
     * @param step the simulation
     * @param window past frames that can be rolled back, in [1, 1024]
     * @param players player slots per frame
     * @param inputSize bytes per player input
     */
    public RollbackSimulation(final World world, final DeterministicStep step, final int window, final int players,
        final int inputSize) {
        if (window < 1 || window > HASH_HISTORY) {
            throw new IllegalArgumentException("window must be in [1, " + HASH_HISTORY + "], was " + window);
        }
        this.world = Objects.requireNonNull(world, "world");
        this.step = Objects.requireNonNull(step, "step");
        this.window = window;
        this.states = new WorldSnapshot[window];
        this.inputs = new FrameInputs[window];
        this.stateFrame = new int[window];
        for (int i = 0; i < window; i++) {
            states[i] = new WorldSnapshot();
            inputs[i] = new FrameInputs(players, inputSize);
            stateFrame[i] = -1;
        }
        reset(0);
    }

    /**
     * Frames applied so far: the world holds the state after this many frames.
     *
     * @return the frame
     */
    public int frame() {
        return frame;
    }

    /**
     * The world.
     *
     * @return the simulated world
     */
    public World world() {
        return world;
    }

    /**
     * Past frames that can be rolled back.
     *
     * @return the window
     */
    public int window() {
        return window;
    }

    /**
     * Forgets the past: the world's current state (e.g. just loaded from a keyframe) is the state after {@code f}
     * frames.
     *
     * @param f the frame
     */
    public void reset(final int f) {
        frame = f;
        for (int i = 0; i < window; i++) {
            stateFrame[i] = -1;
        }
        for (int i = 0; i < HASH_HISTORY; i++) {
            hashFrame[i] = -1;
        }
        recordHash();
    }

    /**
     * Applies the next frame. {@code in} is copied.
     *
     * @param in inputs of frame {@link #frame()}
     */
    public void step(final FrameInputs in) {
        final int slot = frame % window;
        world.snapshot(states[slot]);
        stateFrame[slot] = frame;
        inputs[slot].copyFrom(in).frame(frame);
        run(inputs[slot]);
    }

    private void run(final FrameInputs in) {
        step.step(world, in);
        world.advanceTick();
        frame++;
        recordHash();
    }

    private void recordHash() {
        final int h = frame % HASH_HISTORY;
        hashes[h] = world.stateHash();
        hashFrame[h] = frame;
    }

    /**
     * Whether the hash after {@code f} frames is still known (the last 1024 frames).
     *
     * @param f a frame
     * @return true if {@link #hashAt(int)} answers
     */
    public boolean hasHash(final int f) {
        return f >= 0 && hashFrame[f % HASH_HISTORY] == f;
    }

    /**
     * The world's {@link World#stateHash()} after {@code f} frames.
     *
     * @param f a frame with {@link #hasHash(int)}
     * @return the hash
     */
    public long hashAt(final int f) {
        if (!hasHash(f)) {
            throw new IllegalArgumentException("no hash for frame " + f + " (now " + frame + ")");
        }
        return hashes[f % HASH_HISTORY];
    }

    /**
     * Whether the state after {@code f} frames can still be restored.
     *
     * @param f a frame
     * @return true if in the window (or the present)
     */
    public boolean canRestore(final int f) {
        return f == frame || (f >= 0 && f < frame && stateFrame[f % window] == f);
    }

    /**
     * The inputs frame {@code f} was simulated with, while in the window.
     *
     * @param f a frame below {@link #frame()} with {@link #canRestore(int)}
     * @return the inputs (do not modify)
     */
    public FrameInputs inputsOf(final int f) {
        if (f >= frame || !canRestore(f)) {
            throw new IllegalArgumentException("frame " + f + " is outside the window (now " + frame + ")");
        }
        return inputs[f % window];
    }

    /**
     * Replaces frame {@code f}'s inputs and re-simulates from there to the present; nothing happens when they equal
     * the inputs it was simulated with.
     *
     * @param f a past frame
     * @param in its corrected inputs (copied)
     * @return false, changing nothing, if {@code f} is outside the window: the caller must resynchronise (load a
     *     keyframe)
     */
    public boolean correct(final int f, final FrameInputs in) {
        if (f >= frame || !canRestore(f)) {
            return false;
        }
        final FrameInputs stored = inputs[f % window];
        if (stored.sameAs(in) && stored.samePresence(in)) {
            return true;
        }
        final int now = frame;
        world.restore(states[f % window]);
        frame = f;
        stored.copyFrom(in).frame(f);
        rollbacks++;
        while (frame < now) {
            final int slot = frame % window;
            world.snapshot(states[slot]);
            stateFrame[slot] = frame;
            run(inputs[slot]);
            resimulated++;
        }
        return true;
    }

    /**
     * Runs {@code action} on the world as it was after {@code f} frames, then puts the present back.
     *
     * @param f a frame with {@link #canRestore(int)}
     * @param action reads the world (must not change it)
     * @return false if {@code f} is outside the window
     */
    public boolean withStateAt(final int f, final Consumer<World> action) {
        if (!canRestore(f)) {
            return false;
        }
        if (f == frame) {
            action.accept(world);
            return true;
        }
        world.snapshot(scratch);
        world.restore(states[f % window]);
        try {
            action.accept(world);
        } finally {
            world.restore(scratch);
        }
        return true;
    }

    /**
     * Rollbacks so far.
     *
     * @return count
     */
    public long rollbacks() {
        return rollbacks;
    }

    /**
     * Frames re-simulated by rollbacks so far.
     *
     * @return count
     */
    public long resimulatedFrames() {
        return resimulated;
    }
}

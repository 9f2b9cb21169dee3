package org.mmosdk.benchmarks.sync;

import java.util.concurrent.TimeUnit;

import org.mmosdk.ecs.Archetype;
import org.mmosdk.ecs.Chunk;
import org.mmosdk.ecs.ComponentType;
import org.mmosdk.ecs.FloatField;
import org.mmosdk.ecs.World;
import org.mmosdk.sync.lockstep.DeterministicStep;
import org.mmosdk.sync.lockstep.FrameInputs;
import org.mmosdk.sync.lockstep.RollbackSimulation;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue 5 benchmark 5: a late input for a frame 8 frames back in a 10k-entity world (Position + Velocity, a
 * movement step over raw chunk columns, 8 players): restore that frame's {@code WorldSnapshot}, apply the input,
 * re-simulate 8 frames (re-snapshotting and re-hashing each). Score: time per rollback, target well inside 16 ms.
 * {@code step} is one plain frame (snapshot + step + hash) for comparison. No peer library: rollback is ours.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class RollbackBenchmark {
    static final int ENTITIES = 10_000;
    static final int PLAYERS = 8;
    static final int FRAMES_BACK = 8;

    static final ComponentType.Builder POS_B = ComponentType.builder("Position");
    static final FloatField X = POS_B.floatField("x");
    static final FloatField Y = POS_B.floatField("y");
    static final ComponentType POSITION = POS_B.build();
    static final ComponentType.Builder VEL_B = ComponentType.builder("Velocity");
    static final FloatField VX = VEL_B.floatField("vx");
    static final FloatField VY = VEL_B.floatField("vy");
    static final ComponentType VELOCITY = VEL_B.build();

    /** Moves every entity by its velocity; players steer the velocity of the first {@code PLAYERS} entities. */
    static final DeterministicStep STEP = (world, in) -> {
        final Archetype a = world.archetype(POSITION, VELOCITY);
        for (int c = 0; c < a.chunkCount(); c++) {
            final Chunk chunk = a.chunk(c);
            final int n = chunk.size();
            final float[] x = chunk.writeFloats(X);
            final float[] y = chunk.writeFloats(Y);
            final float[] vx = chunk.writeFloats(VX);
            final float[] vy = chunk.writeFloats(VY);
            if (c == 0) {
                for (int p = 0; p < in.players() && p < n; p++) {
                    vx[p] += in.input(p, 0) * 0.01f;
                    vy[p] += in.input(p, 1) * 0.01f;
                }
            }
            for (int i = 0; i < n; i++) {
                x[i] += vx[i];
                y[i] += vy[i];
            }
        }
    };

    /** A simulation 64 frames in, with two alternative inputs for the frame 8 back. */
    @State(Scope.Thread)
    public static class Room {
        RollbackSimulation sim;
        FrameInputs a;
        FrameInputs b;
        FrameInputs next;
        boolean flip;

        @Setup(Level.Trial)
        public void setUp() {
            final World world = World.builder().components(POSITION, VELOCITY).build();
            final Archetype archetype = world.archetype(POSITION, VELOCITY);
            for (int i = 0; i < ENTITIES; i++) {
                final long e = world.create(archetype);
                world.set(e, X, i % 100);
                world.set(e, Y, i / 100f);
                world.set(e, VX, (i % 7) * 0.1f);
                world.set(e, VY, (i % 5) * 0.1f);
            }
            sim = new RollbackSimulation(world, STEP, 16, PLAYERS, 2);
            next = new FrameInputs(PLAYERS, 2);
            for (int f = 0; f < 64; f++) {
                sim.step(next.frame(f));
            }
            a = new FrameInputs(PLAYERS, 2).set(3, new byte[] {1, -1}, 0);
            b = new FrameInputs(PLAYERS, 2).set(3, new byte[] {-1, 1}, 0);
        }
    }

    /** Restore frame now - 8, apply a different late input, re-simulate 8 frames. */
    @Benchmark
    public long rollback8Frames(final Room r) {
        r.flip = !r.flip;
        r.sim.correct(r.sim.frame() - FRAMES_BACK, r.flip ? r.a : r.b);
        return r.sim.hashAt(r.sim.frame());
    }

    /** One ordinary frame: snapshot into the ring, step, hash. */
    @Benchmark
    public long step(final Room r) {
        r.sim.step(r.next.frame(r.sim.frame()));
        return r.sim.hashAt(r.sim.frame());
    }
}

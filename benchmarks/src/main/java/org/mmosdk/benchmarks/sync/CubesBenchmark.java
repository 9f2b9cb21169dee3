package org.mmosdk.benchmarks.sync;

import java.util.concurrent.TimeUnit;

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
 * Issue 5 benchmark 3 (time and allocation; the kbps are in {@link SyncBandwidthReport}): 901 entities in a 100 x 100
 * square, 90 of them (10%) moving, one client watching all of them from the centre, 60 Hz, acks returning 6 ticks
 * (100 ms) later. One op is one server tick through the real {@code SyncServer}. Expected allocation: 0 B/op.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CubesBenchmark {
    static final int CUBES = 901;
    static final int MOVING = 90;
    static final float SIDE = 100f;
    static final float VIEW_RADIUS = 100f;
    static final int HZ = 60;
    static final float SPEED = 3f;
    static final int ACK_LAG = 6;

    static SyncScene scene(final long seed) {
        return new SyncScene(CUBES, MOVING, SIDE, VIEW_RADIUS, 1, false, HZ, SPEED, ACK_LAG, 1024, seed, 1);
    }

    /** The scene in steady state. */
    @State(Scope.Thread)
    public static class Cubes {
        SyncScene scene;

        @Setup(Level.Trial)
        public void setUp() {
            scene = scene(11);
            for (int i = 0; i < 2 * HZ; i++) {
                scene.tick();
            }
        }
    }

    /** One 60 Hz server tick. */
    @Benchmark
    public long tick(final Cubes c) {
        return c.scene.tick();
    }
}

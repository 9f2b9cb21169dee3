package org.mmosdk.benchmarks.sync;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue 5 benchmark 2 (time and allocation): 1,000 players walking in one zone (about 100 in each one's view), each
 * a client of the real {@code SyncServer}, acks returning 2 ticks (100 ms at 20 Hz) after each snapshot. One op is
 * one server tick for all 1,000 clients: acks dispatched, movement system, interest, deltas, encoding.
 * {@code moveOnly} is the movement system alone, to subtract. {@code interestInterval} 2 updates each client's visible
 * set every other tick (half the clients per tick), a {@code SyncServer} option; 1 is the default. Score / 1,000 = server time per client per tick;
 * divided further by the records per client per tick that {@link SyncBandwidthReport} prints, it is the time per
 * changed entity per client (target: at most 30 ns). Expected allocation: 0 B/op. Bytes: {@link SyncBandwidthReport}.
 * No peer library: the comparison is with sending the full visible state (in the report).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class CrowdBenchmark {
    static final int PLAYERS = 1000;
    static final float SIDE = 220f;
    static final float VIEW_RADIUS = 40f;
    static final int HZ = 20;
    static final float SPEED = 5f;
    static final int ACK_LAG = 2;

    static SyncScene scene(final long seed) {
        return scene(seed, 1);
    }

    static SyncScene scene(final long seed, final int interestInterval) {
        return scene(seed, interestInterval, false);
    }

    static SyncScene scene(final long seed, final int interestInterval, final boolean deadReckoning) {
        return new SyncScene(PLAYERS, PLAYERS, SIDE, VIEW_RADIUS, PLAYERS, true, HZ, SPEED, ACK_LAG, 256, seed,
            interestInterval, deadReckoning ? SyncScene.DR_RULES : SyncScene.RULES);
    }

    /** A zone in steady state (everyone's view filled and acknowledged). */
    @State(Scope.Thread)
    public static class Zone {
        /** {@code SyncServer.Builder.interestInterval}: 1 is the default, every client's interest every tick. */
        @Param({"1", "2"})
        int interestInterval;
        /** The position dead-reckoned within 5 cm ({@code ReplicationRules.Builder.deadReckoning}), or sent as it changes. */
        @Param({"false", "true"})
        boolean deadReckoning;
        SyncScene scene;

        @Setup(Level.Trial)
        public void setUp() {
            scene = scene(7, interestInterval, deadReckoning);
            for (int i = 0; i < 3 * HZ; i++) {
                scene.tick();
            }
        }
    }

    /** One 20 Hz server tick for 1,000 clients. */
    @Benchmark
    public long tick(final Zone z) {
        return z.scene.tick();
    }

    /** The movement system alone. */
    @Benchmark
    public void moveOnly(final Zone z) {
        z.scene.move();
        z.scene.world.advanceTick();
    }
}

package org.mmosdk.benchmarks.ecs;

import static org.mmosdk.benchmarks.ecs.Peers.HEALTH;
import static org.mmosdk.benchmarks.ecs.Peers.HP;
import static org.mmosdk.benchmarks.ecs.Peers.POSITION;
import static org.mmosdk.benchmarks.ecs.Peers.POS_X;
import static org.mmosdk.benchmarks.ecs.Peers.VELOCITY;

import java.util.concurrent.TimeUnit;

import org.mmosdk.ecs.Archetype;
import org.mmosdk.ecs.World;
import org.mmosdk.ecs.WorldSnapshot;
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
 * Issue benchmark 4: snapshot + restore of a 100k-entity world with 3 components (Position, Velocity, Health),
 * into a reused snapshot as a rollback ring would. Target: at most 1 ms, 0 B/op. Neither peer offers snapshots;
 * {@code rawCopy} copies the same amount of column data (5 value columns, 3 tick-pairs, handles) with
 * {@code System.arraycopy} as the floor.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g"})
@State(Scope.Thread)
public class SnapshotBenchmark {
    static final int N = 100_000;

    private World world;
    private WorldSnapshot snapshot;
    private int[][] rawFrom;
    private int[][] rawTo;

    @Setup(Level.Trial)
    public void setUp() {
        world = World.builder().components(POSITION, VELOCITY, HEALTH).initialEntities(N).build();
        final Archetype archetype = world.archetype(POSITION, VELOCITY, HEALTH);
        for (int i = 0; i < N; i++) {
            final long e = world.create(archetype);
            world.set(e, POS_X, i);
            world.set(e, HP, 100);
        }
        snapshot = world.snapshot();
        // 5 value columns + 6 tick columns + handles (2 ints each) + entity table (3 ints) ~ 16 int columns each way
        rawFrom = new int[16][N];
        rawTo = new int[16][N];
    }

    @Benchmark
    public int snapshotAndRestore() {
        world.snapshot(snapshot);
        world.restore(snapshot);
        return world.tick();
    }

    @Benchmark
    public int rawCopy() {
        for (int c = 0; c < rawFrom.length; c++) {
            System.arraycopy(rawFrom[c], 0, rawTo[c], 0, N);
        }
        for (int c = 0; c < rawFrom.length; c++) {
            System.arraycopy(rawTo[c], 0, rawFrom[c], 0, N);
        }
        return rawTo[0][0];
    }
}

package org.mmosdk.benchmarks.ecs;

import static org.mmosdk.benchmarks.ecs.Peers.POSITION;
import static org.mmosdk.benchmarks.ecs.Peers.POS_X;
import static org.mmosdk.benchmarks.ecs.Peers.POS_Y;
import static org.mmosdk.benchmarks.ecs.Peers.VELOCITY;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.mmosdk.ecs.Archetype;
import org.mmosdk.ecs.Chunk;
import org.mmosdk.ecs.Query;
import org.mmosdk.ecs.World;
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
 * Issue benchmark 5: 1M entities, 10% (random) changed Position since tick T. {@code changedSince} finds them with
 * the change-tick filter and reads their position; {@code knownRows} reads the same rows from lists prepared in
 * advance — the cost of iterating those 10% directly. Target: changedSince at most 1.5x knownRows.
 * {@code spreadTicks}: the changes happened in the last tick only (a client that acknowledged the previous tick), or
 * spread over the last 4 ticks (a baseline 4 ticks old), which takes the bitset path instead of the per-tick list.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g"})
@State(Scope.Thread)
public class ChangedSinceBenchmark {
    static final int N = 1_000_000;

    @Param({"1", "4"})
    public int spreadTicks;

    private World world;
    private Query query;
    private int since;
    private int[] scratch;
    private Chunk[] chunks;
    private int[][] knownRows;
    private int[] knownCounts;
    private float sum;
    private Consumer<Chunk> reader;

    @Setup(Level.Trial)
    public void setUp() {
        world = World.builder().components(POSITION, VELOCITY).initialEntities(N).build();
        final Archetype archetype = world.archetype(POSITION, VELOCITY);
        final long[] handles = new long[N];
        for (int i = 0; i < N; i++) {
            handles[i] = world.create(archetype);
        }
        since = world.tick();
        final Random random = new Random(1);
        final boolean[] chosen = new boolean[N];
        int changed = 0;
        for (int i = 0; i < N; i++) {
            chosen[i] = random.nextInt(10) == 0;
            changed += chosen[i] ? 1 : 0;
        }
        for (int t = 0; t < spreadTicks; t++) {
            world.advanceTick();
            for (int i = t; i < N; i += spreadTicks) {
                if (chosen[i]) {
                    world.set(handles[i], POS_X, i);
                }
            }
        }
        query = world.query().all(POSITION).build();
        scratch = world.newRowBuffer();
        final int chunkCount = archetype.chunkCount();
        chunks = new Chunk[chunkCount];
        knownRows = new int[chunkCount][];
        knownCounts = new int[chunkCount];
        for (int c = 0; c < chunkCount; c++) {
            chunks[c] = archetype.chunk(c);
            knownRows[c] = world.newRowBuffer();
            knownCounts[c] = chunks[c].changedSince(POSITION, since, knownRows[c]);
        }
        reader = chunk -> {
            final int n = chunk.changedSince(POSITION, since, scratch);
            final float[] x = chunk.floats(POS_X);
            final float[] y = chunk.floats(POS_Y);
            float s = 0;
            for (int i = 0; i < n; i++) {
                final int row = scratch[i];
                s += x[row] + y[row];
            }
            sum += s;
        };
        if (changed < N / 12 || changed > N / 8) {
            throw new IllegalStateException("expected about 10% changed, got " + changed);
        }
    }

    @Benchmark
    public float changedSince() {
        sum = 0;
        query.forEachChunk(reader);
        return sum;
    }

    @Benchmark
    public float knownRows() {
        float total = 0;
        for (int c = 0; c < chunks.length; c++) {
            final int[] rows = knownRows[c];
            final float[] x = chunks[c].floats(POS_X);
            final float[] y = chunks[c].floats(POS_Y);
            float s = 0;
            for (int i = 0, n = knownCounts[c]; i < n; i++) {
                final int row = rows[i];
                s += x[row] + y[row];
            }
            total += s;
        }
        return total;
    }
}

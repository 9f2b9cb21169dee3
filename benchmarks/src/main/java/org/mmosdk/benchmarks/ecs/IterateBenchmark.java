package org.mmosdk.benchmarks.ecs;

import static org.mmosdk.benchmarks.ecs.Peers.POSITION;
import static org.mmosdk.benchmarks.ecs.Peers.POS_X;
import static org.mmosdk.benchmarks.ecs.Peers.POS_Y;
import static org.mmosdk.benchmarks.ecs.Peers.VELOCITY;
import static org.mmosdk.benchmarks.ecs.Peers.VEL_X;
import static org.mmosdk.benchmarks.ecs.Peers.VEL_Y;

import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import com.artemis.WorldConfigurationBuilder;
import dev.dominion.ecs.api.Dominion;
import dev.dominion.ecs.api.Results;
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
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue benchmark 1: iterate 1M entities with Position and Velocity (2 floats each), {@code pos += vel * dt}.
 * Score: ns per entity. Targets: mmo-ecs within 2x the raw loop, at least 5x faster than the faster peer, 0 B/op.
 * {@code mmoEcs} stamps change ticks (what state sync needs); {@code mmoEcsUnstamped} writes through the read
 * accessors to show what stamping costs.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g"})
@OperationsPerInvocation(IterateBenchmark.N)
@State(Scope.Thread)
public class IterateBenchmark {
    static final int N = 1_000_000;
    static final float DT = 1f / 60f;

    private float[] px;
    private float[] py;
    private float[] vx;
    private float[] vy;

    private World world;
    private Query moving;
    private Consumer<Chunk> movement;
    private Consumer<Chunk> movementUnstamped;

    private com.artemis.World artemis;
    private Dominion dominion;

    @Setup(Level.Trial)
    public void setUp() {
        px = new float[N];
        py = new float[N];
        vx = new float[N];
        vy = new float[N];
        for (int i = 0; i < N; i++) {
            vx[i] = i % 7;
            vy[i] = i % 5;
        }

        world = World.builder().components(POSITION, VELOCITY).initialEntities(N).build();
        final Archetype archetype = world.archetype(POSITION, VELOCITY);
        for (int i = 0; i < N; i++) {
            final long e = world.create(archetype);
            world.set(e, VEL_X, i % 7);
            world.set(e, VEL_Y, i % 5);
        }
        moving = world.query().all(POSITION, VELOCITY).build();
        movement = chunk -> {
            final float[] x = chunk.writeFloats(POS_X);
            final float[] y = chunk.writeFloats(POS_Y);
            final float[] dx = chunk.floats(VEL_X);
            final float[] dy = chunk.floats(VEL_Y);
            for (int i = 0, n = chunk.size(); i < n; i++) {
                x[i] += dx[i] * DT;
                y[i] += dy[i] * DT;
            }
        };
        movementUnstamped = chunk -> {
            final float[] x = chunk.floats(POS_X);
            final float[] y = chunk.floats(POS_Y);
            final float[] dx = chunk.floats(VEL_X);
            final float[] dy = chunk.floats(VEL_Y);
            for (int i = 0, n = chunk.size(); i < n; i++) {
                x[i] += dx[i] * DT;
                y[i] += dy[i] * DT;
            }
        };

        artemis = new com.artemis.World(new WorldConfigurationBuilder().with(new Peers.AMovement()).build());
        final com.artemis.ComponentMapper<Peers.APosition> ap = artemis.getMapper(Peers.APosition.class);
        final com.artemis.ComponentMapper<Peers.AVelocity> av = artemis.getMapper(Peers.AVelocity.class);
        for (int i = 0; i < N; i++) {
            final int e = artemis.create();
            ap.create(e);
            final Peers.AVelocity v = av.create(e);
            v.x = i % 7;
            v.y = i % 5;
        }
        artemis.setDelta(DT);
        artemis.process();

        dominion = Dominion.create();
        for (int i = 0; i < N; i++) {
            dominion.createEntity(new Peers.DPosition(), new Peers.DVelocity(i % 7, i % 5));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        dominion.close();
        artemis.dispose();
    }

    @Benchmark
    public float raw() {
        final float[] x = px;
        final float[] y = py;
        final float[] dx = vx;
        final float[] dy = vy;
        for (int i = 0; i < N; i++) {
            x[i] += dx[i] * DT;
            y[i] += dy[i] * DT;
        }
        return x[N - 1];
    }

    @Benchmark
    public int mmoEcs() {
        moving.forEachChunk(movement);
        return world.advanceTick();
    }

    @Benchmark
    public int mmoEcsUnstamped() {
        moving.forEachChunk(movementUnstamped);
        return world.tick();
    }

    @Benchmark
    public float artemisOdb() {
        artemis.process();
        return artemis.delta;
    }

    @Benchmark
    public float dominion() {
        final Results<Results.With2<Peers.DPosition, Peers.DVelocity>> results =
            dominion.findCompositionsWith(Peers.DPosition.class, Peers.DVelocity.class);
        float last = 0;
        for (final Results.With2<Peers.DPosition, Peers.DVelocity> r : results) {
            final Peers.DPosition p = r.comp1();
            final Peers.DVelocity v = r.comp2();
            p.x += v.x * DT;
            p.y += v.y * DT;
            last = p.x;
        }
        return last;
    }
}

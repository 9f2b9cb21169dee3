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
public class IterateBenchmark {
    static final int N = 1_000_000;
    static final float DT = 1f / 60f;

    /** Four float arrays: the physical floor. */
    @State(Scope.Thread)
    public static class Raw {
        float[] px;
        float[] py;
        float[] vx;
        float[] vy;

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
        }
    }

    /** mmo-ecs: a cached query iterated chunk by chunk over raw columns. */
    @State(Scope.Thread)
    public static class MmoEcs {
        World world;
        Query moving;
        Consumer<Chunk> movement;
        Consumer<Chunk> movementUnstamped;

        @Setup(Level.Trial)
        public void setUp() {
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
        }
    }

    /** artemis-odb: an IteratingSystem with injected ComponentMappers, run by World.process(). */
    @State(Scope.Thread)
    public static class Artemis {
        com.artemis.World world;

        @Setup(Level.Trial)
        public void setUp() {
            world = new com.artemis.World(new WorldConfigurationBuilder().with(new Peers.AMovement()).build());
            final com.artemis.ComponentMapper<Peers.APosition> ap = world.getMapper(Peers.APosition.class);
            final com.artemis.ComponentMapper<Peers.AVelocity> av = world.getMapper(Peers.AVelocity.class);
            for (int i = 0; i < N; i++) {
                final int e = world.create();
                ap.create(e);
                final Peers.AVelocity v = av.create(e);
                v.x = i % 7;
                v.y = i % 5;
            }
            world.setDelta(DT);
            world.process();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            world.dispose();
        }
    }

    /** Dominion: findCompositionsWith(...) iterated. */
    @State(Scope.Thread)
    public static class DominionState {
        Dominion dominion;

        @Setup(Level.Trial)
        public void setUp() {
            dominion = Dominion.create();
            for (int i = 0; i < N; i++) {
                dominion.createEntity(new Peers.DPosition(), new Peers.DVelocity(i % 7, i % 5));
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            dominion.close();
        }
    }

    @Benchmark
    public float raw(final Raw s) {
        final float[] x = s.px;
        final float[] y = s.py;
        final float[] dx = s.vx;
        final float[] dy = s.vy;
        for (int i = 0; i < N; i++) {
            x[i] += dx[i] * DT;
            y[i] += dy[i] * DT;
        }
        return x[N - 1];
    }

    @Benchmark
    public int mmoEcs(final MmoEcs s) {
        s.moving.forEachChunk(s.movement);
        return s.world.advanceTick();
    }

    @Benchmark
    public int mmoEcsUnstamped(final MmoEcs s) {
        s.moving.forEachChunk(s.movementUnstamped);
        return s.world.tick();
    }

    @Benchmark
    public float artemisOdb(final Artemis s) {
        s.world.process();
        return s.world.delta;
    }

    @Benchmark
    public float dominion(final DominionState s) {
        final Results<Results.With2<Peers.DPosition, Peers.DVelocity>> results =
            s.dominion.findCompositionsWith(Peers.DPosition.class, Peers.DVelocity.class);
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

package org.mmosdk.benchmarks.ecs;

import static org.mmosdk.benchmarks.ecs.Peers.POSITION;
import static org.mmosdk.benchmarks.ecs.Peers.VELOCITY;

import java.util.concurrent.TimeUnit;

import com.artemis.ArchetypeBuilder;
import com.artemis.WorldConfigurationBuilder;
import dev.dominion.ecs.api.Dominion;
import dev.dominion.ecs.api.Entity;
import org.mmosdk.ecs.Archetype;
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
 * Issue benchmark 2: create 1M entities with Position and Velocity, then destroy them all. Score: ns per entity
 * (create + destroy). Target for mmo-ecs: at most 30 ns. Worlds are reused across invocations (steady state:
 * entity slots and chunks are recycled, as in a running server).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g"})
@OperationsPerInvocation(CreateDestroyBenchmark.N)
public class CreateDestroyBenchmark {
    static final int N = 1_000_000;

    /** mmo-ecs: one archetype, handles kept in an array. */
    @State(Scope.Thread)
    public static class MmoEcs {
        World world;
        Archetype archetype;
        long[] handles;

        @Setup(Level.Trial)
        public void setUp() {
            world = World.builder().components(POSITION, VELOCITY).initialEntities(N).build();
            archetype = world.archetype(POSITION, VELOCITY);
            handles = new long[N];
        }
    }

    /** artemis-odb: an Archetype from ArchetypeBuilder; deletions take effect at process(). */
    @State(Scope.Thread)
    public static class Artemis {
        com.artemis.World world;
        com.artemis.Archetype archetype;
        int[] ids;

        @Setup(Level.Trial)
        public void setUp() {
            world = new com.artemis.World(new WorldConfigurationBuilder().build());
            archetype = new ArchetypeBuilder().add(Peers.APosition.class).add(Peers.AVelocity.class).build(world);
            ids = new int[N];
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            world.dispose();
        }
    }

    /** Dominion: createEntity with component objects. */
    @State(Scope.Thread)
    public static class DominionState {
        Dominion dominion;
        Entity[] entities;

        @Setup(Level.Trial)
        public void setUp() {
            dominion = Dominion.create();
            entities = new Entity[N];
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            dominion.close();
        }
    }

    @Benchmark
    public int mmoEcs(final MmoEcs s) {
        final World world = s.world;
        final long[] handles = s.handles;
        for (int i = 0; i < N; i++) {
            handles[i] = world.create(s.archetype);
        }
        for (int i = 0; i < N; i++) {
            world.destroy(handles[i]);
        }
        world.forgetDestroyedUpTo(world.tick());
        return world.entityCount();
    }

    /** The same work through the batch calls ({@code create(archetype, out, offset, count)}, {@code destroy(handles, offset, count)}). */
    @Benchmark
    public int mmoEcsBatch(final MmoEcs s) {
        final World world = s.world;
        world.create(s.archetype, s.handles, 0, N);
        world.destroy(s.handles, 0, N);
        world.forgetDestroyedUpTo(world.tick());
        return world.entityCount();
    }

    @Benchmark
    public int artemisOdb(final Artemis s) {
        for (int i = 0; i < N; i++) {
            s.ids[i] = s.world.create(s.archetype);
        }
        s.world.process();
        for (int i = 0; i < N; i++) {
            s.world.delete(s.ids[i]);
        }
        s.world.process();
        return s.ids[N - 1];
    }

    @Benchmark
    public int dominion(final DominionState s) {
        for (int i = 0; i < N; i++) {
            s.entities[i] = s.dominion.createEntity(new Peers.DPosition(), new Peers.DVelocity(0, 0));
        }
        int deleted = 0;
        for (int i = 0; i < N; i++) {
            deleted += s.dominion.deleteEntity(s.entities[i]) ? 1 : 0;
        }
        return deleted;
    }
}

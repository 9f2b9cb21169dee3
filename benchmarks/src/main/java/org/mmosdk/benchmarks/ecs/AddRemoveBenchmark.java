package org.mmosdk.benchmarks.ecs;

import static org.mmosdk.benchmarks.ecs.Peers.HEALTH;
import static org.mmosdk.benchmarks.ecs.Peers.POSITION;
import static org.mmosdk.benchmarks.ecs.Peers.VELOCITY;

import java.util.concurrent.TimeUnit;

import com.artemis.ArchetypeBuilder;
import com.artemis.ComponentMapper;
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
 * Issue benchmark 3: add one component (Health) to 100k entities with Position and Velocity, then remove it — two
 * archetype moves per entity. Score: ns per move.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g"})
@OperationsPerInvocation(2 * AddRemoveBenchmark.N)
public class AddRemoveBenchmark {
    static final int N = 100_000;

    /** mmo-ecs: World.add / World.remove. */
    @State(Scope.Thread)
    public static class MmoEcs {
        World world;
        long[] handles;

        @Setup(Level.Trial)
        public void setUp() {
            world = World.builder().components(POSITION, VELOCITY, HEALTH).initialEntities(N).build();
            final Archetype archetype = world.archetype(POSITION, VELOCITY);
            handles = new long[N];
            for (int i = 0; i < N; i++) {
                handles[i] = world.create(archetype);
            }
        }
    }

    /** artemis-odb: ComponentMapper.create / remove; composition changes take effect at process(). */
    @State(Scope.Thread)
    public static class Artemis {
        com.artemis.World world;
        ComponentMapper<Peers.AHealth> health;
        int[] ids;

        @Setup(Level.Trial)
        public void setUp() {
            world = new com.artemis.World(new WorldConfigurationBuilder().build());
            final com.artemis.Archetype a = new ArchetypeBuilder().add(Peers.APosition.class).add(Peers.AVelocity.class)
                .build(world);
            health = world.getMapper(Peers.AHealth.class);
            ids = new int[N];
            for (int i = 0; i < N; i++) {
                ids[i] = world.create(a);
            }
            world.process();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            world.dispose();
        }
    }

    /** Dominion: Entity.add / Entity.removeType. */
    @State(Scope.Thread)
    public static class DominionState {
        Dominion dominion;
        Entity[] entities;

        @Setup(Level.Trial)
        public void setUp() {
            dominion = Dominion.create();
            entities = new Entity[N];
            for (int i = 0; i < N; i++) {
                entities[i] = dominion.createEntity(new Peers.DPosition(), new Peers.DVelocity(0, 0));
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            dominion.close();
        }
    }

    @Benchmark
    public int mmoEcs(final MmoEcs s) {
        for (int i = 0; i < N; i++) {
            s.world.add(s.handles[i], HEALTH);
        }
        for (int i = 0; i < N; i++) {
            s.world.remove(s.handles[i], HEALTH);
        }
        s.world.forgetDestroyedUpTo(s.world.tick()); // what state sync does once clients acknowledged
        return s.world.entityCount();
    }

    @Benchmark
    public int artemisOdb(final Artemis s) {
        for (int i = 0; i < N; i++) {
            s.health.create(s.ids[i]);
        }
        s.world.process();
        for (int i = 0; i < N; i++) {
            s.health.remove(s.ids[i]);
        }
        s.world.process();
        return s.ids[0];
    }

    @Benchmark
    public int dominion(final DominionState s) {
        for (int i = 0; i < N; i++) {
            s.entities[i].add(new Peers.DHealth());
        }
        int removed = 0;
        for (int i = 0; i < N; i++) {
            removed += s.entities[i].removeType(Peers.DHealth.class) ? 1 : 0;
        }
        return removed;
    }
}

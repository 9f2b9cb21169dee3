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
@State(Scope.Thread)
public class CreateDestroyBenchmark {
    static final int N = 1_000_000;

    private World world;
    private Archetype archetype;
    private long[] handles;

    private com.artemis.World artemis;
    private com.artemis.Archetype artemisArchetype;
    private int[] ids;

    private Dominion dominion;
    private Entity[] entities;

    @Setup(Level.Trial)
    public void setUp() {
        world = World.builder().components(POSITION, VELOCITY).initialEntities(N).build();
        archetype = world.archetype(POSITION, VELOCITY);
        handles = new long[N];
        artemis = new com.artemis.World(new WorldConfigurationBuilder().build());
        artemisArchetype = new ArchetypeBuilder().add(Peers.APosition.class).add(Peers.AVelocity.class).build(artemis);
        ids = new int[N];
        dominion = Dominion.create();
        entities = new Entity[N];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        dominion.close();
        artemis.dispose();
    }

    @Benchmark
    public int mmoEcs() {
        for (int i = 0; i < N; i++) {
            handles[i] = world.create(archetype);
        }
        for (int i = 0; i < N; i++) {
            world.destroy(handles[i]);
        }
        world.forgetDestroyedUpTo(world.tick());
        return world.entityCount();
    }

    @Benchmark
    public int artemisOdb() {
        for (int i = 0; i < N; i++) {
            ids[i] = artemis.create(artemisArchetype);
        }
        artemis.process();
        for (int i = 0; i < N; i++) {
            artemis.delete(ids[i]);
        }
        artemis.process();
        return ids[N - 1];
    }

    @Benchmark
    public int dominion() {
        for (int i = 0; i < N; i++) {
            entities[i] = dominion.createEntity(new Peers.DPosition(), new Peers.DVelocity(0, 0));
        }
        int deleted = 0;
        for (int i = 0; i < N; i++) {
            deleted += dominion.deleteEntity(entities[i]) ? 1 : 0;
        }
        return deleted;
    }
}

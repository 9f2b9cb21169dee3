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
@State(Scope.Thread)
public class AddRemoveBenchmark {
    static final int N = 100_000;

    private World world;
    private long[] handles;
    private com.artemis.World artemis;
    private ComponentMapper<Peers.AHealth> artemisHealth;
    private int[] ids;
    private Dominion dominion;
    private Entity[] entities;

    @Setup(Level.Trial)
    public void setUp() {
        world = World.builder().components(POSITION, VELOCITY, HEALTH).initialEntities(N).build();
        final Archetype archetype = world.archetype(POSITION, VELOCITY);
        handles = new long[N];
        for (int i = 0; i < N; i++) {
            handles[i] = world.create(archetype);
        }
        artemis = new com.artemis.World(new WorldConfigurationBuilder().build());
        final com.artemis.Archetype a = new ArchetypeBuilder().add(Peers.APosition.class).add(Peers.AVelocity.class)
            .build(artemis);
        artemisHealth = artemis.getMapper(Peers.AHealth.class);
        ids = new int[N];
        for (int i = 0; i < N; i++) {
            ids[i] = artemis.create(a);
        }
        artemis.process();
        dominion = Dominion.create();
        entities = new Entity[N];
        for (int i = 0; i < N; i++) {
            entities[i] = dominion.createEntity(new Peers.DPosition(), new Peers.DVelocity(0, 0));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        dominion.close();
        artemis.dispose();
    }

    @Benchmark
    public int mmoEcs() {
        for (int i = 0; i < N; i++) {
            world.add(handles[i], HEALTH);
        }
        for (int i = 0; i < N; i++) {
            world.remove(handles[i], HEALTH);
        }
        return world.entityCount();
    }

    @Benchmark
    public int artemisOdb() {
        for (int i = 0; i < N; i++) {
            artemisHealth.create(ids[i]);
        }
        artemis.process();
        for (int i = 0; i < N; i++) {
            artemisHealth.remove(ids[i]);
        }
        artemis.process();
        return ids[0];
    }

    @Benchmark
    public int dominion() {
        for (int i = 0; i < N; i++) {
            entities[i].add(new Peers.DHealth());
        }
        int removed = 0;
        for (int i = 0; i < N; i++) {
            removed += entities[i].removeType(Peers.DHealth.class) ? 1 : 0;
        }
        return removed;
    }
}

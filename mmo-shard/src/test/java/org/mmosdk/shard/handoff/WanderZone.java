package org.mmosdk.shard.handoff;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.agrona.collections.LongArrayList;
import org.mmosdk.core.tick.TickLoop;
import org.mmosdk.core.tick.Tickable;
import org.mmosdk.ecs.ComponentType;
import org.mmosdk.ecs.DoubleField;
import org.mmosdk.ecs.IntField;
import org.mmosdk.ecs.LongField;
import org.mmosdk.ecs.Query;
import org.mmosdk.ecs.World;
import org.mmosdk.shard.partition.ZoneLayout;

/**
 * A zone of wandering entities for tests and load programs: its own world and tick loop; entities move at random,
 * bounce off the world's edges, and are handed off when they cross into another zone. Inputs count per entity.
 */
final class WanderZone implements Tickable, InputSink {
    private static final ComponentType.Builder B = ComponentType.builder("wanderer");
    static final DoubleField X = B.doubleField("x");
    static final DoubleField Y = B.doubleField("y");
    static final DoubleField VX = B.doubleField("vx");
    static final DoubleField VY = B.doubleField("vy");
    static final LongField GID = B.longField("gid");
    static final IntField INPUTS = B.intField("inputs");
    static final ComponentType WANDERER = B.build();

    /** A 200 × 100 world of 10-unit cells in 2 × 2 zones: 0 and 1 on top, 2 and 3 below. */
    static final ZoneLayout LAYOUT = ZoneLayout.builder().cellSize(10).cells(20, 10).zones(2, 2).build();
    static final double WIDTH = 200;
    static final double HEIGHT = 100;

    final int zone;
    final World world;
    private Query movers;
    private Query all;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final SplittableRandom random;
    private final double speedPerTick;
    private final LongArrayList leaving = new LongArrayList();
    private final List<int[]> leavingTo = new ArrayList<>();
    private final int tickHz;
    ZoneHandoff handoff;
    MigratingZone migrating;
    volatile boolean wander = true;
    /** Runs at the end of every tick that simulated (not paused), on the zone thread. */
    volatile java.util.function.Consumer<WanderZone> afterTick;
    /** Publish ghosts of entities this close to a border every 4 ticks; 0 = off. */
    volatile double ghostMargin;
    volatile boolean gone;
    volatile long firstTickNanos;
    private boolean adoptOnStart;
    private TickLoop loop;

    static World newWorld() {
        return World.builder().components(WANDERER, ZoneHandoff.FROZEN, ZoneHandoff.GHOST).build();
    }

    WanderZone(final int zone, final long seed, final int tickHz, final double speedPerSecond) {
        this(zone, newWorld(), seed, tickHz, speedPerSecond);
        movers = world.query().all(WANDERER).none(ZoneHandoff.FROZEN, ZoneHandoff.GHOST).build();
        all = world.query().all(WANDERER).none(ZoneHandoff.GHOST).build();
    }

    /** A zone around a world that arrived by migration: its entities are adopted on the zone thread. */
    static WanderZone arrived(final int zone, final World world, final long seed, final int tickHz, final double speed) {
        final WanderZone z = new WanderZone(zone, world, seed, tickHz, speed);
        z.adoptOnStart = true;
        return z;
    }

    private WanderZone(final int zone, final World world, final long seed, final int tickHz, final double speedPerSecond) {
        this.zone = zone;
        this.world = world;
        this.random = new SplittableRandom(seed);
        this.tickHz = tickHz;
        this.speedPerTick = speedPerSecond / tickHz;
    }

    void host(final HandoffService service, final HandoffListener listener) {
        handoff = service.host(zone, world, GID, this, listener);
    }

    void attach(final ZoneMigration migration) {
        migrating = migration.attach(handoff);
    }

    @Override
    public void onStart() {
        if (movers == null) {
            movers = world.query().all(WANDERER).none(ZoneHandoff.FROZEN, ZoneHandoff.GHOST).build();
            all = world.query().all(WANDERER).none(ZoneHandoff.GHOST).build();
        }
        if (adoptOnStart) {
            handoff.adoptAll();
        }
    }

    /** Starts ticking; from now on the world belongs to the tick thread. */
    void start() {
        world.releaseThread();
        loop = TickLoop.builder(this).name("zone-" + zone).tickRate(tickHz).build().start();
    }

    void stop() throws InterruptedException {
        if (loop != null) {
            loop.stop();
            loop.awaitTermination(java.time.Duration.ofSeconds(5));
        }
    }

    /** Spawns entities with these global ids at random places of this zone (before {@link #start()}). */
    void spawn(final long firstGid, final int count) {
        int made = 0;
        while (made < count) {
            final double x = random.nextDouble() * WIDTH;
            final double y = random.nextDouble() * HEIGHT;
            if (LAYOUT.zoneAt(x, y) != zone) {
                continue;
            }
            final long e = world.create(world.archetype(WANDERER));
            world.set(e, X, x);
            world.set(e, Y, y);
            final double angle = random.nextDouble() * 2 * Math.PI;
            world.set(e, VX, Math.cos(angle) * speedPerTick);
            world.set(e, VY, Math.sin(angle) * speedPerTick);
            world.set(e, GID, firstGid + made);
            handoff.adopt(e);
            made++;
        }
    }

    /** Runs on the zone thread at its next tick. */
    <T> CompletableFuture<T> call(final Function<WanderZone, T> task) {
        final CompletableFuture<T> f = new CompletableFuture<>();
        tasks.add(() -> {
            try {
                f.complete(task.apply(this));
            } catch (final RuntimeException e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }

    <T> T await(final Function<WanderZone, T> task) throws Exception {
        return call(task).get(10, TimeUnit.SECONDS);
    }

    @Override
    public void onTick(final long tick) {
        if (firstTickNanos == 0) {
            firstTickNanos = System.nanoTime();
        }
        if (gone) {
            return;
        }
        handoff.drain();
        final int step = migrating == null ? MigratingZone.RUN : migrating.step();
        if (step != MigratingZone.RUN) {
            if (step == MigratingZone.GONE) {
                gone = true;
                loop.stop();
            }
            return; // paused: tasks wait too (inputs would be buffered anyway)
        }
        Runnable r;
        while ((r = tasks.poll()) != null) {
            r.run();
        }
        if (ghostMargin > 0 && tick % 4 == 0) {
            publishGhosts();
        }
        final java.util.function.Consumer<WanderZone> hook = afterTick;
        if (hook != null) {
            hook.accept(this);
        }
        if (!wander) {
            return;
        }
        leaving.clear();
        leavingTo.clear();
        movers.forEachEntity(e -> {
            double x = world.get(e, X) + world.get(e, VX);
            double y = world.get(e, Y) + world.get(e, VY);
            if (x < 0 || x >= WIDTH) {
                world.set(e, VX, -world.get(e, VX));
                x = Math.max(0, Math.min(WIDTH - 1e-6, x));
            }
            if (y < 0 || y >= HEIGHT) {
                world.set(e, VY, -world.get(e, VY));
                y = Math.max(0, Math.min(HEIGHT - 1e-6, y));
            }
            if (random.nextInt(40) == 0) {
                final double angle = random.nextDouble() * 2 * Math.PI;
                world.set(e, VX, Math.cos(angle) * speedPerTick);
                world.set(e, VY, Math.sin(angle) * speedPerTick);
            }
            world.set(e, X, x);
            world.set(e, Y, y);
            final int to = LAYOUT.zoneAt(x, y);
            if (to != zone && to != ZoneLayout.NO_ZONE) {
                leaving.addLong(e);
                leavingTo.add(new int[] {to});
            }
        });
        for (int i = 0; i < leaving.size(); i++) {
            handoff.handOff(leaving.getLong(i), leavingTo.get(i)[0]); // false: window full, tried again next tick
        }
    }

    /** Sends every neighbour zone the entities within {@link #ghostMargin} of its border. */
    private void publishGhosts() {
        final org.agrona.collections.LongArrayList[] near = new org.agrona.collections.LongArrayList[LAYOUT.zoneCount()];
        for (int z = 0; z < near.length; z++) {
            near[z] = new org.agrona.collections.LongArrayList();
        }
        final double m = ghostMargin;
        all.forEachEntity(e -> {
            final double x = world.get(e, X);
            final double y = world.get(e, Y);
            int mask = 0;
            for (final double[] d : new double[][] {{m, 0}, {-m, 0}, {0, m}, {0, -m}, {m, m}, {-m, -m}, {m, -m}, {-m, m}}) {
                final int z = LAYOUT.zoneAt(x + d[0], y + d[1]);
                if (z != ZoneLayout.NO_ZONE && z != zone && (mask & (1 << z)) == 0) {
                    mask |= 1 << z;
                    near[z].addLong(e);
                }
            }
        });
        for (int z = 0; z < near.length; z++) {
            if (z != zone) {
                handoff.publishGhosts(z, near[z].toLongArray(), near[z].size());
            }
        }
    }

    long[] ghostGids() {
        final LongArrayList out = new LongArrayList();
        world.query().all(WANDERER, ZoneHandoff.GHOST).build().forEachEntity(e -> out.addLong(world.get(e, GID)));
        return out.toLongArray();
    }

    @Override
    public void onInput(final long entity, final long gid, final ByteBuffer input) {
        world.set(entity, INPUTS, world.get(entity, INPUTS) + 1);
    }

    // ---- read on the zone thread (through call/await)

    long[] gids() {
        final LongArrayList out = new LongArrayList();
        all.forEachEntity(e -> out.addLong(world.get(e, GID)));
        return out.toLongArray();
    }

    long inputs() {
        final long[] sum = {0};
        all.forEachEntity(e -> sum[0] += world.get(e, INPUTS));
        return sum[0];
    }

    int frozen() {
        return all.count() - movers.count();
    }
}

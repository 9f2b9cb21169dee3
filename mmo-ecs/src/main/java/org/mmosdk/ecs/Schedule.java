package org.mmosdk.ecs;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import org.mmosdk.core.stats.LatencyHistogram;
import org.mmosdk.core.stats.StatsRegistry;

/**
 * An ordered list of named systems run once per tick, each timed into a histogram
 * ({@code ecs.system.duration{system=<name>}}). {@link #run()} runs them in order, applies the schedule's
 * {@link CommandBuffer} after each system, and advances the world's tick.
 *
 * <pre>{@code
 * Schedule schedule = Schedule.builder(world)
 *     .add("movement", new MovementSystem())
 *     .add("despawn", w -> ...)
 *     .build();
 * tickLoop = TickLoop.builder(tick -> schedule.run()).build();
 * }</pre>
 *
 * <p>Threads: run on the world's thread.
 */
public final class Schedule {
    private final World world;
    private final String[] names;
    private final EcsSystem[] systems;
    private final LatencyHistogram[] durations;
    private final CommandBuffer commands;

    private Schedule(final Builder b) {
        this.world = b.world;
        this.names = b.names.toArray(new String[0]);
        this.systems = b.systems.toArray(new EcsSystem[0]);
        this.durations = new LatencyHistogram[systems.length];
        for (int i = 0; i < systems.length; i++) {
            durations[i] = b.stats.histogram("ecs.system.duration", "time to run one system once, ns", "system", names[i]);
        }
        this.commands = new CommandBuffer(world);
    }

    /**
     * A builder for systems over {@code world}.
     *
     * @param world the world
     * @return a builder
     */
    public static Builder builder(final World world) {
        return new Builder(world);
    }

    /** Runs every system in order, applies {@link #commands()} after each, then advances the world's tick. */
    public void run() {
        for (int i = 0; i < systems.length; i++) {
            final long start = System.nanoTime();
            systems[i].run(world);
            if (commands.size() > 0) {
                commands.apply();
            }
            durations[i].record(System.nanoTime() - start);
        }
        world.advanceTick();
    }

    /**
     * A command buffer systems may record into; applied after each system.
     *
     * @return the buffer
     */
    public CommandBuffer commands() {
        return commands;
    }

    /**
     * The time histogram of a system.
     *
     * @param name the system's name
     * @return its histogram (ns)
     */
    public LatencyHistogram duration(final String name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return durations[i];
            }
        }
        throw new IllegalArgumentException("no system named '" + name + "'; systems: " + List.of(names));
    }

    /** Declares a {@link Schedule}. */
    public static final class Builder {
        private final World world;
        private final List<String> names = new ArrayList<>();
        private final List<EcsSystem> systems = new ArrayList<>();
        private final Set<String> seen = new LinkedHashSet<>();
        private StatsRegistry stats = new StatsRegistry();

        private Builder(final World world) {
            this.world = Objects.requireNonNull(world, "world");
        }

        /**
         * Appends a system.
         *
         * @param name unique in this schedule
         * @param system the system
         * @return this
         */
        public Builder add(final String name, final EcsSystem system) {
            if (!seen.add(Objects.requireNonNull(name, "name"))) {
                throw new IllegalArgumentException("a system named '" + name + "' is already in the schedule");
            }
            names.add(name);
            systems.add(Objects.requireNonNull(system, "system"));
            return this;
        }

        /**
         * Where to register the per-system histograms; by default a private registry.
         *
         * @param stats the registry
         * @return this
         */
        public Builder stats(final StatsRegistry stats) {
            this.stats = Objects.requireNonNull(stats, "stats");
            return this;
        }

        /**
         * Builds the schedule.
         *
         * @return the schedule
         */
        public Schedule build() {
            return new Schedule(this);
        }
    }
}

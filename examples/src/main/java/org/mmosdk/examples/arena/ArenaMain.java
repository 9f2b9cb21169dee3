package org.mmosdk.examples.arena;

import java.net.URI;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.HdrHistogram.Histogram;
import org.mmosdk.core.stats.micrometer.MicrometerStats;

/**
 * {@code arena}: the server, its page and metrics, and optionally in-process bots; a status line every few seconds.
 *
 * <p>Threads: {@link #run} on the launching thread; Ctrl-C runs {@link Running#close()} on the JVM's shutdown hook.
 */
public final class ArenaMain {
    private ArenaMain() {
    }

    /**
     * Runs the arena until {@code --duration} or Ctrl-C.
     *
     * @param args the options (see {@code Main} usage)
     * @throws Exception if it cannot start
     */
    public static void main(final String[] args) throws Exception {
        final ArenaOptions options = ArenaOptions.parse(args);
        final Running arena = start(options);
        final CountDownLatch stopped = new CountDownLatch(1);
        final Thread hook = new Thread(() -> {
            arena.close();
            stopped.countDown();
        }, "arena-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        arena.printWhereToLook(System.out);
        final long end = options.durationSeconds() > 0
            ? System.nanoTime() + TimeUnit.SECONDS.toNanos(options.durationSeconds()) : Long.MAX_VALUE;
        while (System.nanoTime() < end && !stopped.await(options.statusSeconds(), TimeUnit.SECONDS)) {
            System.out.println(arena.statusLine());
        }
        if (stopped.getCount() > 0) {         // --duration elapsed: stop as Ctrl-C would
            Runtime.getRuntime().removeShutdownHook(hook);
            arena.close();
        }
    }

    /**
     * Starts everything.
     *
     * @param options the options
     * @return the running arena
     * @throws Exception if a port cannot be bound
     */
    static Running start(final ArenaOptions options) throws Exception {
        final PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(prometheus);
        new JvmGcMetrics().bindTo(prometheus);
        new JvmThreadMetrics().bindTo(prometheus);
        new ClassLoaderMetrics().bindTo(prometheus);
        new ProcessorMetrics().bindTo(prometheus);
        final Arena arena = new Arena(options, prometheus);
        MicrometerStats.bind(arena.stats, prometheus);   // the SDK's tick, net and ECS stats, as Micrometer meters
        arena.start();
        final WebServer web = new WebServer(options.host(), options.httpPort(), arena.webSocketAddress().getPort(),
            arena.gateway.webSocketPath(), prometheus).start();
        final BotSwarm bots = options.bots() <= 0 ? null
            : new BotSwarm(arena.tcpAddress(), null, options.bots(), Math.min(options.bots(), options.duelists()), 0, null, 1).start();
        return new Running(arena, web, bots, prometheus, options);
    }

    /** A started arena; {@link #close()} from any one thread, once. */
    static final class Running implements AutoCloseable {
        final Arena arena;
        final WebServer web;
        final BotSwarm bots;
        final PrometheusMeterRegistry prometheus;
        private final ArenaOptions options;
        private Histogram lastTicks;
        private long lastBytesOut;
        private long lastBytesIn;
        private long lastAt = System.nanoTime();
        private boolean closed;

        Running(final Arena arena, final WebServer web, final BotSwarm bots, final PrometheusMeterRegistry prometheus,
                final ArenaOptions options) {
            this.arena = arena;
            this.web = web;
            this.bots = bots;
            this.prometheus = prometheus;
            this.options = options;
            this.lastTicks = arena.loop.tickDuration().snapshot();
        }

        URI pageUri() {
            return URI.create("http://" + options.host() + ":" + web.port() + "/");
        }

        void printWhereToLook(final java.io.PrintStream out) {
            out.printf("arena: %d NPCs, %d in-process bots, %d Hz%s; Ctrl-C stops%n", options.npcs(), options.bots(),
                Game.TICK_HZ, options.durationSeconds() > 0 ? ", for " + options.durationSeconds() + " s" : "");
            out.printf("  page     %s   (WASD or arrow keys move your character)%n", pageUri());
            out.printf("  metrics  %smetrics%n", pageUri());
            out.printf("  game     tcp://%s  ws://%s%s%n", hostPort(arena.tcpAddress()), hostPort(arena.webSocketAddress()),
                arena.gateway.webSocketPath());
        }

        private static String hostPort(final java.net.InetSocketAddress a) {
            return a.getHostString() + ":" + a.getPort();
        }

        /** Tick p50/p99 over the last period, players, bytes per second out and in. */
        synchronized String statusLine() {
            final Histogram ticks = arena.loop.tickDuration().snapshot();
            final Histogram window = ticks.copy();
            window.subtract(lastTicks);
            lastTicks = ticks;
            final long now = System.nanoTime();
            final double seconds = Math.max(1e-3, (now - lastAt) / 1e9);
            lastAt = now;
            final long out = counter("net.bytes.out");
            final long in = counter("net.bytes.in");
            final int players = arena.gateway.sessions().sessionCount();
            final String line = String.format(
                "tick %7d | tick p50 %6.2f ms p99 %6.2f ms | players %5d | snapshots 1/%d | out %9.0f B/s (%6.0f B/s per player) | in %8.0f B/s | heap %4d MB | %s",
                arena.loop.tick(), window.getValueAtPercentile(50) / 1e6, window.getValueAtPercentile(99) / 1e6, players,
                arena.snapshotEvery(),
                (out - lastBytesOut) / seconds, players == 0 ? 0 : (out - lastBytesOut) / seconds / players,
                (in - lastBytesIn) / seconds,
                (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20, arena.duelStatus());
            lastBytesOut = out;
            lastBytesIn = in;
            return line;
        }

        private long counter(final String name) {
            return arena.stats.counter(name, "").get();
        }

        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            System.out.println("arena: stopping (telling players, stopping the zone)");
            arena.close();          // players told first (Close SHUTDOWN), then the zone loop stops
            if (bots != null) {
                bots.close();
            }
            web.close();
            prometheus.close();
            System.out.println("arena: stopped after " + arena.loop.tick() + " ticks, loop " + arena.loop.state());
        }
    }
}

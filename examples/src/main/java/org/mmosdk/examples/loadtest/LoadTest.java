package org.mmosdk.examples.loadtest;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoopGroup;
import org.HdrHistogram.Histogram;
import org.mmosdk.core.peer.Delivery;
import org.mmosdk.core.wire.MessageTypes;
import org.mmosdk.net.Authenticator;
import org.mmosdk.net.Gateway;
import org.mmosdk.net.Session;
import org.mmosdk.net.SessionManager;
import org.mmosdk.net.client.ClientListener;
import org.mmosdk.net.client.GameClient;

/**
 * Load test of the gateway on loopback, bounded in connections and time; stops by itself.
 *
 * <p>One command runs everything: the server (a {@link Gateway} on 127.0.0.1) lives in this process, and it forks
 * client processes (the fd limit is 20000 per process), each opening its share of the connections from its own
 * source address 127.0.0.2, 127.0.0.3, …:
 *
 * <pre>
 * cd /work/main
 * mvn -B -q -o install -DskipTests -pl mmo-core,mmo-net,mmo-ecs &amp;&amp; mvn -B -q -o package -pl examples -DskipTests
 * java -Xms1g -Xmx1g -XX:+UseG1GC -cp examples/target/mmo-examples.jar org.mmosdk.examples.loadtest.LoadTest \
 *     --connections 15000 --processes 3 --broadcast-sessions 5000 --broadcast-hz 20 --broadcast-seconds 10
 * </pre>
 *
 * Phases: (1) GC, used heap; (2) the client processes connect (Hello/Welcome handshake included), at most 512
 * handshakes in flight per process; the server reports connect rate; (3) GC, used heap again:
 * {@code (after - before) / connections} is the server heap per idle connection (direct memory of Netty's pools not
 * included: an idle connection holds no buffer); (4) the server sends a 100-byte envelope ({@code [u16 type][u64
 * System.nanoTime()][padding]}) to the first {@code broadcast-sessions} sessions of the first client process,
 * {@code broadcast-hz} times per second, write then flush per tick; that client records receive time minus the
 * timestamp in an HdrHistogram (one monotonic clock on one machine); (5) everything closes.
 *
 * <p>{@code --client ...} is the forked client mode (internal). JVM flags of the forked clients:
 * {@code -Xmx768m -XX:+UseSerialGC}.
 */
public final class LoadTest {
    private static final int BROADCAST = MessageTypes.APP_FIRST + 1;
    private static final int MESSAGE_BYTES = 100;
    private static final int MAX_IN_FLIGHT = 512;
    private static final Duration LIMIT = Duration.ofMinutes(5);

    private LoadTest() {
    }

    /**
     * Runs the load test (or, with {@code --client}, one forked client process).
     *
     * @param args see the class documentation
     * @throws Exception when a phase fails
     */
    public static void main(final String[] args) throws Exception {
        final Args a = new Args(args);
        if (a.flag("--client")) {
            client(a);
        } else {
            server(a);
        }
    }

    // ---- server (this process)

    private static void server(final Args a) throws Exception {
        final int connections = a.intValue("--connections", 15000);
        final int processes = a.intValue("--processes", 3);
        final int broadcastSessions = a.intValue("--broadcast-sessions", 5000);
        final int hz = a.intValue("--broadcast-hz", 20);
        final int seconds = a.intValue("--broadcast-seconds", 10);
        final long deadline = System.nanoTime() + LIMIT.toNanos();
        final Gateway gateway = Gateway.builder().tcpPort(0).authenticator(Authenticator.allowAll())
            .maxConnections(connections + 100, connections + 100)
            .heartbeat(Duration.ofSeconds(10), Duration.ofSeconds(60)).threads(1, 2).build().start();
        final List<Process> children = new ArrayList<>();
        try {
            final long before = usedHeapAfterGc();
            out("server: %s, heap used before %,d B; JVM flags %s", gateway.usesEpoll() ? "epoll" : "nio", before,
                ManagementFactory.getRuntimeMXBean().getInputArguments());
            final int port = gateway.tcpAddress().getPort();
            final long t0 = System.nanoTime();
            for (int i = 0; i < processes; i++) {
                final int share = connections / processes + (i < connections % processes ? 1 : 0);
                children.add(fork(i, share, port, i == 0 ? Math.min(broadcastSessions, share) : 0));
            }
            while (gateway.sessions().sessionCount() < connections) {
                if (System.nanoTime() > deadline || children.stream().anyMatch(p -> !p.isAlive())) {
                    throw new IllegalStateException("only " + gateway.sessions().sessionCount() + " sessions of " + connections);
                }
                Thread.sleep(20);
            }
            final double connectSeconds = (System.nanoTime() - t0) / 1e9;
            out("server: %,d sessions in %.2f s (JVM start of the clients included): %,.0f connections/s", connections,
                connectSeconds, connections / connectSeconds);
            final long after = usedHeapAfterGc();
            out("server: heap used after %,d B: %,.0f B per idle connection", after, (double) (after - before) / connections);
            // the first client process connects from 127.0.0.2 and is the one that measures latency
            final List<Session> targets = new ArrayList<>();
            gateway.sessions().forEach(s -> {
                if (s.remoteAddress() instanceof InetSocketAddress r && r.getAddress().getHostAddress().equals(address(0))
                    && targets.size() < broadcastSessions) {
                    targets.add(s);
                }
            });
            out("server: broadcasting %d-byte messages to %d sessions at %d Hz for %d s", MESSAGE_BYTES, targets.size(), hz, seconds);
            final ByteBuffer msg = ByteBuffer.allocate(MESSAGE_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            final long period = TimeUnit.SECONDS.toNanos(1) / hz;
            long next = System.nanoTime();
            for (int tick = 0; tick < hz * seconds; tick++) {
                next += period;
                msg.clear();
                msg.putShort((short) BROADCAST).putLong(System.nanoTime());
                msg.position(MESSAGE_BYTES).flip();
                SessionManager.sendAndFlush(targets, msg, Delivery.RELIABLE); // on the sessions' I/O threads
                final long sleep = next - System.nanoTime();
                if (sleep > 0) {
                    TimeUnit.NANOSECONDS.sleep(sleep);
                }
            }
            Thread.sleep(200);
            for (final Process p : children) {
                p.getOutputStream().write("STOP\n".getBytes(StandardCharsets.US_ASCII));
                p.getOutputStream().flush();
            }
            for (final Process p : children) {
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroy();
                }
            }
        } finally {
            for (final Process p : children) {
                p.destroy();
            }
            gateway.shutdown(Duration.ofSeconds(1));
        }
    }

    private static Process fork(final int index, final int connections, final int port, final int latencySessions) throws IOException {
        final String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        final Process p = new ProcessBuilder(java, "-Xmx768m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
            LoadTest.class.getName(), "--client", "--index", Integer.toString(index), "--connections", Integer.toString(connections),
            "--port", Integer.toString(port), "--latency-sessions", Integer.toString(latencySessions))
            .redirectErrorStream(true).start();
        final Thread pump = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (!line.contains("DEBUG") && !line.contains(" INFO ")) {
                        System.out.println("  client " + index + ": " + line);
                    }
                }
            } catch (final IOException e) {
                // the process ended
            }
        }, "client-" + index + "-output");
        pump.setDaemon(true);
        pump.start();
        return p;
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        final Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    private static String address(final int index) {
        return "127.0.0." + (2 + index);
    }

    // ---- a forked client process

    private static void client(final Args a) throws Exception {
        final int index = a.intValue("--index", 0);
        final int connections = a.intValue("--connections", 5000);
        final int port = a.intValue("--port", 0);
        final int latencySessions = a.intValue("--latency-sessions", 0);
        final Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        final AtomicInteger received = new AtomicInteger();
        final ClientListener recorder = new ClientListener() {
            @Override
            public void onMessage(final GameClient client, final int typeId, final ByteBuf envelope) {
                if (typeId == BROADCAST) {
                    final long latency = System.nanoTime() - envelope.getLongLE(envelope.readerIndex() + 2);
                    synchronized (histogram) {
                        histogram.recordValue(Math.max(0, Math.min(latency, histogram.getHighestTrackableValue())));
                    }
                    received.incrementAndGet();
                }
            }
        };
        final EventLoopGroup group = GameClient.newEventLoopGroup(2);
        final InetSocketAddress server = new InetSocketAddress("127.0.0.1", port);
        final InetSocketAddress local = new InetSocketAddress(address(index), 0);
        final ConcurrentLinkedQueue<GameClient> clients = new ConcurrentLinkedQueue<>();
        final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
        final AtomicInteger failed = new AtomicInteger();
        final long t0 = System.nanoTime();
        final List<CompletableFuture<?>> all = new ArrayList<>(connections);
        for (int i = 0; i < connections; i++) {
            inFlight.acquire();
            final GameClient.Builder b = GameClient.builder().tcp(server).localAddress(local).group(group).clientName("bot");
            if (i < latencySessions) {
                b.listener(recorder);
            }
            all.add(b.build().connect().whenComplete((c, e) -> {
                inFlight.release();
                if (e != null) {
                    failed.incrementAndGet();
                } else {
                    clients.add(c);
                }
            }));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).handle((v, e) -> null).get(LIMIT.toSeconds(), TimeUnit.SECONDS);
        final double s = (System.nanoTime() - t0) / 1e9;
        out("%,d connected from %s (%d failed) in %.2f s: %,.0f connections/s", clients.size(), address(index), failed.get(), s,
            clients.size() / s);
        // wait for STOP from the server process (or the time limit)
        final Thread stop = new Thread(() -> {
            try {
                new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII)).readLine();
            } catch (final IOException e) {
                // parent gone: stop too
            }
        });
        stop.setDaemon(true);
        stop.start();
        stop.join(LIMIT.toMillis());
        if (latencySessions > 0) {
            synchronized (histogram) {
                out("latency over %,d messages to %d sessions: p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, max %.3f ms",
                    histogram.getTotalCount(), latencySessions, ms(histogram.getValueAtPercentile(50)),
                    ms(histogram.getValueAtPercentile(99)), ms(histogram.getValueAtPercentile(99.9)), ms(histogram.getMaxValue()));
            }
        }
        for (final GameClient c : clients) {
            c.abort();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }

    private static double ms(final long nanos) {
        return nanos / 1e6;
    }

    private static void out(final String format, final Object... args) {
        final PrintStream o = System.out;
        o.println(String.format(format, args));
        o.flush();
    }

    /** {@code --name value} pairs and {@code --flag}s. */
    private static final class Args {
        private final String[] args;

        Args(final String[] args) {
            this.args = args.clone();
        }

        boolean flag(final String name) {
            for (final String s : args) {
                if (s.equals(name)) {
                    return true;
                }
            }
            return false;
        }

        int intValue(final String name, final int dflt) {
            for (int i = 0; i < args.length - 1; i++) {
                if (args[i].equals(name)) {
                    return Integer.parseInt(args[i + 1]);
                }
            }
            return dflt;
        }
    }
}

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoopGroup;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.concurrent.EventExecutor;
import org.HdrHistogram.Histogram;
import org.mmosdk.core.peer.Delivery;
import org.mmosdk.core.wire.MessageTypes;
import org.mmosdk.net.Authenticator;
import org.mmosdk.net.Gateway;
import org.mmosdk.net.Session;
import org.mmosdk.net.SessionManager;
import org.mmosdk.net.client.ClientListener;
import org.mmosdk.net.client.GameClient;
import org.mmosdk.net.internal.Transports;

/**
 * Load test of the gateway on loopback, bounded in connections and time; stops by itself.
 *
 * <p>One command runs everything: the server (a {@link Gateway} on 127.0.0.1) lives in this process, and it forks
 * client processes (the fd limit is 20000 per process), each opening its share of the connections from its own
 * source address 127.0.0.2, 127.0.0.3, …:
 *
 * <pre>
 * cd /work/main
 * mvn -o -q -B -DskipTests package -pl examples -am
 * java -cp examples/target/mmo-examples.jar org.mmosdk.examples.loadtest.LoadTest \
 *     --connections 15000 --processes 3 --broadcast-sessions 5000 --broadcast-hz 20 --broadcast-seconds 10
 * </pre>
 *
 * Phases: (1) GC, used heap; (2) the client processes connect (Hello/Welcome handshake included), at most 512
 * handshakes in flight per process; the server reports connect rate; (3) GC, used heap again:
 * {@code (after - before) / connections} is the server heap per idle connection (direct memory of Netty's pools not
 * included: an idle connection holds no buffer); (4) broadcast: the server sends a 100-byte envelope
 * ({@code [u16 type][u64 intended send time][u8 recorded][padding]}) to the first {@code broadcast-sessions} sessions
 * of the first client process, {@code broadcast-hz} times per second, with {@code SessionManager.sendAndFlush}
 * (encoded once, one task per I/O thread), first as warm-up flagged as not recorded — the same code on both sides,
 * for at least {@code --broadcast-warmup-seconds} (default 3) and until every connection has had its first heartbeat
 * (10 s after it connected), so that neither the JIT nor that first wave of 15,000 pings and pongs works in the
 * measured phase — then for {@code --broadcast-seconds}, recorded; (5) everything closes.
 *
 * <p>What the broadcast phase reports, to tell the server from the clients and the machine:
 * <ul>
 *   <li>end-to-end (client 0): receive time minus the tick's <em>intended</em> send time (so a late sender counts, no
 *       coordinated omission), p50/p99/p99.9 and the p99 of each second (a rising line is a queue building up);</li>
 *   <li>server send side: from the intended tick time until each I/O thread has written and flushed its share of the
 *       tick (a marker task queued behind the broadcast task);</li>
 *   <li>CPU: the server's I/O threads (CPU-s/s, ns of CPU per message split user/kernel, bytes allocated per
 *       message), each process (CPU-s/s user/sys from {@code /proc/self/stat}) and the whole machine (busy cores from
 *       {@code /proc/stat}, other users included).</li>
 * </ul>
 *
 * <p>Options: {@code --server-threads} (default 2), {@code --client-threads} (default 2), {@code --client-cpus LIST}
 * (fork the clients under {@code taskset -c LIST}), {@code --leak-detection LEVEL} (Netty's leak detector in every
 * process; default {@code disabled}, as in production: at its own default it tracks one buffer in 128 with a stack
 * trace, and a tracked buffer is another class on the hot path, so the JIT recompiles it during the measurement).
 *
 * <p>Multi-process mode, {@code --server-processes K} with K &gt; 1: K gateway processes bind one port with
 * {@code SO_REUSEPORT} (epoll) and the kernel spreads the connections over them; {@code --processes} client
 * processes connect {@code --connections} in all (default 50000) and the coordinator prints connections reached,
 * connect rate, and server heap and RSS per connection. No broadcast in this mode:
 *
 * <pre>
 * java -cp examples/target/mmo-examples.jar org.mmosdk.examples.loadtest.LoadTest \
 *     --server-processes 3 --processes 3 --connections 50000
 * </pre>
 *
 * <p>{@code --client ...} and {@code --serve ...} are the forked modes (internal). JVM flags of the forked clients:
 * {@code -Xmx768m -XX:+UseSerialGC}; of the forked servers: {@code -Xmx1g}.
 */
public final class LoadTest {
    private static final int BROADCAST = MessageTypes.APP_FIRST + 1;
    private static final int MESSAGE_BYTES = 100;
    private static final int MAX_IN_FLIGHT = 512;
    private static final Duration LIMIT = Duration.ofMinutes(5);
    private static final String IO_THREAD_PREFIX = "mmo-net-io";
    private static final int PER_SECOND_SLOTS = 120;
    /** Interval of the gateway's heartbeat pings. */
    private static final Duration HEARTBEAT = Duration.ofSeconds(10);
    /** Machine-readable lines ({@code @...}) of the forked processes. */
    private static final LinkedBlockingQueue<String> EVENTS = new LinkedBlockingQueue<>();

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
        // Netty's leak detector is a debugging aid (by default it tracks one buffer in 128 with a stack trace, and a
        // tracked buffer changes the types the JIT sees); production runs without it (see SessionManager.sendAndFlush)
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.valueOf(leakDetection(a).toUpperCase(java.util.Locale.ROOT)));
        if (a.flag("--client")) {
            client(a);
        } else if (a.flag("--serve")) {
            serve(a);
        } else if (a.intValue("--server-processes", 1) > 1) {
            multiProcess(a);
        } else {
            server(a);
        }
    }

    private static String leakDetection(final Args a) {
        return a.value("--leak-detection", "disabled");
    }

    // ---- server (this process)

    private static void server(final Args a) throws Exception {
        final int connections = a.intValue("--connections", 15000);
        final int processes = a.intValue("--processes", 3);
        final int broadcastSessions = a.intValue("--broadcast-sessions", 5000);
        final int hz = a.intValue("--broadcast-hz", 20);
        final int seconds = a.intValue("--broadcast-seconds", 10);
        final int serverThreads = a.intValue("--server-threads", 2);
        final long deadline = System.nanoTime() + LIMIT.toNanos();
        final EventLoopGroup boss = Transports.newGroup(1, "mmo-net-boss", true, false);
        final EventLoopGroup workers = Transports.newGroup(serverThreads, IO_THREAD_PREFIX, true, false);
        final Gateway gateway = Gateway.builder().tcpPort(0).authenticator(Authenticator.allowAll())
            .maxConnections(connections + 100, connections + 100).eventLoops(boss, workers)
            .heartbeat(HEARTBEAT, Duration.ofSeconds(60)).build().start();
        final List<Process> children = new ArrayList<>();
        try {
            final long before = usedHeapAfterGc();
            out("server: %s, %d I/O threads, heap used before %,d B; JVM flags %s; Netty leak detection %s",
                gateway.usesEpoll() ? "epoll" : "nio", serverThreads, before, ManagementFactory.getRuntimeMXBean().getInputArguments(),
                ResourceLeakDetector.getLevel());
            final int port = gateway.tcpAddress().getPort();
            final long t0 = System.nanoTime();
            for (int i = 0; i < processes; i++) {
                final int share = connections / processes + (i < connections % processes ? 1 : 0);
                children.add(fork(a, i, share, port, i == 0 ? Math.min(broadcastSessions, share) : 0));
            }
            while (gateway.sessions().sessionCount() < connections) {
                if (System.nanoTime() > deadline || children.stream().anyMatch(p -> !p.isAlive())) {
                    throw new IllegalStateException("only " + gateway.sessions().sessionCount() + " sessions of " + connections);
                }
                Thread.sleep(20);
            }
            final long connected = System.nanoTime();
            final double connectSeconds = (connected - t0) / 1e9;
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
            // the warm-up lasts until every connection has had its first heartbeat (a wave of pings and pongs, and code
            // that runs for the first time there, would otherwise fall into the measured phase), and at least as asked
            final long firstHeartbeatsDone = connected + HEARTBEAT.toNanos() + TimeUnit.SECONDS.toNanos(1);
            final int warmup = (int) Math.max(a.intValue("--broadcast-warmup-seconds", 3),
                (firstHeartbeatsDone - System.nanoTime() + 999_999_999L) / 1_000_000_000L);
            out("server: broadcasting %d-byte messages to %d sessions at %d Hz for %d s (after %d s of warm-up)", MESSAGE_BYTES,
                targets.size(), hz, seconds, warmup);
            broadcast(targets, workers, hz, seconds, warmup, children);
            Thread.sleep(200);
            tell(children, "STOP");
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
            boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
    }

    /**
     * The broadcast phase, measured on the server side. Each tick has an intended start {@code t0 + i × period}; the
     * message carries that time (not the time the sender thread happened to run), so a late sender thread counts as
     * latency instead of hiding it (no coordinated omission). After handing the tick to the I/O threads, a marker task
     * is queued on every I/O thread: it runs once that thread has written and flushed its share of the tick, and
     * records {@code now - intended start}: the server's send-side time (fan-out done, bytes handed to the kernel).
     */
    private static void broadcast(final List<Session> targets, final EventLoopGroup workers, final int hz, final int seconds,
        final int warmupSeconds, final List<Process> children) throws InterruptedException, IOException {
        final List<EventExecutor> loops = new ArrayList<>();
        workers.forEach(loops::add);
        // warm-up: exactly the measured traffic and bookkeeping on both sides (same type id, same recording code), only
        // flagged as not recorded, so that nothing is compiled for the first time, or recompiled, in the measured phase
        ticks(targets, loops, hz, hz * warmupSeconds, false, new Histogram(TimeUnit.SECONDS.toNanos(10), 3),
            new Histogram(TimeUnit.SECONDS.toNanos(10), 3));
        Thread.sleep(200);
        tell(children, "MARK");
        final Histogram sendSide = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        final Histogram late = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        final List<Thread> ioThreads = threads(IO_THREAD_PREFIX);
        final com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        final long alloc0 = allocated(mx, ioThreads);
        final long ioCpu0 = cpu(mx, ioThreads);
        final long ioUser0 = user(mx, ioThreads);
        final CpuTimes cpu0 = CpuTimes.now();
        final long start = System.nanoTime();
        final int ticks = hz * seconds;
        ticks(targets, loops, hz, ticks, true, sendSide, late);
        final double wall = (System.nanoTime() - start) / 1e9;
        final CpuTimes cpu1 = CpuTimes.now();
        final long messages = (long) ticks * targets.size();
        synchronized (sendSide) {
            out("server: send side (intended tick start -> an I/O thread has written+flushed its share), %d ticks x %d threads: "
                + "p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, max %.3f ms", ticks, loops.size(), ms(sendSide.getValueAtPercentile(50)),
                ms(sendSide.getValueAtPercentile(99)), ms(sendSide.getValueAtPercentile(99.9)), ms(sendSide.getMaxValue()));
        }
        out("server: sender thread lateness: p50 %.3f ms, p99 %.3f ms, max %.3f ms", ms(late.getValueAtPercentile(50)),
            ms(late.getValueAtPercentile(99)), ms(late.getMaxValue()));
        final long ioCpu = cpu(mx, ioThreads) - ioCpu0;
        final long ioUser = user(mx, ioThreads) - ioUser0;
        out("server: I/O threads during the phase: %.2f CPU-s/s; per message sent %.0f ns CPU (user %.0f, kernel %.0f) and "
            + "%.1f B allocated (%,d messages)", ioCpu / 1e9 / wall, (double) ioCpu / messages, (double) ioUser / messages,
            (double) (ioCpu - ioUser) / messages, (double) (allocated(mx, ioThreads) - alloc0) / messages, messages);
        out("server: CPU during the phase (%.1f s): this process %.2f CPU-s/s (user %.2f, sys %.2f); whole machine %.2f of %d "
            + "cores busy", wall, cpu1.processSeconds(cpu0) / wall, (cpu1.user - cpu0.user) / CpuTimes.HZ / wall,
            (cpu1.sys - cpu0.sys) / CpuTimes.HZ / wall, cpu1.machineBusy(cpu0), Runtime.getRuntime().availableProcessors());
    }

    /**
     * {@code count} ticks of the broadcast, one period apart from one period from now: each sends the envelope
     * {@code [u16 BROADCAST][u64 intended send time][u8 recorded][padding]} to every target and queues the send-side
     * marker on every I/O thread; returns once every marker ran (or after 10 s).
     */
    private static void ticks(final List<Session> targets, final List<EventExecutor> loops, final int hz, final int count,
        final boolean recorded, final Histogram sendSide, final Histogram late) throws InterruptedException {
        final ByteBuffer msg = ByteBuffer.allocate(MESSAGE_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        final long period = TimeUnit.SECONDS.toNanos(1) / hz;
        final long start = System.nanoTime() + period;
        final CountDownLatch markers = new CountDownLatch(count * loops.size());
        for (int tick = 0; tick < count; tick++) {
            final long intended = start + tick * period;
            final long sleep = intended - System.nanoTime();
            if (sleep > 0) {
                TimeUnit.NANOSECONDS.sleep(sleep);
            }
            late.recordValue(clamp(System.nanoTime() - intended, late));
            msg.clear();
            msg.putShort((short) BROADCAST).putLong(intended).put((byte) (recorded ? 1 : 0));
            msg.position(MESSAGE_BYTES).flip();
            SessionManager.sendAndFlush(targets, msg, Delivery.RELIABLE); // on the sessions' I/O threads
            for (final EventExecutor loop : loops) {
                loop.execute(() -> {
                    final long done = System.nanoTime() - intended;
                    synchronized (sendSide) {
                        sendSide.recordValue(clamp(done, sendSide));
                    }
                    markers.countDown();
                });
            }
        }
        markers.await(10, TimeUnit.SECONDS);
    }

    private static long clamp(final long nanos, final Histogram h) {
        return Math.max(0, Math.min(nanos, h.getHighestTrackableValue()));
    }

    private static void tell(final List<Process> children, final String line) throws IOException {
        for (final Process p : children) {
            p.getOutputStream().write((line + "\n").getBytes(StandardCharsets.US_ASCII));
            p.getOutputStream().flush();
        }
    }

    private static List<Thread> threads(final String prefix) {
        final List<Thread> list = new ArrayList<>();
        for (final Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(prefix)) {
                list.add(t);
            }
        }
        return list;
    }

    private static long allocated(final com.sun.management.ThreadMXBean mx, final List<Thread> threads) {
        long sum = 0;
        for (final Thread t : threads) {
            sum += Math.max(0, mx.getThreadAllocatedBytes(t.getId()));
        }
        return sum;
    }

    private static long user(final com.sun.management.ThreadMXBean mx, final List<Thread> threads) {
        long sum = 0;
        for (final Thread t : threads) {
            sum += Math.max(0, mx.getThreadUserTime(t.getId()));
        }
        return sum;
    }

    private static long cpu(final com.sun.management.ThreadMXBean mx, final List<Thread> threads) {
        long sum = 0;
        for (final Thread t : threads) {
            sum += Math.max(0, mx.getThreadCpuTime(t.getId()));
        }
        return sum;
    }

    private static Process fork(final Args a, final int index, final int connections, final int port, final int latencySessions)
        throws IOException {
        final String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        final List<String> cmd = new ArrayList<>();
        final String cpus = a.value("--client-cpus", null);
        if (cpus != null) {
            cmd.addAll(List.of("taskset", "-c", cpus));
        }
        cmd.addAll(List.of(java, "-Xmx768m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
            LoadTest.class.getName(), "--client", "--index", Integer.toString(index), "--connections", Integer.toString(connections),
            "--port", Integer.toString(port), "--latency-sessions", Integer.toString(latencySessions),
            "--client-threads", Integer.toString(a.intValue("--client-threads", 2)), "--leak-detection", leakDetection(a)));
        return start(cmd, "client " + index);
    }

    private static Process start(final List<String> cmd, final String name) throws IOException {
        final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        final Thread pump = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("@")) {
                        EVENTS.add(line);
                    } else if (!line.contains("DEBUG") && !line.contains(" INFO ")) {
                        System.out.println("  " + name + ": " + line);
                    }
                }
            } catch (final IOException e) {
                // the process ended
            }
        }, name + "-output");
        pump.setDaemon(true);
        pump.start();
        return p;
    }

    // ---- several server processes sharing one port (SO_REUSEPORT), several client processes

    /**
     * {@code --server-processes K} (K &gt; 1): forks K gateway processes bound to one port with {@code SO_REUSEPORT}
     * (the kernel spreads the connections over them) and {@code --processes} client processes, each connecting its
     * share from its own source address; waits until every client is done, asks each server for its session count and
     * heap, prints the totals and stops everything. No broadcast in this mode.
     */
    private static void multiProcess(final Args a) throws Exception {
        final int connections = a.intValue("--connections", 50000);
        final int servers = a.intValue("--server-processes", 3);
        final int processes = a.intValue("--processes", 3);
        final long deadline = System.nanoTime() + LIMIT.toNanos();
        final int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            port = probe.getLocalPort();
        }
        final String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        final List<Process> serverProcs = new ArrayList<>();
        final List<Process> clientProcs = new ArrayList<>();
        try {
            for (int i = 0; i < servers; i++) {
                serverProcs.add(start(List.of(java, "-Xmx1g", "-cp", System.getProperty("java.class.path"), LoadTest.class.getName(),
                    "--serve", "--port", Integer.toString(port), "--max-connections", Integer.toString(19_000),
                    "--leak-detection", leakDetection(a)), "server " + i));
            }
            for (int ready = 0; ready < servers; ) {
                final String e = nextEvent(deadline);
                if (e.startsWith("@READY")) {
                    ready++;
                }
            }
            out("coordinator: %d gateway processes share 127.0.0.1:%d (SO_REUSEPORT, epoll); %d client processes open %,d connections",
                servers, port, processes, connections);
            final long t0 = System.nanoTime();
            for (int i = 0; i < processes; i++) {
                final int share = connections / processes + (i < connections % processes ? 1 : 0);
                clientProcs.add(fork(a, i, share, port, 0));
            }
            long connected = 0;
            long failed = 0;
            for (int done = 0; done < processes; ) {
                final String[] e = nextEvent(deadline).split(" ");
                if (e[0].equals("@CONNECTED")) {
                    connected += Long.parseLong(e[1]);
                    failed += Long.parseLong(e[2]);
                    done++;
                }
            }
            final double seconds = (System.nanoTime() - t0) / 1e9;
            out("coordinator: %,d connections (%,d failed) in %.1f s (JVM start of the clients included): %,.0f connections/s",
                connected, failed, seconds, connected / seconds);
            tell(serverProcs, "REPORT");
            long sessions = 0;
            long heap = 0;
            long rss = 0;
            for (int done = 0; done < servers; ) {
                final String[] e = nextEvent(deadline).split(" ");
                if (e[0].equals("@REPORT")) {
                    sessions += Long.parseLong(e[1]);
                    heap += Long.parseLong(e[2]);
                    rss += Long.parseLong(e[3]);
                    done++;
                }
            }
            out("coordinator: %,d sessions open across %d gateway processes; server heap %,.0f B per idle connection, server RSS "
                + "growth %,.0f B per connection (heap and direct memory; kernel socket buffers not included)", sessions, servers,
                (double) heap / Math.max(1, sessions), (double) rss / Math.max(1, sessions));
        } finally {
            tell(clientProcs, "STOP");
            tell(serverProcs, "STOP");
            for (final Process p : clientProcs) {
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroy();
                }
            }
            for (final Process p : serverProcs) {
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroy();
                }
            }
        }
    }

    private static String nextEvent(final long deadline) throws InterruptedException {
        final String e = EVENTS.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (e == null) {
            throw new IllegalStateException("time limit of " + LIMIT + " reached");
        }
        return e;
    }

    /** A forked gateway process of {@link #multiProcess}: binds the shared port, reports on REPORT, ends on STOP. */
    private static void serve(final Args a) throws Exception {
        final int max = a.intValue("--max-connections", 19_000);
        final Gateway gateway = Gateway.builder().tcpPort(a.intValue("--port", 0)).reusePort(true)
            .authenticator(Authenticator.allowAll()).maxConnections(max, max)
            .heartbeat(HEARTBEAT, Duration.ofSeconds(60)).threads(1, 1).build().start();
        try {
            final long heapBefore = usedHeapAfterGc();
            final long rssBefore = rss();
            out("@READY %d", gateway.tcpAddress().getPort());
            final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
            String line;
            while ((line = in.readLine()) != null && !line.equals("STOP")) {
                if (line.equals("REPORT")) {
                    final int sessions = gateway.sessions().sessionCount();
                    final long heap = usedHeapAfterGc() - heapBefore;
                    out("%,d sessions; heap +%,d B (%,.0f B per connection)", sessions, heap, (double) heap / Math.max(1, sessions));
                    out("@REPORT %d %d %d", sessions, heap, rss() - rssBefore);
                }
            }
        } finally {
            gateway.shutdown(Duration.ofSeconds(1));
        }
    }

    /** Resident set size of this process ({@code /proc/self/status}), in bytes. */
    private static long rss() {
        try {
            for (final String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (final IOException | RuntimeException e) {
            // not Linux
        }
        return 0;
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
        // the warm-up's messages are recorded by the same code into a recording that is thrown away
        final Recording warmUp = new Recording();
        final Recording recording = new Recording();
        final Histogram histogram = recording.all;
        final Histogram[] perSecond = recording.perSecond;
        final ClientListener recorder = new ClientListener() {
            @Override
            public void onMessage(final GameClient client, final int typeId, final ByteBuf envelope) {
                if (typeId == BROADCAST) {
                    final long now = System.nanoTime();
                    final int at = envelope.readerIndex();
                    (envelope.getByte(at + 10) != 0 ? recording : warmUp).record(envelope.getLongLE(at + 2), now);
                }
            }
        };
        final EventLoopGroup group = GameClient.newEventLoopGroup(a.intValue("--client-threads", 2));
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
            if (latencySessions > 0) {
                // every connection of this process records: the server picks its recipients among them in its own order
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
        out("@CONNECTED %d %d", clients.size(), failed.get());
        // MARK (the broadcast phase starts), then STOP from the server process (or the time limit, or the parent gone)
        final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        final CpuTimes[] phase = new CpuTimes[2];
        final long[] phaseNanos = new long[2];
        final Thread stop = new Thread(() -> {
            try {
                String line;
                while ((line = in.readLine()) != null && !line.equals("STOP")) {
                    if (line.equals("MARK")) {
                        phase[0] = CpuTimes.now();
                        phaseNanos[0] = System.nanoTime();
                    }
                }
                phase[1] = CpuTimes.now();
                phaseNanos[1] = System.nanoTime();
            } catch (final IOException e) {
                // parent gone: stop too
            }
        });
        stop.setDaemon(true);
        stop.start();
        stop.join(LIMIT.toMillis());
        if (phase[0] != null && phase[1] != null) {
            final double wall = (phaseNanos[1] - phaseNanos[0]) / 1e9;
            out("CPU during the broadcast phase: %.2f CPU-s/s (user %.2f, sys %.2f)", phase[1].processSeconds(phase[0]) / wall,
                (phase[1].user - phase[0].user) / CpuTimes.HZ / wall, (phase[1].sys - phase[0].sys) / CpuTimes.HZ / wall);
        }
        if (latencySessions > 0) {
            synchronized (recording) {
                out("end-to-end latency (intended send time -> received) over %,d messages to %d sessions: p50 %.3f ms, "
                    + "p99 %.3f ms, p99.9 %.3f ms, max %.3f ms", histogram.getTotalCount(), latencySessions,
                    ms(histogram.getValueAtPercentile(50)), ms(histogram.getValueAtPercentile(99)),
                    ms(histogram.getValueAtPercentile(99.9)), ms(histogram.getMaxValue()));
                final StringBuilder line = new StringBuilder("end-to-end p99 per second of the phase (ms):");
                for (final Histogram h : perSecond) {
                    if (h != null) {
                        line.append(String.format(" %.1f", ms(h.getValueAtPercentile(99))));
                    }
                }
                out("%s", line);
            }
        }
        for (final GameClient c : clients) {
            c.abort();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }

    /** What a client process records of the broadcast: all latencies, and the p99 of each second of the phase. */
    private static final class Recording {
        final Histogram all = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        /** By the message's intended send time: a rising line is a queue building up. */
        final Histogram[] perSecond = new Histogram[PER_SECOND_SLOTS];
        private long firstStamp = Long.MIN_VALUE;

        /** A message stamped with its intended send time {@code stamp} arrived at {@code now}; any I/O thread. */
        synchronized void record(final long stamp, final long now) {
            final long latency = Math.max(0, Math.min(now - stamp, all.getHighestTrackableValue()));
            all.recordValue(latency);
            if (firstStamp == Long.MIN_VALUE) {
                firstStamp = stamp;
            }
            final int slot = (int) Math.min(PER_SECOND_SLOTS - 1, Math.max(0, (stamp - firstStamp) / 1_000_000_000L));
            if (perSecond[slot] == null) {
                perSecond[slot] = new Histogram(TimeUnit.SECONDS.toNanos(10), 2);
            }
            perSecond[slot].recordValue(latency);
        }
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

        String value(final String name, final String dflt) {
            for (int i = 0; i < args.length - 1; i++) {
                if (args[i].equals(name)) {
                    return args[i + 1];
                }
            }
            return dflt;
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

    /** CPU time of this process ({@code /proc/self/stat}) and of the machine ({@code /proc/stat}), in clock ticks. */
    private static final class CpuTimes {
        static final double HZ = 100.0; // USER_HZ on Linux
        final long user;
        final long sys;
        final long machineBusy;
        final long machineTotal;

        private CpuTimes(final long user, final long sys, final long machineBusy, final long machineTotal) {
            this.user = user;
            this.sys = sys;
            this.machineBusy = machineBusy;
            this.machineTotal = machineTotal;
        }

        static CpuTimes now() {
            try {
                final String self = Files.readString(Path.of("/proc/self/stat"));
                final String[] f = self.substring(self.lastIndexOf(')') + 2).split(" ");
                // after "(comm) ": state is field 3, utime field 14, stime field 15
                final long user = Long.parseLong(f[11]);
                final long sys = Long.parseLong(f[12]);
                final String[] c = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
                long total = 0;
                for (int i = 1; i < c.length && i <= 8; i++) {
                    total += Long.parseLong(c[i]);
                }
                final long idle = Long.parseLong(c[4]) + Long.parseLong(c[5]);
                return new CpuTimes(user, sys, total - idle, total);
            } catch (final IOException | RuntimeException e) {
                return new CpuTimes(0, 0, 0, 1);
            }
        }

        double processSeconds(final CpuTimes before) {
            return (user - before.user + sys - before.sys) / HZ;
        }

        /** Busy cores on average since {@code before}, over all processes of the machine. */
        double machineBusy(final CpuTimes before) {
            final long total = machineTotal - before.machineTotal;
            return total <= 0 ? 0 : (double) (machineBusy - before.machineBusy) / total * Runtime.getRuntime().availableProcessors();
        }
    }
}

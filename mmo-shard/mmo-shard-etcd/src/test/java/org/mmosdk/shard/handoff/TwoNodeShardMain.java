package org.mmosdk.shard.handoff;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;
import org.agrona.collections.LongHashSet;
import org.mmosdk.ecs.World;
import org.mmosdk.shard.etcd.EtcdMembership;
import org.mmosdk.shard.link.NodeLinks;
import org.mmosdk.shard.membership.Lease;
import org.mmosdk.shard.membership.LeaseKeeper;
import org.mmosdk.shard.membership.Member;
import org.mmosdk.shard.membership.MembershipEvent;
import org.mmosdk.shard.partition.MembershipRouting;
import org.mmosdk.shard.partition.PartitionMap;
import org.mmosdk.shard.partition.RouteCache;

/**
 * Two node processes on loopback, coordinated by a real etcd: measures entity handoff latency between them and the
 * pause of live zone migrations, then checks that every entity exists exactly once across both processes.
 *
 * <pre>
 * mvn -o -q test-compile -pl mmo-shard,mmo-shard/mmo-shard-etcd
 * mvn -o -q dependency:build-classpath -pl mmo-shard/mmo-shard-etcd -Dmdep.includeScope=test -Dmdep.outputFile=/tmp/cp.txt
 * CP=mmo-shard/target/classes:mmo-shard/target/test-classes:mmo-shard/mmo-shard-etcd/target/classes
 * CP=$CP:mmo-shard/mmo-shard-etcd/target/test-classes:$(tr ':' '\n' &lt; /tmp/cp.txt | grep -v mmo-shard-0 | paste -sd:)
 * java -cp $CP \
 *   org.mmosdk.shard.handoff.TwoNodeShardMain [wanderSeconds=20] [migrations=6]
 * </pre>
 *
 * It lives in this module's tests because two processes need a shared coordinator for the ownership CAS (etcd, from
 * PATH) and reuses mmo-shard's test zone ({@code WanderZone}, same package, from mmo-shard's test jar).
 *
 * The parent process starts etcd (from PATH, free ports, a temporary data dir) and a child JVM; the parent is node 1
 * (zones 0 and 2), the child node 2 (zones 1 and 3); 1,000 entities wander at 20 Hz over the four zones of
 * {@link WanderZone#LAYOUT} (x crossings go between the processes). Handoff latency: freeze at the source → inserted
 * at the target (one-way, both processes read the same monotonic clock) and freeze → released at the source (the
 * whole handoff, acknowledgement included). Migration: zone 0 moves to node 2 and back, {@code migrations} times,
 * while everything keeps wandering; pause = source pauses → target's first tick.
 */
public final class TwoNodeShardMain {
    private static final int ENTITIES = 1000;
    private static final int HZ = 20;

    private final int nodeId;
    private final PrintStream out;
    private final EtcdMembership membership;
    private final Lease lease;
    private final LeaseKeeper keeper;
    private final RouteCache routes = RouteCache.builder(PartitionMap.of(WanderZone.LAYOUT)).build();
    private final HandoffService handoffs;
    private final ZoneMigration migration;
    private final NodeLinks links;
    private final MembershipRouting routing;
    private final Map<Integer, WanderZone> zones = new ConcurrentHashMap<>();
    private final Histogram arrival = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
    private final Histogram completion = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
    private final List<String> pauses = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        final Thread t = new Thread(r, "bounce");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean bounce;

    private TwoNodeShardMain(final int nodeId, final String etcd, final PrintStream out) throws IOException {
        this.nodeId = nodeId;
        this.out = out;
        this.membership = EtcdMembership.builder().endpoints(etcd).cluster("two-node-main").build();
        this.handoffs = HandoffService.builder(nodeId, routes::routeZone).build();
        final int port = freePort();
        this.lease = membership.join(nodeId, "127.0.0.1:" + port, Duration.ofSeconds(10));
        this.keeper = LeaseKeeper.start(membership, lease, () -> out.println("LOST LEASE"));
        this.migration = ZoneMigration.create(handoffs, membership, lease, new Host(), Duration.ofSeconds(3));
        this.links = migration.install(handoffs.install(NodeLinks.builder(nodeId).port(port)
            .retransmitAfter(Duration.ofMillis(200)))).build().start();
        handoffs.bind(links);
        migration.bind(links);
        this.routing = MembershipRouting.start(membership, routes);
    }

    private final class Host implements ZoneHost {
        @Override
        public World newWorld(final int zone) {
            return WanderZone.newWorld();
        }

        @Override
        public void start(final int zone, final World world, final long fencingToken, final long pausedNanos) {
            final WanderZone z = WanderZone.arrived(zone, world, nodeId * 100L + zone, HZ, 30);
            z.ghostMargin = 5;
            run(z);
            scheduler.execute(() -> {
                while (z.firstTickNanos == 0) {
                    Thread.onSpinWait();
                }
                pauses.add(String.format("%.1f", (z.firstTickNanos - pausedNanos) / 1e6));
            });
            if (bounce) {
                scheduler.schedule(() -> migration.migrate(zone, 1).thenAccept(r -> out.println("MOVED " + r)), 1,
                    TimeUnit.SECONDS);
            }
        }
    }

    private void run(final WanderZone z) {
        z.host(handoffs, new HandoffListener() {
            @Override
            public void onArrived(final long entity, final long gid, final int fromZone, final long frozenNanos) {
                if (routes.routeZone(fromZone) != nodeId) {
                    arrival.recordValue(Math.max(0, System.nanoTime() - frozenNanos));
                }
            }

            @Override
            public void onReleased(final long gid, final int toZone, final long frozenNanos) {
                if (routes.routeZone(toZone) != nodeId) {
                    completion.recordValue(Math.max(0, System.nanoTime() - frozenNanos));
                }
            }
        });
        z.attach(migration);
        zones.put(z.zone, z);
        z.start();
    }

    private void startZones() throws Exception {
        final int peer = nodeId == 1 ? 2 : 1;
        membership.watch(e -> {
            if (e instanceof MembershipEvent.Joined j) {
                addPeer(j.member());
            }
        });
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (membership.members().stream().noneMatch(mm -> mm.nodeId() == peer)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("node " + peer + " did not join");
            }
            Thread.sleep(20);
        }
        membership.members().forEach(this::addPeer);
        for (int zone = nodeId - 1; zone < 4; zone += 2) {
            if (migration.acquire(zone).isEmpty()) {
                throw new IllegalStateException("zone " + zone + " is owned already");
            }
            final WanderZone z = new WanderZone(zone, 42 + zone, HZ, 30);
            z.ghostMargin = 5;
            run0(z);
            z.spawn(1 + zone * (ENTITIES / 4), ENTITIES / 4);
        }
        while (membership.zoneOwners().size() < 4 || routes.routeZone(peer - 1) != peer) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("zones of node " + peer + " not owned in time");
            }
            Thread.sleep(20);
        }
        for (final WanderZone z : zones.values()) {
            z.start();
        }
    }

    /** Hosts an initial zone (started once every zone has an owner). */
    private void run0(final WanderZone z) {
        z.host(handoffs, new HandoffListener() {
            @Override
            public void onArrived(final long entity, final long gid, final int fromZone, final long frozenNanos) {
                if (routes.routeZone(fromZone) != nodeId) {
                    arrival.recordValue(Math.max(0, System.nanoTime() - frozenNanos));
                }
            }

            @Override
            public void onReleased(final long gid, final int toZone, final long frozenNanos) {
                if (routes.routeZone(toZone) != nodeId) {
                    completion.recordValue(Math.max(0, System.nanoTime() - frozenNanos));
                }
            }
        });
        z.attach(migration);
        zones.put(z.zone, z);
    }

    private void addPeer(final Member m) {
        if (m.nodeId() != nodeId && m.address().contains(":")) {
            final int colon = m.address().lastIndexOf(':');
            links.addPeer(m.nodeId(), new InetSocketAddress(m.address().substring(0, colon),
                Integer.parseInt(m.address().substring(colon + 1))));
        }
    }

    /** Stops wandering and waits until nothing is pending here for a second. */
    private void settle() throws Exception {
        for (final WanderZone z : zones.values()) {
            z.wander = false;
        }
        int quiet = 0;
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (quiet < 20 && System.nanoTime() < deadline) {
            int pending = links.inFlight(nodeId == 1 ? 2 : 1);
            for (final WanderZone z : zones.values()) {
                if (!z.gone) {
                    pending += z.await(x -> x.handoff.pendingHandoffs());
                }
            }
            quiet = pending == 0 ? quiet + 1 : 0;
            Thread.sleep(50);
        }
    }

    private long[] gids() throws Exception {
        final List<Long> all = new ArrayList<>();
        for (final WanderZone z : zones.values()) {
            if (!z.gone) {
                for (final long g : z.await(WanderZone::gids)) {
                    all.add(g);
                }
            }
        }
        return all.stream().mapToLong(Long::longValue).toArray();
    }

    private String latency(final String name, final Histogram h) {
        return String.format("%s: n=%d p50=%.1f ms p99=%.1f ms max=%.1f ms (p99 = %.2f ticks at %d Hz)", name,
            h.getTotalCount(), h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(99) / 1e6, h.getMaxValue() / 1e6,
            h.getValueAtPercentile(99) / (1e9 / HZ), HZ);
    }

    private void close() throws Exception {
        for (final WanderZone z : zones.values()) {
            z.stop();
        }
        scheduler.shutdownNow();
        routing.close();
        keeper.close();
        migration.close();
        links.close();
        membership.leave(lease);
        membership.close();
    }

    // ---------------------------------------------------------------- processes

    public static void main(final String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("child")) {
            child(args[1]);
            return;
        }
        final int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        final int migrations = args.length > 1 ? Integer.parseInt(args[1]) : 6;
        final Path dir = Files.createTempDirectory("two-node-etcd");
        final int client = freePort();
        final int peerPort = freePort();
        final Process etcd = new ProcessBuilder("etcd", "--name", "t1", "--data-dir", dir.resolve("data").toString(),
            "--listen-client-urls", "http://127.0.0.1:" + client, "--advertise-client-urls", "http://127.0.0.1:" + client,
            "--listen-peer-urls", "http://127.0.0.1:" + peerPort, "--initial-advertise-peer-urls", "http://127.0.0.1:" + peerPort,
            "--initial-cluster", "t1=http://127.0.0.1:" + peerPort)
            .redirectErrorStream(true).redirectOutput(dir.resolve("etcd.log").toFile()).start();
        final String url = "http://127.0.0.1:" + client;
        Process child = null;
        TwoNodeShardMain node = null;
        try {
            awaitEtcd(client);
            child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), TwoNodeShardMain.class.getName(), "child", url)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            final BufferedReader childOut = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            final PrintStream toChild = new PrintStream(child.getOutputStream(), true, StandardCharsets.UTF_8);
            node = new TwoNodeShardMain(1, url, System.out);
            node.startZones();
            System.out.printf("node 1 and node 2 (pid %d) linked over loopback, etcd at %s; wandering %d s at %d Hz%n",
                child.pid(), url, seconds, HZ);
            toChild.println("BOUNCE");
            Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
            final List<MigrationResult> results = new ArrayList<>();
            for (int i = 0; i < migrations; i++) {
                final MigrationResult r = node.migration.migrate(0, 2).get(30, TimeUnit.SECONDS);
                results.add(r);
                final long back = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (node.handoffs.zone(0) == null && System.nanoTime() < back) {
                    Thread.sleep(10);
                }
                Thread.sleep(500);
            }
            toChild.println("SETTLE");
            node.settle();
            expect(childOut, "SETTLED");
            final long[] mine = node.gids();
            toChild.println("REPORT");
            final List<String> report = new ArrayList<>();
            String line;
            while ((line = childOut.readLine()) != null && !line.equals("DONE")) {
                report.add(line);
            }
            final long[] theirs = report.stream().filter(s -> s.startsWith("GIDS ")).findFirst()
                .map(s -> s.length() == 5 ? new long[0] : Arrays.stream(s.substring(5).split(",")).mapToLong(Long::parseLong).toArray())
                .orElseThrow();
            final LongHashSet seen = new LongHashSet();
            int duplicates = 0;
            for (final long g : mine) {
                duplicates += seen.add(g) ? 0 : 1;
            }
            for (final long g : theirs) {
                duplicates += seen.add(g) ? 0 : 1;
            }
            int missing = 0;
            for (long g = 1; g <= ENTITIES; g++) {
                missing += seen.contains(g) ? 0 : 1;
            }
            System.out.println("---- node 1 (parent)");
            System.out.println(node.latency("handoff arrival node 2 -> node 1 (freeze -> inserted)", node.arrival));
            System.out.println(node.latency("handoff complete node 1 -> node 2 (freeze -> released after ack)", node.completion));
            System.out.println("migration pauses at node 1 as target (source pause -> first tick here), ms: " + node.pauses);
            System.out.println("---- node 2 (child)");
            report.stream().filter(s -> !s.startsWith("GIDS ")).forEach(System.out::println);
            System.out.println("---- migrations of zone 0 started by node 1 (source side: pause -> answer processed)");
            for (final MigrationResult r : results) {
                System.out.printf("  moved=%s to node %d, %d entities, revision %d, pause %.1f ms %s%n", r.moved(), r.toNode(),
                    r.entities(), r.revision(), r.pauseNanos() / 1e6, r.reason());
            }
            System.out.printf("---- entities: %d on node 1 + %d on node 2 = %d, distinct %d, duplicated %d, missing %d%n",
                mine.length, theirs.length, mine.length + theirs.length, seen.size(), duplicates, missing);
            System.out.println(duplicates == 0 && missing == 0 && mine.length + theirs.length == ENTITIES ? "RESULT OK" : "RESULT FAILED");
            toChild.println("EXIT");
        } finally {
            if (node != null) {
                node.close();
            }
            if (child != null) {
                child.waitFor(10, TimeUnit.SECONDS);
                child.destroyForcibly();
            }
            etcd.destroy();
            etcd.waitFor(10, TimeUnit.SECONDS);
            try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private static void child(final String url) throws Exception {
        final PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err); // keep stdout for the protocol
        final TwoNodeShardMain node = new TwoNodeShardMain(2, url, out);
        try {
            node.startZones();
            final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                switch (line) {
                    case "BOUNCE" -> node.bounce = true;
                    case "SETTLE" -> {
                        node.bounce = false;
                        node.settle();
                        out.println("SETTLED");
                    }
                    case "REPORT" -> {
                        out.println(node.latency("handoff arrival node 1 -> node 2 (freeze -> inserted)", node.arrival));
                        out.println(node.latency("handoff complete node 2 -> node 1 (freeze -> released after ack)", node.completion));
                        out.println("migration pauses at node 2 as target (source pause -> first tick here), ms: " + node.pauses);
                        final StringBuilder g = new StringBuilder("GIDS ");
                        final long[] gids = node.gids();
                        for (int i = 0; i < gids.length; i++) {
                            g.append(i == 0 ? "" : ",").append(gids[i]);
                        }
                        out.println(g);
                        out.println("DONE");
                    }
                    case "EXIT" -> {
                        return;
                    }
                    default -> {
                    }
                }
            }
        } finally {
            node.close();
        }
    }

    private static void expect(final BufferedReader in, final String what) throws IOException {
        String line;
        while ((line = in.readLine()) != null) {
            if (line.equals(what)) {
                return;
            }
        }
        throw new IOException("child ended before " + what);
    }

    private static void awaitEtcd(final int port) throws Exception {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                Thread.sleep(s.isConnected() ? 300 : 0);
                return;
            } catch (final IOException e) {
                Thread.sleep(100);
            }
        }
        throw new IOException("etcd did not start");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}

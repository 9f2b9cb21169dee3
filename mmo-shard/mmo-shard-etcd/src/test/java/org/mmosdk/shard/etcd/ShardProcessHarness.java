package org.mmosdk.shard.etcd;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.agrona.collections.LongHashSet;
import org.junit.jupiter.api.Assumptions;
import org.mmosdk.shard.handoff.HandoffService;
import org.mmosdk.shard.link.NodeLinks;
import org.mmosdk.shard.membership.Member;
import org.mmosdk.shard.membership.MembershipEvent;
import org.mmosdk.shard.partition.MembershipRouting;
import org.mmosdk.shard.partition.PartitionMap;
import org.mmosdk.shard.partition.RouteCache;

/**
 * Shared parts of the process failure tests: a real etcd, node processes, and a gateway in the test JVM that routes
 * every zone's player input to the zone's owner (routes from etcd watches, inputs over node links) at 20 Hz.
 */
final class ShardProcessHarness implements AutoCloseable {
    static final int GATEWAY_NODE = 50;

    final EtcdProcess etcd;
    final String cluster;
    final Path checkpoints;
    final Path logs;
    final List<NodeChild> nodes = new ArrayList<>();
    private EtcdMembership gatewayMembership;
    private NodeLinks gatewayLinks;
    private MembershipRouting gatewayRouting;
    private ScheduledExecutorService inputs;
    final AtomicLong inputsSent = new AtomicLong();
    final AtomicLong inputsRefused = new AtomicLong();

    private ShardProcessHarness(final EtcdProcess etcd, final String cluster, final Path dir) throws IOException {
        this.etcd = etcd;
        this.cluster = cluster;
        this.checkpoints = java.nio.file.Files.createDirectories(dir.resolve("checkpoints"));
        this.logs = java.nio.file.Files.createDirectories(dir.resolve("logs"));
    }

    /** Starts etcd, or skips the test loudly if it is not on PATH (fails under CI=true). */
    static ShardProcessHarness start(final String cluster, final Path dir) throws Exception {
        final Optional<Path> binary = EtcdProcess.findBinary();
        if (binary.isEmpty()) {
            final String message = "etcd NOT FOUND on PATH: the process failure tests did NOT run. "
                + "Install it with: apt-get install -y etcd-server etcd-client";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new IllegalStateException(message + " (CI=true, so this is a failure)");
            }
            System.err.println("\n********************************************************************\n"
                + message + "\n********************************************************************\n");
            Assumptions.abort(message);
        }
        return new ShardProcessHarness(EtcdProcess.start(binary.get()), cluster, dir);
    }

    NodeChild startNode(final int nodeId) throws IOException {
        final NodeChild n = NodeChild.start(nodeId, etcd.clientUrl(), cluster, checkpoints, logs);
        nodes.add(n);
        return n;
    }

    /** The gateway: follows ownership in etcd and sends each zone's player an input every 50 ms. */
    void startGateway() throws IOException {
        gatewayMembership = EtcdMembership.builder().endpoints(etcd.clientUrl()).cluster(cluster)
            .operationTimeout(Duration.ofSeconds(1)).build();
        final RouteCache routes = RouteCache.builder(PartitionMap.of(ShardNodeProcess.LAYOUT)).build();
        final HandoffService gateway = HandoffService.builder(GATEWAY_NODE, routes::routeZone).build();
        gatewayLinks = gateway.install(NodeLinks.builder(GATEWAY_NODE).host("127.0.0.1")
            .port(ShardNodeProcess.freePort()).retransmitAfter(Duration.ofMillis(200))).build().start();
        gateway.bind(gatewayLinks);
        gatewayMembership.watch(e -> {
            if (e instanceof MembershipEvent.Joined j) {
                addPeer(j.member());
            }
        });
        gatewayMembership.members().forEach(this::addPeer);
        gatewayRouting = MembershipRouting.start(gatewayMembership, routes);
        inputs = Executors.newSingleThreadScheduledExecutor(r -> {
            final Thread t = new Thread(r, "gateway-inputs");
            t.setDaemon(true);
            return t;
        });
        final ByteBuffer input = ByteBuffer.wrap(new byte[] {1, 2, 3, 4});
        inputs.scheduleAtFixedRate(() -> {
            for (int zone = 0; zone < ShardNodeProcess.ZONES; zone++) {
                if (gateway.sendInput(zone, zone * 1000L + 1, input)) {
                    inputsSent.incrementAndGet();
                } else {
                    inputsRefused.incrementAndGet();
                }
            }
        }, 50, 50, TimeUnit.MILLISECONDS);
    }

    private void addPeer(final Member m) {
        final int colon = m.address().lastIndexOf(':');
        gatewayLinks.addPeer(m.nodeId(), new InetSocketAddress(m.address().substring(0, colon),
            Integer.parseInt(m.address().substring(colon + 1))));
    }

    /** Every entity of every zone exactly once, counted over the live nodes' reports; returns a summary line. */
    static String checkEntities(final Map<Integer, List<String>> reports) {
        final LongHashSet seen = new LongHashSet();
        final Map<Integer, Integer> zoneSeen = new HashMap<>();
        int duplicates = 0;
        int total = 0;
        for (final Map.Entry<Integer, List<String>> e : reports.entrySet()) {
            for (final String line : e.getValue()) {
                final String[] w = line.split(" ");
                zoneSeen.merge(Integer.parseInt(w[1]), 1, Integer::sum);
                if (w.length > 4 && !w[4].isEmpty()) {
                    for (final String g : w[4].split(",")) {
                        total++;
                        duplicates += seen.add(Long.parseLong(g)) ? 0 : 1;
                    }
                }
            }
        }
        int missing = 0;
        for (int zone = 0; zone < ShardNodeProcess.ZONES; zone++) {
            for (int i = 1; i <= ShardNodeProcess.PER_ZONE; i++) {
                missing += seen.contains(zone * 1000L + i) ? 0 : 1;
            }
        }
        final String summary = String.format("entities: %d reported, %d distinct, %d duplicated, %d missing; zones hosted %s",
            total, seen.size(), duplicates, missing, zoneSeen);
        if (duplicates != 0 || missing != 0 || total != ShardNodeProcess.ZONES * ShardNodeProcess.PER_ZONE) {
            throw new AssertionError(summary);
        }
        for (int zone = 0; zone < ShardNodeProcess.ZONES; zone++) {
            if (zoneSeen.getOrDefault(zone, 0) != 1) {
                throw new AssertionError("zone " + zone + " hosted " + zoneSeen.getOrDefault(zone, 0) + " times; " + summary);
            }
        }
        return summary;
    }

    @Override
    public void close() throws IOException {
        if (inputs != null) {
            inputs.shutdownNow();
        }
        for (final NodeChild n : nodes) {
            n.close();
        }
        if (gatewayRouting != null) {
            gatewayRouting.close();
        }
        if (gatewayLinks != null) {
            gatewayLinks.close();
        }
        if (gatewayMembership != null) {
            gatewayMembership.close();
        }
        etcd.close();
    }
}

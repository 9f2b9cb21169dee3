package org.mmosdk.shard.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * etcd killed (SIGKILL) and restarted mid-run under two {@link ShardNodeProcess} JVMs: the nodes keep simulating and
 * checkpointing, notice the outage (lease not renewable for its TTL), refuse a zone migration cleanly (the zone resumes
 * at its source), and after etcd is back on the same ports and data recover without any manual step: leases renewed
 * again, watches resumed (a later ownership change reaches the routes of both nodes) and a migration succeeds. The
 * harness's bots play throughout: at the end each hears from its zone's owner on the connection it opened first.
 */
@Tag("slow")
@Timeout(180)
class EtcdOutageTest {
    private static final Duration START = Duration.ofSeconds(40);

    @TempDir
    Path dir;

    @Test
    void nodesKeepSimulatingThroughAnEtcdOutageAndRecoverOnTheirOwn() throws Exception {
        try (ShardProcessHarness h = ShardProcessHarness.start("outage-" + ProcessHandle.current().pid(), dir)) {
            final NodeChild one = h.startNode(1);
            final NodeChild two = h.startNode(2);
            one.await(0, s -> s.startsWith("READY "), START, "READY");
            two.await(0, s -> s.startsWith("READY "), START, "READY");
            for (int zone = 0; zone < ShardNodeProcess.ZONES; zone++) {
                final NodeChild n = zone < 3 ? one : two;
                assertThat(n.request("CLAIM " + zone, "CLAIMED " + zone + ' ', START)).endsWith("true");
            }
            h.startGateway();
            final String leaseBefore = one.request("STATUS", "STATUS ", START).split(" ")[3];
            Thread.sleep(1_000);

            final long killed = System.nanoTime();
            h.etcd.kill();
            final double noticed1 = awaitStatus(one, "false", killed);
            final double noticed2 = awaitStatus(two, "false", killed);
            assertTicking(one, 0, 1, 2);
            assertTicking(two, 3, 4, 5);
            final String refused = one.request("MIGRATE 0 2", "MIGRATED 0 ", Duration.ofSeconds(60));
            assertThat(refused).as("no ownership change while etcd is down").startsWith("MIGRATED 0 false")
                .contains("membership_unavailable");
            assertTicking(one, 0); // resumed at the source
            final long outageMillis = (System.nanoTime() - killed) / 1_000_000;

            final long restarting = System.nanoTime();
            h.etcd.restart();
            final long restarted = System.nanoTime();
            final double back1 = awaitStatus(one, "true", restarted);
            final double back2 = awaitStatus(two, "true", restarted);
            final String[] status = one.request("STATUS", "STATUS ", START).split(" ");
            final String moved = one.request("MIGRATE 0 2", "MIGRATED 0 ", Duration.ofSeconds(60));
            assertThat(moved).as("a migration after etcd is back").startsWith("MIGRATED 0 true");
            two.await(0, s -> s.startsWith("UP 0 "), START, "zone 0 up on node 2");
            assertTicking(two, 0);
            awaitRoute(one, 0, 2);
            awaitRoute(two, 0, 2);

            final Map<Integer, List<String>> reports = new LinkedHashMap<>();
            reports.put(1, one.report(START));
            reports.put(2, two.report(START));
            final String entities = ShardProcessHarness.checkEntities(reports);
            final long end = System.nanoTime();
            for (final ShardProcessHarness.Bot bot : h.bots) {
                final int owner = bot.zone < 3 && bot.zone != 0 ? 1 : 2;
                bot.awaitInPlay(end, n -> n == owner, START);
            }
            final String bots = h.checkBotsConnected();
            System.out.println("---- etcd outage (lease TTL " + ShardNodeProcess.TTL.toSeconds() + " s, etcd killed for "
                + outageMillis + " ms, restart took " + (restarted - restarting) / 1_000_000 + " ms)");
            System.out.printf("outage noticed (lease not renewable) after %.0f / %.0f ms on nodes 1 / 2%n", noticed1, noticed2);
            System.out.println("migration while etcd was down: " + refused);
            System.out.printf("connected again %.0f / %.0f ms after etcd was healthy; node 1 lease %s -> %s, rejoins %s%n",
                back1, back2, leaseBefore, status[3], status[4]);
            System.out.println("migration after recovery: " + moved);
            System.out.println(entities);
            System.out.println(bots);
        }
    }

    /** Polls STATUS until connected is {@code value}; returns ms since {@code since}. */
    private static double awaitStatus(final NodeChild n, final String value, final long since) throws InterruptedException {
        final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (n.request("STATUS", "STATUS ", START).split(" ")[1].equals(value)) {
                return (System.nanoTime() - since) / 1e6;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("node " + n.nodeId + " not connected=" + value + " within 30 s");
    }

    private static void assertTicking(final NodeChild n, final int... zones) throws InterruptedException {
        final int from = n.mark();
        for (final int zone : zones) {
            n.await(from, s -> s.startsWith("TICK " + zone + ' '), Duration.ofSeconds(5), "zone " + zone + " ticking");
        }
    }

    private static void awaitRoute(final NodeChild n, final int zone, final int node) throws InterruptedException {
        final long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < deadline) {
            if (n.request("ROUTE " + zone, "ROUTE " + zone + ' ', START).equals("ROUTE " + zone + ' ' + node)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("node " + n.nodeId + ": route of zone " + zone + " not node " + node
            + " within 15 s: its watch did not resume");
    }
}

package org.mmosdk.shard.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Node crash with real processes: three {@link ShardNodeProcess} JVMs on one etcd, zones checkpointed every 500 ms into
 * a shared directory, and in this JVM a real mmo-net gateway (TCP on loopback) with 18 bots, three players per zone,
 * each sending an input at 20 Hz that the gateway routes to its zone's owner over node links and the zone answers
 * through the session relay. A node holding zones is killed with SIGKILL; its lease expires (TTL 2 s), survivors take
 * its zones by compare-and-set, restore them from the last checkpoint, the players' inputs reach them again and every
 * bot of those zones gets answers from the new owner without reconnecting. Then a fresh node joins and the next owner is killed: three
 * kills in one run. Last, an owner is paused (SIGSTOP) until its zones run elsewhere, then resumed: it must stop them
 * (its late checkpoint is refused for its stale token, or its rejoin finds the records moved). Checked: every zone of the dead node restored from a checkpoint (not fresh) with all its entities,
 * no older than the checkpoint window; the dead owner's token refused by the store and by etcd; at the end every entity
 * of every zone exists exactly once over the live nodes; every bot in play with its zone's final owner and still on its
 * first connection. Reported: kill → zone running again, kill → first player input applied, kill → each bot's first
 * answer from the new owner ("back in play", against the TTL + 2 s), p50 and max.
 */
@Tag("slow")
@Timeout(180)
class ShardNodeCrashTest {
    private static final Duration START = Duration.ofSeconds(40);
    /** Generous liveness bound: lease TTL + 10 s (the target, TTL + 2 s, is reported, not asserted). */
    private static final Duration RECOVERY_BOUND = ShardNodeProcess.TTL.plusSeconds(10);
    private static final int KILLS = 3;
    /**
     * Bound on the ticks a restored zone may lack against the last tick its dead owner printed: the documented window is
     * one checkpoint interval (10 ticks) plus the time the last snapshot took to reach the store; allowed here are four
     * intervals (a loaded machine delays the checkpoint thread) plus the granularity of the TICK lines (10 ticks).
     */
    private static final long WINDOW_TICKS = 4 * ShardNodeProcess.CHECKPOINT_EVERY.toMillis() * ShardNodeProcess.HZ / 1000 + 10;

    @TempDir
    Path dir;

    @Test
    void aKilledNodesZonesAreRestoredOnTheSurvivorsAndPlayersAreBackInPlay() throws Exception {
        try (ShardProcessHarness h = ShardProcessHarness.start("crash-" + ProcessHandle.current().pid(), dir)) {
            final Map<Integer, NodeChild> live = new TreeMap<>();
            for (int id = 1; id <= 3; id++) {
                live.put(id, h.startNode(id));
            }
            for (final NodeChild n : live.values()) {
                n.await(0, s -> s.startsWith("READY "), START, "READY");
            }
            final Map<Integer, Integer> owner = new TreeMap<>();
            final Map<Integer, Long> token = new TreeMap<>();
            for (int zone = 0; zone < ShardNodeProcess.ZONES; zone++) {
                final NodeChild n = live.get(1 + zone % 3);
                assertThat(n.request("CLAIM " + zone, "CLAIMED " + zone + ' ', START)).endsWith("true");
                final String up = n.await(0, startsWith("UP " + zone + ' '), START, "zone " + zone + " up");
                owner.put(zone, n.nodeId);
                token.put(zone, Long.parseLong(up.split(" ")[2]));
            }
            h.startGateway();
            for (final NodeChild n : live.values()) {
                final int first = n.mark();
                for (final int zone : zonesOf(owner, n.nodeId)) {
                    n.await(first, startsWith("TICK " + zone + ' '), START, "zone " + zone + " ticking");
                }
            }
            Thread.sleep(1_500); // a few checkpoints and inputs
            final List<Double> upMillis = new ArrayList<>();
            final List<Double> backMillis = new ArrayList<>();
            final List<Double> ticksLost = new ArrayList<>();
            final List<Double> botMillis = new ArrayList<>();
            final List<String> rows = new ArrayList<>();
            int nextId = 4;
            for (int kill = 0; kill < KILLS; kill++) {
                final NodeChild victim = live.values().stream().filter(n -> !zonesOf(owner, n.nodeId).isEmpty())
                    .findFirst().orElseThrow();
                final List<Integer> lost = zonesOf(owner, victim.nodeId);
                final Map<Integer, Long> lastTick = lastTicks(victim, lost);
                live.remove(victim.nodeId);
                final Map<Integer, Integer> marks = new TreeMap<>();
                live.forEach((id, n) -> marks.put(id, n.mark()));
                final long killed = System.nanoTime();
                victim.kill();
                for (final int zone : lost) {
                    final String[] up = awaitAny(live, marks, "UP " + zone + ' ', RECOVERY_BOUND);
                    final NodeChild taker = live.get(Integer.parseInt(up[0]));
                    final String[] w = up[1].split(" ");
                    final long newToken = Long.parseLong(w[2]);
                    final long restoredTick = Long.parseLong(w[3]);
                    assertThat(restoredTick).as("zone %d restored from a checkpoint, not started fresh", zone)
                        .isGreaterThanOrEqualTo(0);
                    assertThat(Integer.parseInt(w[4])).as("entities of zone %d restored", zone)
                        .isEqualTo(ShardNodeProcess.PER_ZONE);
                    assertThat(restoredTick).as("zone %d lost no more than the checkpoint window", zone)
                        .isGreaterThanOrEqualTo(lastTick.getOrDefault(zone, 0L) - WINDOW_TICKS);
                    assertThat(newToken).isGreaterThan(token.get(zone));
                    final String back = taker.await(marks.get(taker.nodeId), startsWith("BACK " + zone + ' '),
                        RECOVERY_BOUND, "player input applied in restored zone " + zone);
                    final double upMs = (Long.parseLong(w[5]) - killed) / 1e6;
                    final double backMs = (Long.parseLong(back.split(" ")[3]) - killed) / 1e6;
                    upMillis.add(upMs);
                    ticksLost.add((double) Math.max(0, lastTick.getOrDefault(zone, 0L) - restoredTick));
                    backMillis.add(backMs);
                    assertThat(backMs).as("player of zone %d back within TTL + 10 s", zone)
                        .isLessThan(RECOVERY_BOUND.toMillis());
                    // the dead owner's token: refused by the store the new owner writes, and by etcd
                    assertThat(taker.request("STALE " + zone + ' ' + token.get(zone), "STALE " + zone + ' ', START))
                        .isEqualTo("STALE " + zone + " refused cas-refused");
                    rows.add(String.format("kill %d: node %d's zone %d -> node %d, token %d -> %d, last tick seen %d, "
                            + "restored tick %d, running again after %.0f ms, player back after %.0f ms", kill + 1,
                        victim.nodeId, zone, taker.nodeId, token.get(zone), newToken, lastTick.getOrDefault(zone, -1L),
                        restoredTick, upMs, backMs));
                    owner.put(zone, taker.nodeId);
                    token.put(zone, newToken);
                    // each bot of the zone, still on its connection to the gateway, hears from the new owner
                    final List<String> botRow = new ArrayList<>();
                    for (final ShardProcessHarness.Bot bot : botsOf(h, zone)) {
                        final long[] c = bot.awaitOwner(killed, n -> n == taker.nodeId, t -> t >= newToken, RECOVERY_BOUND);
                        final double ms = (c[0] - killed) / 1e6;
                        assertThat(ms).as("%s back in play within TTL + 10 s", bot).isLessThan(RECOVERY_BOUND.toMillis());
                        botMillis.add(ms);
                        botRow.add(String.format("%d: %.0f ms (tick %d)", bot.gid, ms, c[3]));
                    }
                    rows.add("  bots of zone " + zone + " back in play (first answer from node " + taker.nodeId + "): "
                        + botRow);
                }
                final NodeChild fresh = h.startNode(nextId++);
                fresh.await(0, s -> s.startsWith("READY "), START, "READY");
                live.put(fresh.nodeId, fresh);
            }
            // a paused owner (SIGSTOP, like a long GC pause) is taken over like a dead one; when it wakes up, its late
            // checkpoint meets the new owner's token (or its rejoin finds the records moved) and it stops those zones
            final NodeChild zombie = live.values().stream().filter(n -> !zonesOf(owner, n.nodeId).isEmpty())
                .findFirst().orElseThrow();
            final List<Integer> paused = zonesOf(owner, zombie.nodeId);
            final Map<Integer, NodeChild> others = new TreeMap<>(live);
            others.remove(zombie.nodeId);
            final Map<Integer, Integer> marks = new TreeMap<>();
            others.forEach((id, n) -> marks.put(id, n.mark()));
            final int beforePause = zombie.mark();
            final long stopped = System.nanoTime();
            zombie.signal("STOP");
            final List<Double> pausedMillis = new ArrayList<>();
            final List<Double> pausedBotMillis = new ArrayList<>();
            try {
                for (final int zone : paused) {
                    final String[] up = awaitAny(others, marks, "UP " + zone + ' ', RECOVERY_BOUND);
                    final String[] w = up[1].split(" ");
                    assertThat(Long.parseLong(w[3])).as("zone %d restored from a checkpoint", zone).isGreaterThanOrEqualTo(0);
                    pausedMillis.add((Long.parseLong(w[5]) - stopped) / 1e6);
                    final int taker = Integer.parseInt(up[0]);
                    final long newToken = Long.parseLong(w[2]);
                    owner.put(zone, taker);
                    token.put(zone, newToken);
                    for (final ShardProcessHarness.Bot bot : botsOf(h, zone)) {
                        final long[] c = bot.awaitOwner(stopped, n -> n == taker, t -> t >= newToken, RECOVERY_BOUND);
                        pausedBotMillis.add((c[0] - stopped) / 1e6);
                    }
                }
            } finally {
                zombie.signal("CONT");
            }
            final List<String> zombieStops = new ArrayList<>();
            for (final int zone : paused) {
                zombieStops.add(zombie.await(beforePause, startsWith("STOPPED " + zone + ' '), RECOVERY_BOUND,
                    "the woken owner stopping zone " + zone));
            }
            final Map<Integer, List<String>> reports = new LinkedHashMap<>();
            for (final NodeChild n : live.values()) {
                reports.put(n.nodeId, n.report(START));
            }
            final String entities = ShardProcessHarness.checkEntities(reports);
            // every player in play at the end with its zone's final owner, on the connection it opened at the start
            final long end = System.nanoTime();
            for (final ShardProcessHarness.Bot bot : h.bots) {
                final int finalOwner = owner.get(bot.zone);
                bot.awaitInPlay(end, n -> n == finalOwner, START);
            }
            final String bots = h.checkBotsConnected();
            System.out.println("---- node crash (lease TTL " + ShardNodeProcess.TTL.toSeconds() + " s, checkpoint every "
                + ShardNodeProcess.CHECKPOINT_EVERY.toMillis() + " ms, " + ShardNodeProcess.ZONES + " zones x "
                + ShardNodeProcess.PER_ZONE + " entities)");
            rows.forEach(System.out::println);
            System.out.println("kill -> zone running again: " + stats(upMillis));
            System.out.println("kill -> player input applied: " + stats(backMillis));
            System.out.println("kill -> bot back in play (first answer from the new owner, through gateway and relay): "
                + stats(botMillis) + "; issue target TTL + 2 s = " + ShardNodeProcess.TTL.plusSeconds(2).toMillis()
                + " ms: " + botMillis.stream().filter(ms -> ms <= ShardNodeProcess.TTL.plusSeconds(2).toMillis()).count()
                + " of " + botMillis.size() + " within");
            System.out.println("ticks lost (last tick printed by the dead owner - restored tick, a lower bound): "
                + stats(ticksLost).replace(" ms", ""));
            System.out.println("paused owner node " + zombie.nodeId + ": its zones " + paused + " running elsewhere after "
                + stats(pausedMillis) + ", its bots back in play after " + stats(pausedBotMillis)
                + "; on waking it stopped them: " + zombieStops);
            System.out.println(entities);
            System.out.println(bots);
        }
    }

    private static java.util.function.Predicate<String> startsWith(final String prefix) {
        return s -> s.startsWith(prefix);
    }

    private static List<ShardProcessHarness.Bot> botsOf(final ShardProcessHarness h, final int zone) {
        return h.bots.stream().filter(b -> b.zone == zone).toList();
    }

    private static List<Integer> zonesOf(final Map<Integer, Integer> owner, final int node) {
        final List<Integer> out = new ArrayList<>();
        owner.forEach((z, n) -> {
            if (n == node) {
                out.add(z);
            }
        });
        return out;
    }

    private static Map<Integer, Long> lastTicks(final NodeChild n, final List<Integer> zones) {
        final Map<Integer, Long> last = new TreeMap<>();
        for (final String s : n.linesFrom(0)) {
            final String[] w = s.split(" ");
            if (w[0].equals("TICK") && zones.contains(Integer.parseInt(w[1]))) {
                last.put(Integer.parseInt(w[1]), Long.parseLong(w[2]));
            }
        }
        return last;
    }

    /** The first line with this prefix on any live node after its mark: {node id, line}. */
    private static String[] awaitAny(final Map<Integer, NodeChild> live, final Map<Integer, Integer> marks,
                                     final String prefix, final Duration timeout) throws InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (final NodeChild n : live.values()) {
                for (final String s : n.linesFrom(marks.get(n.nodeId))) {
                    if (s.startsWith(prefix)) {
                        return new String[] {Integer.toString(n.nodeId), s};
                    }
                }
            }
            Thread.sleep(5);
        }
        throw new AssertionError("no '" + prefix + "' on nodes " + live.keySet() + " within " + timeout);
    }

    private static String stats(final List<Double> millis) {
        final List<Double> sorted = new ArrayList<>(millis);
        Collections.sort(sorted);
        return String.format("n=%d p50=%.0f ms max=%.0f ms (all: %s)", sorted.size(), sorted.get((sorted.size() - 1) / 2),
            sorted.get(sorted.size() - 1), sorted.stream().map(d -> String.format("%.0f", d)).toList());
    }
}

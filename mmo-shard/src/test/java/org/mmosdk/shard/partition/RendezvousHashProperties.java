package org.mmosdk.shard.partition;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.SplittableRandom;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Minimal movement and balance of {@link RendezvousHash} over 100k keys: moved share on join/leave at most
 * 1.05× the ideal, busiest node at most 1.1× the average.
 */
class RendezvousHashProperties {
    private static final int KEYS = 100_000;
    private static final double MOVE_LIMIT = 1.05;
    private static final double LOAD_LIMIT = 1.10;

    private static double worstJoinRatio;
    private static double worstLeaveRatio;
    private static double worstLoadRatio;

    @Property(tries = 25)
    void joinMovesAtMostTheIdealShareAndOnlyToTheNewNode(@ForAll @IntRange(min = 1, max = 16) final int n,
        @ForAll final long seed) {
        final int[] ids = distinctIds(n + 1, seed);
        final RendezvousHash before = RendezvousHash.of(java.util.Arrays.copyOf(ids, n));
        final RendezvousHash after = before.with(ids[n]);
        int moved = 0;
        for (int i = 0; i < KEYS; i++) {
            final long h = KeyHash.of(seed + i);
            final int a = before.nodeFor(h);
            final int b = after.nodeFor(h);
            if (a != b) {
                assertThat(b).as("a key that moves on join moves to the joining node").isEqualTo(ids[n]);
                moved++;
            }
        }
        final double ideal = (double) KEYS / (n + 1);
        record(moved / ideal, true);
        assertThat(moved).as("keys moved when node %d joined %d nodes (ideal %.0f)", ids[n], n, ideal)
            .isLessThanOrEqualTo((int) (MOVE_LIMIT * ideal));
    }

    @Property(tries = 25)
    void leaveMovesOnlyTheLeaversKeys(@ForAll @IntRange(min = 2, max = 16) final int n, @ForAll final long seed) {
        final int[] ids = distinctIds(n, seed);
        final RendezvousHash before = RendezvousHash.of(ids);
        final int leaver = ids[Math.floorMod(seed, n)];
        final RendezvousHash after = before.without(leaver);
        int moved = 0;
        for (int i = 0; i < KEYS; i++) {
            final long h = KeyHash.of("player:" + seed + ':' + i);
            final int a = before.nodeFor(h);
            final int b = after.nodeFor(h);
            if (a != b) {
                assertThat(a).as("only the leaver's keys move").isEqualTo(leaver);
                moved++;
            } else {
                assertThat(a).isNotEqualTo(leaver);
            }
        }
        final double ideal = (double) KEYS / n;
        record(moved / ideal, false);
        assertThat(moved).as("keys moved when node %d left %d nodes (ideal %.0f)", leaver, n, ideal)
            .isLessThanOrEqualTo((int) (MOVE_LIMIT * ideal));
    }

    @Property(tries = 25)
    void busiestOfTenNodesCarriesAtMostTenPercentOverAverage(@ForAll final long seed) {
        final int[] ids = distinctIds(10, seed);
        final RendezvousHash hash = RendezvousHash.of(ids);
        final java.util.Map<Integer, Integer> load = new java.util.HashMap<>();
        for (int i = 0; i < KEYS; i++) {
            load.merge(hash.nodeFor(KeyHash.of("guild:" + seed + ':' + i)), 1, Integer::sum);
        }
        assertThat(load).hasSize(10);
        final int max = load.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
        final double ratio = max / (KEYS / 10.0);
        synchronized (RendezvousHashProperties.class) {
            worstLoadRatio = Math.max(worstLoadRatio, ratio);
        }
        assertThat(ratio).as("busiest node's load / average, loads %s", load).isLessThanOrEqualTo(LOAD_LIMIT);
    }

    @AfterContainer
    static void report() {
        System.out.println(String.format(Locale.ROOT,
            "RendezvousHash over %d keys: worst moved/ideal join=%.4f leave=%.4f (limit %.2f); "
                + "worst max/avg load of 10 nodes=%.4f (limit %.2f)",
            KEYS, worstJoinRatio, worstLeaveRatio, MOVE_LIMIT, worstLoadRatio, LOAD_LIMIT));
    }

    private static synchronized void record(final double ratio, final boolean join) {
        if (join) {
            worstJoinRatio = Math.max(worstJoinRatio, ratio);
        } else {
            worstLeaveRatio = Math.max(worstLeaveRatio, ratio);
        }
    }

    private static int[] distinctIds(final int count, final long seed) {
        final SplittableRandom random = new SplittableRandom(seed);
        return random.ints(1, org.mmosdk.core.id.NodeIds.MAX + 1).distinct().limit(count).toArray();
    }
}

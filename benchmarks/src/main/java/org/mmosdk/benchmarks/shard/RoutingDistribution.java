package org.mmosdk.benchmarks.shard;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

import org.mmosdk.shard.partition.KeyHash;

/**
 * Prints, for each router of {@link Routers} and 8, 16 and 64 nodes, over 1,000,000 keys and 5 trials (different
 * node ids and keys): the share of keys moved when a node joins, relative to the ideal 1/(n+1); when a node leaves,
 * relative to the ideal 1/n; and the busiest node's load relative to the average. Targets from the issue: moved ≤
 * 1.05× ideal, busiest ≤ 1.1× average. Mean and worst of the trials.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar org.mmosdk.benchmarks.shard.RoutingDistribution}.
 */
public final class RoutingDistribution {
    private static final int KEYS = 1_000_000;
    private static final int TRIALS = 5;

    private RoutingDistribution() {
    }

    /**
     * Distinct random node ids in [1, 65535].
     *
     * @param n how many
     * @param seed the seed
     * @return the ids
     */
    static int[] nodeIds(final int n, final long seed) {
        final SplittableRandom r = new SplittableRandom(seed);
        return r.ints(1, 0x10000).distinct().limit(n).toArray();
    }

    /**
     * Prints the table.
     *
     * @param args ignored
     */
    public static void main(final String[] args) {
        System.out.printf(Locale.ROOT, "%d keys, %d trials; ratio = measured / ideal (mean, worst)%n", KEYS, TRIALS);
        System.out.printf(Locale.ROOT, "%-44s %3s | %-17s | %-17s | %-17s%n", "router", "n", "join moved/ideal",
            "leave moved/ideal", "busiest/average");
        for (final int n : new int[] {8, 16, 64}) {
            for (final Routers.Kind kind : Routers.ALL) {
                final double[] join = new double[TRIALS];
                final double[] leave = new double[TRIALS];
                final double[] load = new double[TRIALS];
                for (int t = 0; t < TRIALS; t++) {
                    final int[] ids = nodeIds(n + 1, 1000L * n + t);
                    final int[] base = Arrays.copyOf(ids, n);
                    final int[] smaller;
                    if (kind == Routers.GUAVA_JUMP) {
                        smaller = Arrays.copyOf(base, n - 1); // jump hash: only the last bucket can leave
                    } else {
                        final int gone = base[new SplittableRandom(t).nextInt(n)];
                        smaller = Arrays.stream(base).filter(id -> id != gone).toArray();
                    }
                    final Routers.Router before = kind.over(base);
                    final Routers.Router joined = kind.over(ids);
                    final Routers.Router left = kind.over(smaller);
                    final Map<Integer, Integer> perNode = new HashMap<>();
                    int movedJoin = 0;
                    int movedLeave = 0;
                    final long salt = 0x1234_5678L * (t + 1) * n;
                    for (int k = 0; k < KEYS; k++) {
                        final long key = KeyHash.of(salt + k);
                        final int a = before.nodeFor(key);
                        perNode.merge(a, 1, Integer::sum);
                        if (joined.nodeFor(key) != a) {
                            movedJoin++;
                        }
                        if (left.nodeFor(key) != a) {
                            movedLeave++;
                        }
                    }
                    join[t] = movedJoin / ((double) KEYS / (n + 1));
                    leave[t] = movedLeave / ((double) KEYS / n);
                    load[t] = perNode.values().stream().mapToInt(Integer::intValue).max().orElse(0) / ((double) KEYS / n);
                }
                System.out.printf(Locale.ROOT, "%-44s %3d | %s | %s | %s%n", kind.name(), n, fmt(join), fmt(leave), fmt(load));
            }
        }
        System.out.println("Guava jump hash: 'leave' removes the last bucket (jump hash cannot remove another node).");
    }

    private static String fmt(final double[] v) {
        final double mean = Arrays.stream(v).average().orElse(Double.NaN);
        final double worst = Arrays.stream(v).max().orElse(Double.NaN);
        return String.format(Locale.ROOT, "%6.3f  %6.3f    ", mean, worst);
    }
}

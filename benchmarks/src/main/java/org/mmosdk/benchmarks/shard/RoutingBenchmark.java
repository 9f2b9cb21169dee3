package org.mmosdk.benchmarks.shard;

import java.util.concurrent.TimeUnit;

import com.google.common.hash.Hashing;
import org.mmosdk.shard.partition.KeyHash;
import org.mmosdk.shard.partition.PartitionMap;
import org.mmosdk.shard.partition.RendezvousHash;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One routing lookup (a key hash → a node id) over 16 and 64 nodes, in the same run:
 * <ul>
 *   <li>{@code mmoRendezvous}: mmo-shard's {@link RendezvousHash} (O(n) scan, one 64-bit mix per node);</li>
 *   <li>{@code mmoPartitionMap}: the same through {@link PartitionMap#nodeForKey(long)}, what a gateway calls;</li>
 *   <li>{@code guavaJumpHash}: Guava's {@code Hashing.consistentHash} (O(log n), no memory; only the last bucket can
 *       leave);</li>
 *   <li>{@code ketamaRing}: a ketama-style ring, 160 MD5 points per node, binary search over a sorted {@code long[]};</li>
 *   <li>{@code textbookRendezvous}: rendezvous with Guava murmur3_128 of (key, node) per node, as commonly written.</li>
 * </ul>
 * Keys are 4096 precomputed {@code KeyHash} values, cycled. Expected allocation: 0 B/op except
 * {@code textbookRendezvous} (a hasher per node). Distribution figures (moved keys, balance):
 * {@link RoutingDistribution}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class RoutingBenchmark {
    private static final int KEYS = 4096;

    @Param({"16", "64"})
    int nodes;

    private final long[] keys = new long[KEYS];
    private int next;
    private int[] nodeIds;
    private RendezvousHash rendezvous;
    private PartitionMap map;
    private Routers.Router ketama;
    private Routers.Router textbook;

    @Setup
    public void setUp() {
        for (int i = 0; i < KEYS; i++) {
            keys[i] = KeyHash.of("player:" + i);
        }
        nodeIds = RoutingDistribution.nodeIds(nodes, 1);
        rendezvous = RendezvousHash.of(nodeIds);
        map = PartitionMap.of(org.mmosdk.shard.partition.ZoneLayout.builder().cellSize(1).cells(1, 1).zones(1, 1).build());
        for (final int id : nodeIds) {
            map = map.withNode(id);
        }
        ketama = Routers.KETAMA.over(nodeIds);
        textbook = Routers.PLAIN_RENDEZVOUS.over(nodeIds);
    }

    private long key() {
        return keys[next++ & (KEYS - 1)];
    }

    @Benchmark
    public int mmoRendezvous() {
        return rendezvous.nodeFor(key());
    }

    @Benchmark
    public int mmoPartitionMap() {
        return map.nodeForKey(key());
    }

    @Benchmark
    public int guavaJumpHash() {
        return nodeIds[Hashing.consistentHash(key(), nodeIds.length)];
    }

    @Benchmark
    public int ketamaRing() {
        return ketama.nodeFor(key());
    }

    @Benchmark
    public int textbookRendezvous() {
        return textbook.nodeFor(key());
    }
}

package org.mmosdk.benchmarks.shard;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import org.mmosdk.shard.partition.PartitionMap;
import org.mmosdk.shard.partition.RendezvousHash;
import org.mmosdk.shard.partition.ZoneLayout;

/**
 * The routers compared, behind one interface: each maps a 64-bit key hash ({@code KeyHash}) to a node id, built
 * from a set of node ids.
 */
final class Routers {
    private Routers() {
    }

    /** Maps a key hash to a node id. */
    interface Router {
        int nodeFor(long keyHash);
    }

    /** Builds a router over node ids. */
    interface Kind {
        String name();

        Router over(int[] nodeIds);
    }

    static final Kind MMO_RENDEZVOUS = kind("mmo RendezvousHash", ids -> RendezvousHash.of(ids)::nodeFor);
    static final Kind MMO_PARTITION_MAP = kind("mmo PartitionMap", ids -> {
        PartitionMap map = PartitionMap.of(ZoneLayout.builder().cellSize(1).cells(1, 1).zones(1, 1).build());
        for (final int id : ids) {
            map = map.withNode(id);
        }
        return map::nodeForKey;
    });
    /**
     * Guava's jump consistent hash: buckets 0..n-1 map to the node ids in the order given. Jump hash only supports
     * adding or removing the last bucket; removing another node means renumbering.
     */
    static final Kind GUAVA_JUMP = kind("Guava jump hash", ids -> {
        final int[] nodes = ids.clone();
        return key -> nodes[Hashing.consistentHash(key, nodes.length)];
    });
    static final Kind KETAMA = kind("ketama ring (160 vnodes, MD5)", KetamaRing::new);
    static final Kind PLAIN_RENDEZVOUS = kind("textbook rendezvous (murmur3_128 per node)", PlainRendezvous::new);

    static final Kind[] ALL = {MMO_RENDEZVOUS, MMO_PARTITION_MAP, GUAVA_JUMP, KETAMA, PLAIN_RENDEZVOUS};

    private static Kind kind(final String name, final java.util.function.Function<int[], Router> factory) {
        return new Kind() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Router over(final int[] nodeIds) {
                return factory.apply(nodeIds);
            }
        };
    }

    /**
     * A ketama-style ring as libketama builds it: per node, 40 MD5 digests of {@code "node-<id>-<i>"}, each cut into
     * four 32-bit points (160 points per node); a key goes to the first point at or after its own 32-bit point,
     * wrapping around. Binary search over a sorted {@code long[]}.
     */
    static final class KetamaRing implements Router {
        static final int POINTS_PER_NODE = 160;
        private final long[] points;
        private final int[] owners;

        KetamaRing(final int[] nodeIds) {
            final long[] raw = new long[nodeIds.length * POINTS_PER_NODE];
            final MessageDigest md5;
            try {
                md5 = MessageDigest.getInstance("MD5");
            } catch (final NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            int k = 0;
            for (final int id : nodeIds) {
                for (int i = 0; i < POINTS_PER_NODE / 4; i++) {
                    final byte[] d = md5.digest(("node-" + id + "-" + i).getBytes(StandardCharsets.UTF_8));
                    for (int h = 0; h < 4; h++) {
                        final long point = ((d[3 + h * 4] & 0xFFL) << 24) | ((d[2 + h * 4] & 0xFFL) << 16)
                            | ((d[1 + h * 4] & 0xFFL) << 8) | (d[h * 4] & 0xFFL);
                        // point in the high 32 bits, owner index in the low bits: one sort orders both
                        raw[k++] = (point << 20) | indexOf(nodeIds, id);
                    }
                }
            }
            Arrays.sort(raw);
            points = new long[raw.length];
            owners = new int[raw.length];
            for (int i = 0; i < raw.length; i++) {
                points[i] = raw[i] >>> 20;
                owners[i] = nodeIds[(int) (raw[i] & 0xFFFFF)];
            }
        }

        private static int indexOf(final int[] ids, final int id) {
            for (int i = 0; i < ids.length; i++) {
                if (ids[i] == id) {
                    return i;
                }
            }
            throw new IllegalArgumentException("no node " + id);
        }

        @Override
        public int nodeFor(final long keyHash) {
            final long point = keyHash >>> 32;
            int lo = 0;
            int hi = points.length - 1;
            if (point > points[hi]) {
                return owners[0];
            }
            while (lo < hi) {
                final int mid = (lo + hi) >>> 1;
                if (points[mid] < point) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return owners[lo];
        }
    }

    /**
     * Rendezvous hashing as commonly written: for each node, hash (key, node) with a general-purpose hash
     * (Guava's murmur3_128) and keep the highest.
     */
    static final class PlainRendezvous implements Router {
        private static final HashFunction MURMUR = Hashing.murmur3_128();
        private final int[] nodes;

        PlainRendezvous(final int[] nodeIds) {
            this.nodes = nodeIds.clone();
        }

        @Override
        public int nodeFor(final long keyHash) {
            int best = 0;
            long bestScore = Long.MIN_VALUE;
            for (final int node : nodes) {
                final long score = MURMUR.newHasher().putLong(keyHash).putInt(node).hash().asLong();
                if (score > bestScore || best == 0) {
                    best = node;
                    bestScore = score;
                }
            }
            return best;
        }
    }
}

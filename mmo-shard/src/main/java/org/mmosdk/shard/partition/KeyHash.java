package org.mmosdk.shard.partition;

/**
 * Stable 64-bit hashes of routing keys. Stable means the same value on every JVM and every run, so every
 * node and gateway computes the same route for a key ({@link String#hashCode()} is stable too, but 32 bits
 * and weakly mixed).
 */
public final class KeyHash {
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private KeyHash() {
    }

    /**
     * Hashes a text key, e.g. {@code "guild:42"}: FNV-1a over the UTF-16 chars, then a 64-bit finaliser.
     *
     * @param key the key, not empty
     * @return a well-mixed 64-bit hash
     */
    public static long of(final CharSequence key) {
        long h = FNV_OFFSET;
        for (int i = 0, n = key.length(); i < n; i++) {
            final char c = key.charAt(i);
            h = (h ^ (c & 0xFF)) * FNV_PRIME;
            h = (h ^ (c >>> 8)) * FNV_PRIME;
        }
        return mix(h);
    }

    /**
     * Hashes a numeric key, e.g. a player id.
     *
     * @param key the key
     * @return a well-mixed 64-bit hash
     */
    public static long of(final long key) {
        return mix(key);
    }

    /**
     * The 64-bit finaliser of SplitMix64 / MurmurHash3 (Stafford variant 13): every input bit affects every
     * output bit.
     *
     * @param z any value
     * @return the mixed value
     */
    public static long mix(final long z) {
        long x = z;
        x = (x ^ (x >>> 30)) * 0xbf58476d1ce4e5b9L;
        x = (x ^ (x >>> 27)) * 0x94d049bb133111ebL;
        return x ^ (x >>> 31);
    }
}

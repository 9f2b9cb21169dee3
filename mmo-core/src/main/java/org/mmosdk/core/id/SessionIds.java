package org.mmosdk.core.id;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Session ids as {@code long}: the high 16 bits are the issuing node ({@link NodeIds}), the low 48 bits a counter
 * that starts at 1 on that node. {@link #NONE} (0) names no session. Ids are unique per node for the life of the
 * process (2^48 ids) and unique across nodes that have distinct node ids. They are not secrets: authenticate
 * with tokens, never with a session id.
 */
public final class SessionIds {
    /** Names no session. */
    public static final long NONE = 0L;
    private static final long COUNTER_MASK = (1L << 48) - 1;

    private SessionIds() {
    }

    /**
     * A thread-safe generator of session ids for one node.
     *
     * @param nodeId the issuing node, in [1, {@link NodeIds#MAX}]
     * @return a generator; each call returns a new id
     */
    public static LongSupplier newGenerator(final int nodeId) {
        final long prefix = (long) NodeIds.check(nodeId) << 48;
        final AtomicLong counter = new AtomicLong();
        return () -> {
            final long n = counter.incrementAndGet();
            if (n > COUNTER_MASK) {
                throw new IllegalStateException("node " + nodeId + " ran out of session ids");
            }
            return prefix | n;
        };
    }

    /**
     * The node that issued a session id.
     *
     * @param sessionId the id
     * @return the node id
     */
    public static int node(final long sessionId) {
        return (int) (sessionId >>> 48);
    }

    /**
     * The per-node counter part of a session id.
     *
     * @param sessionId the id
     * @return the counter
     */
    public static long sequence(final long sessionId) {
        return sessionId & COUNTER_MASK;
    }

    /**
     * Readable form {@code node/sequence}, e.g. {@code 3/1207}.
     *
     * @param sessionId the id
     * @return the text
     */
    public static String toString(final long sessionId) {
        return sessionId == NONE ? "none" : node(sessionId) + "/" + sequence(sessionId);
    }
}

package org.mmosdk.shard.membership;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Rejects writes stamped with a stale fencing token. Whatever accepts writes from the owner of a resource
 * (a zone's checkpoint store, a saga log) keeps one guard per resource and admits a write only if its token
 * ({@link ZoneOwner#revision()} or {@link Lease#fencingToken()}) is at least the highest token seen. A paused
 * former owner that wakes up after its lease expired carries an older token and is refused.
 *
 * <p>Lock-free and thread-safe; {@link #tryAccept(long)} does not allocate.
 */
public final class FencingGuard {
    private final AtomicLong highest = new AtomicLong(Long.MIN_VALUE);

    /** A guard that has seen no token. */
    public FencingGuard() {
    }

    /**
     * Admits a write with this token if it is not older than any seen before, and remembers it.
     *
     * @param token the writer's fencing token
     * @return true if admitted, false if stale
     */
    public boolean tryAccept(final long token) {
        long current = highest.get();
        while (token >= current) {
            if (token == current || highest.compareAndSet(current, token)) {
                return true;
            }
            current = highest.get();
        }
        return false;
    }

    /**
     * Like {@link #tryAccept(long)} but throws, for paths where a stale writer is a bug to report.
     *
     * @param token the writer's fencing token
     * @throws IllegalStateException if the token is stale
     */
    public void accept(final long token) {
        if (!tryAccept(token)) {
            throw new IllegalStateException("stale fencing token " + token + ", highest seen is " + highest.get()
                + ": the writer lost ownership");
        }
    }

    /**
     * The highest token admitted.
     *
     * @return the token, or {@link Long#MIN_VALUE} before the first
     */
    public long highest() {
        return highest.get();
    }
}

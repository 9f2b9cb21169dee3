package org.mmosdk.net;

/**
 * A token bucket in integer arithmetic: {@code ratePerSecond} tokens per second, at most {@code burst} stored,
 * one token per message. Tokens are kept in units of 1/1e9 token so that refills are exact. Owned by one thread.
 */
final class TokenBucket {
    private static final long SCALE = 1_000_000_000L;

    private final long rate;
    private final long capacity;
    private final long fillNanos;
    private long tokens;
    private long last;

    TokenBucket(final int ratePerSecond, final int burst, final long nowNanos) {
        this.rate = ratePerSecond;
        this.capacity = burst * SCALE;
        this.fillNanos = capacity / rate + 1;
        this.tokens = capacity;
        this.last = nowNanos;
    }

    /** Takes one token if there is one. */
    boolean tryAcquire(final long nowNanos) {
        final long elapsed = nowNanos - last;
        if (elapsed > 0) {
            last = nowNanos;
            tokens = elapsed >= fillNanos ? capacity : Math.min(capacity, tokens + elapsed * rate);
        }
        if (tokens >= SCALE) {
            tokens -= SCALE;
            return true;
        }
        return false;
    }
}

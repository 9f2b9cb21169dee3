package org.mmosdk.core.time;

/**
 * A monotonic source of time in nanoseconds, plus a way to wait for it.
 *
 * <p>Values are only meaningful relative to each other (like {@link System#nanoTime()}).
 */
public interface Clock {
    /**
     * The current time of this clock in nanoseconds. Never goes backwards.
     *
     * @return monotonic nanoseconds
     */
    long nanoTime();

    /**
     * Waits up to {@code nanos} of this clock's time. Like {@link java.util.concurrent.locks.LockSupport#parkNanos}
     * it may return early (spuriously, or because the thread was unparked or interrupted); callers re-check their
     * condition and park again.
     *
     * @param nanos how long to wait at most; zero or negative returns at once
     */
    void park(long nanos);

    /**
     * The shared system clock.
     *
     * @return {@link SystemClock#INSTANCE}
     */
    static Clock system() {
        return SystemClock.INSTANCE;
    }
}

package org.mmosdk.core.time;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A clock that only moves when told to. Tests drive time with {@link #advance(long)} and get the same
 * result on every run, with no sleeping.
 *
 * <p>{@link #park(long)} blocks the calling thread until another thread advances this clock far enough,
 * or for at most {@link #MAX_REAL_PARK_MILLIS} of real time (a spurious return, as the {@link Clock}
 * contract allows), so a loop parked on a virtual clock still notices a stop request.
 */
public final class VirtualClock implements Clock {
    /** Longest real-time wait of one {@link #park(long)} call, in milliseconds. */
    public static final long MAX_REAL_PARK_MILLIS = 10;

    private long now;

    /** A virtual clock that starts at 0. */
    public VirtualClock() {
        this(0);
    }

    /**
     * A virtual clock that starts at the given time.
     *
     * @param startNanos the first value {@link #nanoTime()} returns
     */
    public VirtualClock(final long startNanos) {
        this.now = startNanos;
    }

    @Override
    public synchronized long nanoTime() {
        return now;
    }

    /**
     * Moves the clock forward and wakes the threads parked on it.
     *
     * @param nanos how far, at least 0
     * @return the new time
     */
    public synchronized long advance(final long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("a clock cannot go backwards: nanos=" + nanos);
        }
        now += nanos;
        notifyAll();
        return now;
    }

    /**
     * Moves the clock forward.
     *
     * @param amount how far
     * @param unit unit of {@code amount}
     * @return the new time
     */
    public long advance(final long amount, final TimeUnit unit) {
        return advance(unit.toNanos(amount));
    }

    /**
     * Moves the clock forward.
     *
     * @param duration how far
     * @return the new time
     */
    public long advance(final Duration duration) {
        return advance(duration.toNanos());
    }

    @Override
    public synchronized void park(final long nanos) {
        if (nanos <= 0) {
            return;
        }
        final long target = now + nanos;
        if (now < target) {
            try {
                wait(MAX_REAL_PARK_MILLIS);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return "VirtualClock{now=" + nanoTime() + "ns}";
    }
}

package org.mmosdk.core.time;

import java.util.concurrent.locks.LockSupport;

/** {@link System#nanoTime()} and {@link LockSupport#parkNanos(long)}. */
public final class SystemClock implements Clock {
    /** The one instance. */
    public static final SystemClock INSTANCE = new SystemClock();

    private SystemClock() {
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public void park(final long nanos) {
        if (nanos > 0) {
            LockSupport.parkNanos(nanos);
        }
    }

    @Override
    public String toString() {
        return "SystemClock";
    }
}

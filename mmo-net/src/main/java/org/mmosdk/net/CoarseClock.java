package org.mmosdk.net;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import org.mmosdk.core.time.Clock;

/**
 * The time of received frames for the rate limiter, the idle timer and the traffic counters: the system clock read
 * once per {@link #TICK_NANOS} by one task on one of the gateway's event loops and published in a volatile field,
 * so that a frame costs a volatile read instead of a clock read (about 20 ns of a 300 ns echo; a game client's
 * socket read usually holds one message, so a clock read per read is a clock read per message).
 *
 * <p>The time lags the system clock by up to one tick (more if the event loop running the task is held up), and
 * never runs ahead of it, so a frame is timed at most that lag before it came. What that means for its users:
 * <ul>
 *   <li>the rate limiter refills no earlier than with the exact time; before refusing a frame it takes the exact
 *       time (see {@code ServerConnection}), so a lag never refuses a frame the exact time would admit. After a
 *       full bucket it may admit up to {@code rate × lag} more frames than an exact bucket (0.06 frames at 60/s);</li>
 *   <li>the idle timer may close a silent connection up to the lag early, never a connection that sent a frame
 *       since its previous idle check;</li>
 *   <li>the counters are published on this time (they lag anyway).</li>
 * </ul>
 *
 * <p>Only for the system clock: any other clock (a test's virtual clock) is read once per socket read as before.
 * The task stops itself when the gateway has no connection and is restarted by the next one, so an idle gateway
 * does not wake an event loop a thousand times a second.
 *
 * <p>Threads: {@link #nanoTime()} from any thread; {@link #ensureRunning()} from any thread (an accepting
 * connection's I/O thread); the task runs on {@code executor}.
 */
final class CoarseClock {
    /** How often the system clock is read. */
    static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final Clock clock;
    private final EventExecutor executor;
    private final BooleanSupplier idle;
    private final AtomicBoolean running = new AtomicBoolean();
    private final Runnable tick = this::tick;
    private volatile long nanos;
    private volatile boolean stopped;
    /** The running task; written under {@link #running} by whoever started it, read by the task itself. */
    private volatile ScheduledFuture<?> task;

    /**
     * @param clock the system clock
     * @param executor runs the task
     * @param idle whether the gateway has no connection (the task then stops)
     */
    CoarseClock(final Clock clock, final EventExecutor executor, final BooleanSupplier idle) {
        this.clock = clock;
        this.executor = executor;
        this.idle = idle;
        this.nanos = clock.nanoTime();
    }

    /**
     * The system time of the last tick.
     *
     * @return monotonic nanoseconds, at most one tick (plus the task's delay) behind {@code clock.nanoTime()}
     */
    long nanoTime() {
        return nanos;
    }

    /** Starts the task if it is not running: before a new connection's first frame. */
    void ensureRunning() {
        if (!running.get() && !stopped && running.compareAndSet(false, true)) {
            start();
        }
    }

    /** Stops the task for good (the gateway shuts down). */
    void stop() {
        stopped = true;
    }

    private void start() {
        nanos = clock.nanoTime();
        try {
            // at a fixed rate: one future for as long as connections last, nothing allocated per tick
            task = executor.scheduleAtFixedRate(tick, TICK_NANOS, TICK_NANOS, TimeUnit.NANOSECONDS);
        } catch (final RuntimeException e) {
            // the event loop is shutting down: nothing to time any more
            running.set(false);
        }
    }

    private void tick() {
        nanos = clock.nanoTime();
        if (!stopped && !idle.getAsBoolean()) {
            return;
        }
        final ScheduledFuture<?> t = task;
        if (t == null) {
            return; // start() has not stored it yet: stop at the next tick
        }
        t.cancel(false);
        task = null;
        running.set(false);
        // a connection that arrived after the check but before the flag was cleared saw running == true
        if (!stopped && !idle.getAsBoolean() && running.compareAndSet(false, true)) {
            start();
        }
    }
}

package org.mmosdk.core.tick;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.agrona.concurrent.Agent;
import org.mmosdk.core.stats.Counter;
import org.mmosdk.core.stats.LatencyHistogram;
import org.mmosdk.core.stats.StatsRegistry;
import org.mmosdk.core.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link Tickable} at a fixed rate against a {@link Clock}.
 *
 * <h2>Schedule</h2>
 * Slot {@code k} is due at {@code start + k * period}, where {@code start} is when the loop began. A tick that
 * runs long does not shift the schedule. When the loop finds that {@code n > 1} slots are due at once (a tick
 * overran, the machine stalled), the {@link CatchUp} policy decides:
 * <ul>
 *   <li>{@link CatchUp#SKIP}: run one tick now, skip the other {@code n - 1} slots;</li>
 *   <li>{@link CatchUp#BURST}: run {@code min(n, maxBurst)} ticks back to back, skip the rest.</li>
 * </ul>
 * Either way the next tick is due at the next slot boundary, and skipped slots are counted, never run later.
 * Tick numbers count ticks that ran (0, 1, 2, …), so a simulation advances one fixed step per tick.
 *
 * <h2>Errors</h2>
 * A tick that throws is counted and given to the {@link TickErrorHandler}; the default logs it and continues,
 * and stops the loop after {@code maxConsecutiveErrors} failing ticks in a row. A loop never dies silently: when
 * it stops for an error its state is {@link State#FAILED} and {@link #failure()} says why.
 *
 * <h2>Driving it</h2>
 * {@link #start()} runs the loop on its own thread, parking between ticks. Tests instead call {@link #doWork()}
 * after advancing a {@link org.mmosdk.core.time.VirtualClock}: no thread, no sleeping, exact tick counts. The loop
 * is also an Agrona {@link Agent}, so it can run inside an {@code AgentRunner} or a composite agent.
 *
 * <h2>Stats</h2>
 * Registered under the tag {@code loop=<name>}: {@code tick.duration} (histogram, ns), {@code tick.count},
 * {@code tick.overruns} (ticks that took longer than the period), {@code tick.skipped} (slots skipped to catch up)
 * and {@code tick.errors}.
 */
public final class TickLoop implements Agent, AutoCloseable {
    /** What the loop does when it finds several slots due at once. */
    public enum CatchUp {
        /** Run one tick and skip the other due slots. Keeps latency low; the simulation slows down. */
        SKIP,
        /** Run up to {@code maxBurst} due ticks back to back, skip the rest. Keeps simulation time. */
        BURST
    }

    /** Life cycle of a loop. */
    public enum State {
        /** Built, not started. */
        NEW,
        /** Ticking. */
        RUNNING,
        /** Stopped on request. */
        STOPPED,
        /** Stopped because of an error; see {@link #failure()}. */
        FAILED
    }

    private static final Logger LOG = LoggerFactory.getLogger(TickLoop.class);
    private static final long UNSET = Long.MIN_VALUE;

    private final String name;
    private final Tickable tickable;
    private final Clock clock;
    private final long periodNanos;
    private final CatchUp catchUp;
    private final int maxBurst;
    private final int maxConsecutiveErrors;
    private final TickErrorHandler errorHandler;
    private final ThreadFactory threadFactory;

    private final LatencyHistogram tickDuration;
    private final Counter tickCount;
    private final Counter overruns;
    private final Counter skipped;
    private final Counter errors;

    private final CountDownLatch terminated = new CountDownLatch(1);
    private volatile State state = State.NEW;
    private volatile boolean stopRequested;
    private volatile Throwable failure;
    private volatile Thread thread;
    private volatile long nextTick;
    private long nextDeadline = UNSET;
    private int consecutiveErrors;

    private TickLoop(final Builder b) {
        this.name = b.name;
        this.tickable = b.tickable;
        this.clock = b.clock;
        this.periodNanos = b.periodNanos;
        this.catchUp = b.catchUp;
        this.maxBurst = b.maxBurst;
        this.maxConsecutiveErrors = b.maxConsecutiveErrors;
        this.errorHandler = b.errorHandler != null ? b.errorHandler : this::defaultErrorHandler;
        this.threadFactory = b.threadFactory;
        final StatsRegistry stats = b.stats != null ? b.stats : new StatsRegistry();
        this.tickDuration = stats.histogram("tick.duration", "time to run one tick, ns", "loop", name);
        this.tickCount = stats.counter("tick.count", "ticks run", "loop", name);
        this.overruns = stats.counter("tick.overruns", "ticks that took longer than the tick period", "loop", name);
        this.skipped = stats.counter("tick.skipped", "slots skipped to catch up after falling behind", "loop", name);
        this.errors = stats.counter("tick.errors", "ticks that threw", "loop", name);
    }

    /**
     * A builder for a loop that runs {@code tickable}.
     *
     * @param tickable the work of one tick
     * @return a builder with defaults: 20 Hz, system clock, {@link CatchUp#BURST} with at most 3 ticks per burst,
     *     stop after 100 consecutive failing ticks
     */
    public static Builder builder(final Tickable tickable) {
        return new Builder(tickable);
    }

    /**
     * Starts the loop on a new thread (from the builder's thread factory).
     *
     * @return this
     * @throws IllegalStateException if the loop was already started or driven
     */
    public TickLoop start() {
        synchronized (this) {
            if (state != State.NEW || thread != null || nextDeadline != UNSET) {
                throw new IllegalStateException("tick loop '" + name + "' was already started (state " + state + ")");
            }
            final Thread t = threadFactory.newThread(this::runOnThread);
            if (t == null) {
                throw new IllegalStateException("thread factory of tick loop '" + name + "' returned null");
            }
            thread = t;
            t.start();
        }
        return this;
    }

    private void runOnThread() {
        try {
            if (!begin()) {
                return;
            }
            while (!stopRequested) {
                final int work = doWork();
                if (work == 0 && !stopRequested) {
                    clock.park(nextDeadline - clock.nanoTime());
                }
            }
        } catch (final Throwable t) {
            fail(t, "tick loop '" + name + "' failed outside a tick");
        } finally {
            finish();
        }
    }

    /**
     * Runs the ticks that are due now (none, one, or a burst) and returns how many ran. The first call starts
     * the schedule: tick 0 runs at once. Call it from one thread only; after {@link #stop()} it returns 0.
     *
     * @return the number of ticks run
     */
    @Override
    public int doWork() {
        if (nextDeadline == UNSET && !begin()) {
            return 0;
        }
        if (stopRequested) {
            if (thread == null) {
                finish();
            }
            return 0;
        }
        final long now = clock.nanoTime();
        if (now < nextDeadline) {
            return 0;
        }
        final long due = (now - nextDeadline) / periodNanos + 1;
        final long toRun = catchUp == CatchUp.SKIP ? 1 : Math.min(due, maxBurst);
        if (due > toRun) {
            skipped.add(due - toRun);
        }
        nextDeadline += due * periodNanos;
        int ran = 0;
        while (ran < toRun && !stopRequested) {
            runOneTick();
            ran++;
        }
        if (stopRequested && thread == null) {
            finish();
        }
        return ran;
    }

    private boolean begin() {
        synchronized (this) {
            if (state != State.NEW) {
                return false;
            }
            state = State.RUNNING;
        }
        nextDeadline = clock.nanoTime();
        try {
            tickable.onStart();
            return true;
        } catch (final Throwable t) {
            fail(t, "onStart of tick loop '" + name + "' threw; the loop did not start");
            if (thread == null) {
                finish();
            }
            return false;
        }
    }

    private void runOneTick() {
        final long tick = nextTick;
        final long start = clock.nanoTime();
        try {
            tickable.onTick(tick);
            consecutiveErrors = 0;
        } catch (final Throwable t) {
            onTickError(tick, t);
        }
        final long took = clock.nanoTime() - start;
        tickDuration.record(took);
        if (took > periodNanos) {
            overruns.increment();
        }
        tickCount.increment();
        nextTick = tick + 1;
    }

    private void onTickError(final long tick, final Throwable error) {
        errors.increment();
        consecutiveErrors++;
        if (error instanceof VirtualMachineError && !(error instanceof StackOverflowError)) {
            fail(error, "tick " + tick + " of tick loop '" + name + "' hit " + error + "; stopping");
            return;
        }
        TickErrorHandler.Action action;
        try {
            action = errorHandler.onTickError(this, tick, error);
        } catch (final Throwable handlerError) {
            handlerError.addSuppressed(error);
            fail(handlerError, "the error handler of tick loop '" + name + "' threw; stopping");
            return;
        }
        if (action == TickErrorHandler.Action.STOP) {
            fail(error, null);
        } else if (maxConsecutiveErrors > 0 && consecutiveErrors >= maxConsecutiveErrors) {
            fail(error, "tick loop '" + name + "' stops after " + consecutiveErrors + " consecutive failing ticks");
        }
    }

    private TickErrorHandler.Action defaultErrorHandler(final TickLoop loop, final long tick, final Throwable error) {
        LOG.error("tick {} of tick loop '{}' threw; the loop continues", tick, name, error);
        return TickErrorHandler.Action.CONTINUE;
    }

    private void fail(final Throwable cause, final String message) {
        if (message != null) {
            LOG.error(message, cause);
        }
        synchronized (this) {
            if (failure == null) {
                failure = cause;
            }
            stopRequested = true;
        }
    }

    private void finish() {
        synchronized (this) {
            if (terminated.getCount() == 0) {
                return;
            }
            if (state == State.RUNNING) {
                try {
                    tickable.onStop();
                } catch (final Throwable t) {
                    LOG.error("onStop of tick loop '{}' threw", name, t);
                }
            }
            state = failure != null ? State.FAILED : State.STOPPED;
            terminated.countDown();
        }
    }

    /**
     * Asks the loop to stop. The tick in progress (if any) completes, {@link Tickable#onStop()} runs on the loop's
     * thread, then the loop is {@link State#STOPPED}. A loop driven by hand finishes within the {@link #doWork()}
     * call that sees the request (or in {@link #close()}).
     * Safe from any thread, also from inside a tick; idempotent.
     */
    public void stop() {
        stopRequested = true;
        final Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        } else {
            synchronized (this) {
                if (state == State.NEW) {
                    state = State.STOPPED;
                    terminated.countDown();
                }
            }
        }
    }

    /**
     * Waits for the loop to stop.
     *
     * @param timeout how long to wait
     * @return true if it stopped in time
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean awaitTermination(final Duration timeout) throws InterruptedException {
        return terminated.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Stops the loop and waits up to 30 s for it (when called from outside the loop's thread).
     */
    @Override
    public void close() {
        stop();
        if (Thread.currentThread() == thread) {
            return;
        }
        if (thread == null && state == State.RUNNING) {
            doWork();
        }
        try {
            if (!awaitTermination(Duration.ofSeconds(30))) {
                LOG.warn("tick loop '{}' did not stop within 30 s", name);
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Agrona {@link Agent}: called by an {@code AgentRunner} when it stops; same as {@link #stop()} then a final drain. */
    @Override
    public void onClose() {
        stop();
        if (thread == null) {
            finish();
        }
    }

    @Override
    public String roleName() {
        return name;
    }

    /**
     * The number of the next tick to run; equals the number of ticks run so far.
     *
     * @return ticks run
     */
    public long tick() {
        return nextTick;
    }

    /**
     * The current state.
     *
     * @return the state
     */
    public State state() {
        return state;
    }

    /**
     * Why the loop failed, or null.
     *
     * @return the error that stopped the loop
     */
    public Throwable failure() {
        return failure;
    }

    /**
     * The tick period.
     *
     * @return nanoseconds per tick
     */
    public long periodNanos() {
        return periodNanos;
    }

    /**
     * The loop's name, used in thread names, logs and stat tags.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * Time to run each tick.
     *
     * @return the histogram (ns)
     */
    public LatencyHistogram tickDuration() {
        return tickDuration;
    }

    /**
     * Ticks that took longer than the period.
     *
     * @return the count
     */
    public long overruns() {
        return overruns.get();
    }

    /**
     * Slots skipped to catch up.
     *
     * @return the count
     */
    public long skippedTicks() {
        return skipped.get();
    }

    /**
     * Ticks that threw.
     *
     * @return the count
     */
    public long errors() {
        return errors.get();
    }

    @Override
    public String toString() {
        return "TickLoop{" + name + ", " + state + ", tick=" + nextTick + ", period=" + periodNanos + "ns}";
    }

    /** Settings of a {@link TickLoop}; validated by {@link #build()}. */
    public static final class Builder {
        private final Tickable tickable;
        private String name = "tick-loop";
        private Clock clock = Clock.system();
        private long periodNanos = TimeUnit.SECONDS.toNanos(1) / 20;
        private CatchUp catchUp = CatchUp.BURST;
        private int maxBurst = 3;
        private int maxConsecutiveErrors = 100;
        private TickErrorHandler errorHandler;
        private StatsRegistry stats;
        private ThreadFactory threadFactory;

        private Builder(final Tickable tickable) {
            this.tickable = Objects.requireNonNull(tickable, "tickable");
        }

        /**
         * Name for the thread, logs and stat tags.
         *
         * @param name not empty
         * @return this
         */
        public Builder name(final String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * Ticks per second.
         *
         * @param hz in [1, 10000]
         * @return this
         */
        public Builder tickRate(final int hz) {
            if (hz < 1 || hz > 10_000) {
                throw new IllegalArgumentException("tickRate must be in [1, 10000] Hz, was " + hz);
            }
            this.periodNanos = TimeUnit.SECONDS.toNanos(1) / hz;
            return this;
        }

        /**
         * Time between ticks (instead of {@link #tickRate(int)}).
         *
         * @param period in [100 µs, 1 h]
         * @return this
         */
        public Builder period(final Duration period) {
            final long nanos = period.toNanos();
            if (nanos < 100_000 || nanos > TimeUnit.HOURS.toNanos(1)) {
                throw new IllegalArgumentException("period must be in [100us, 1h], was " + period);
            }
            this.periodNanos = nanos;
            return this;
        }

        /**
         * The clock; a {@link org.mmosdk.core.time.VirtualClock} for deterministic tests.
         *
         * @param clock the clock
         * @return this
         */
        public Builder clock(final Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * What to do when several slots are due at once.
         *
         * @param catchUp the policy
         * @return this
         */
        public Builder catchUp(final CatchUp catchUp) {
            this.catchUp = Objects.requireNonNull(catchUp, "catchUp");
            return this;
        }

        /**
         * Most ticks run back to back under {@link CatchUp#BURST}.
         *
         * @param maxBurst in [1, 1000]
         * @return this
         */
        public Builder maxBurst(final int maxBurst) {
            if (maxBurst < 1 || maxBurst > 1000) {
                throw new IllegalArgumentException("maxBurst must be in [1, 1000], was " + maxBurst);
            }
            this.maxBurst = maxBurst;
            return this;
        }

        /**
         * How many ticks in a row may fail before the loop stops; 0 never stops for this reason.
         *
         * @param max at least 0
         * @return this
         */
        public Builder maxConsecutiveErrors(final int max) {
            if (max < 0) {
                throw new IllegalArgumentException("maxConsecutiveErrors must be >= 0, was " + max);
            }
            this.maxConsecutiveErrors = max;
            return this;
        }

        /**
         * Replaces the default error handler (log and continue).
         *
         * @param handler the handler
         * @return this
         */
        public Builder errorHandler(final TickErrorHandler handler) {
            this.errorHandler = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /**
         * Where to register the loop's stats; by default a private registry.
         *
         * @param stats the registry
         * @return this
         */
        public Builder stats(final StatsRegistry stats) {
            this.stats = Objects.requireNonNull(stats, "stats");
            return this;
        }

        /**
         * Makes the thread of {@link TickLoop#start()}; by default a non-daemon thread named {@code mmo-tick-<name>}.
         *
         * @param factory the factory
         * @return this
         */
        public Builder threadFactory(final ThreadFactory factory) {
            this.threadFactory = Objects.requireNonNull(factory, "factory");
            return this;
        }

        /**
         * Validates the settings and builds the loop.
         *
         * @return a new loop in state {@link State#NEW}
         */
        public TickLoop build() {
            if (name.isEmpty()) {
                throw new IllegalArgumentException("name must not be empty");
            }
            if (threadFactory == null) {
                final String threadName = "mmo-tick-" + name;
                threadFactory = r -> new Thread(r, threadName);
            }
            return new TickLoop(this);
        }
    }
}

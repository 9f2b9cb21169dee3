package org.mmosdk.core.tick;

/**
 * The work of one tick, e.g. a zone: drain inputs, run systems, send snapshots. Runs on the loop's thread.
 */
@FunctionalInterface
public interface Tickable {
    /**
     * Runs tick number {@code tick}. Ticks are numbered 0, 1, 2, … in the order they run; a skipped slot does
     * not consume a number, so a simulation can always advance by one fixed step.
     *
     * @param tick the tick number
     * @throws Exception reported to the loop's {@link TickErrorHandler}
     */
    void onTick(long tick) throws Exception;

    /**
     * Called once on the loop's thread before the first tick.
     *
     * @throws Exception reported to the error handler; the loop then fails without running a tick
     */
    default void onStart() throws Exception {
    }

    /**
     * Called once on the loop's thread after the last tick, also when the loop stops because of an error.
     *
     * @throws Exception logged
     */
    default void onStop() throws Exception {
    }
}

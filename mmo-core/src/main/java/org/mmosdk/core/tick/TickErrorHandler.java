package org.mmosdk.core.tick;

/**
 * Decides what a {@link TickLoop} does when a tick throws. Runs on the loop's thread. A handler that itself
 * throws stops the loop (the loop is then {@link TickLoop.State#FAILED}).
 */
@FunctionalInterface
public interface TickErrorHandler {
    /** What the loop does after an error. */
    enum Action {
        /** Keep ticking: the zone stays alive; the next tick runs on schedule. */
        CONTINUE,
        /** Stop the loop cleanly ({@link Tickable#onStop()} runs); the loop ends {@link TickLoop.State#FAILED}. */
        STOP
    }

    /**
     * Called after tick {@code tick} threw {@code error}.
     *
     * @param loop the loop
     * @param tick the tick number that failed
     * @param error what it threw
     * @return what to do next
     */
    Action onTickError(TickLoop loop, long tick, Throwable error);
}

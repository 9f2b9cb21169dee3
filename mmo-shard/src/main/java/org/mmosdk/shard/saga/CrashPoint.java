package org.mmosdk.shard.saga;

/**
 * A test hook called at every boundary of a saga's run; a test throws from it to simulate a coordinator crash
 * there. Package-private: production code uses {@link #NONE}.
 */
@FunctionalInterface
interface CrashPoint {
    /** No crashes. */
    CrashPoint NONE = (where, sagaId, step) -> {
    };

    /** The boundaries, in the order a saga passes them. */
    enum Where {
        BEFORE_START_LOG, AFTER_START_LOG,
        BEFORE_STEP_LOG, AFTER_STEP_LOG, AFTER_EXECUTE_CALL, AFTER_DONE_LOG,
        AFTER_ABORT_LOG,
        BEFORE_COMPENSATE_CALL, AFTER_COMPENSATE_CALL, AFTER_COMPENSATED_LOG,
        BEFORE_END_LOG, AFTER_END_LOG
    }

    /**
     * Called at a boundary.
     *
     * @param where which boundary
     * @param sagaId the saga
     * @param step the step, or -1
     */
    void at(Where where, long sagaId, int step);
}

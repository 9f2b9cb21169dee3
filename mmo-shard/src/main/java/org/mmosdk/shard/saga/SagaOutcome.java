package org.mmosdk.shard.saga;

/** How a saga ended, or that it has not ended yet. */
public enum SagaOutcome {
    /** Every step applied. */
    COMPLETED,
    /** A step was refused or kept failing; every step that may have applied was compensated. */
    COMPENSATED,
    /**
     * Compensation kept failing (a participant unreachable); the saga stays in the log and
     * {@link SagaOrchestrator#recover()} finishes it later.
     */
    PENDING
}

package org.mmosdk.shard.saga;

import java.nio.ByteBuffer;

/**
 * One step of a saga: a call to a participant (usually on another node) and its compensation.
 *
 * <p>The orchestrator calls a step more than once with the same {@link StepId} after failures and crashes, so a
 * participant must keep these rules, keyed by the id:
 * <ol>
 *   <li>{@code execute} is idempotent: the first call decides (apply, or refuse), later calls apply nothing more
 *       and return the same answer.</li>
 *   <li>{@code compensate} is idempotent and undoes what {@code execute} applied under the id. If {@code execute}
 *       has not applied (yet), it leaves a tombstone: a later {@code execute} with that id (a delayed or retried
 *       message) applies nothing and returns false.</li>
 *   <li>{@code compensate} never refuses; it may throw on a transient failure and is retried.</li>
 * </ol>
 *
 * <p>Called on the thread that runs the saga ({@link SagaOrchestrator#run} or {@link SagaOrchestrator#recover});
 * a call may block (a network round trip) and should have its own timeout.
 */
public interface SagaStep {
    /**
     * Applies the step.
     *
     * @param id the idempotency key
     * @param input the saga's input, read-only, positioned at 0
     * @return true if applied (now or earlier), false if the participant refuses (business rule; the saga then
     *     compensates)
     * @throws Exception on a transient failure; the outcome is unknown and the call is retried
     */
    boolean execute(StepId id, ByteBuffer input) throws Exception;

    /**
     * Undoes the step, or makes sure it never applies.
     *
     * @param id the idempotency key
     * @param input the saga's input, read-only, positioned at 0
     * @throws Exception on a transient failure; the call is retried
     */
    void compensate(StepId id, ByteBuffer input) throws Exception;
}

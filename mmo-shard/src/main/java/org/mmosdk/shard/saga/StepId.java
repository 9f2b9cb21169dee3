package org.mmosdk.shard.saga;

/**
 * The idempotency key of one step of one saga: participants apply each id at most once, and remember what they
 * answered.
 *
 * @param sagaId the saga, unique for the life of a saga log
 * @param step the step's index in its {@link SagaDefinition}, from 0
 */
public record StepId(long sagaId, int step) {
    @Override
    public String toString() {
        return sagaId + "/" + step;
    }
}

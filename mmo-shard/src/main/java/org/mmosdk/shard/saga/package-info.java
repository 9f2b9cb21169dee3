/**
 * Sagas: cross-node operations that must not half-happen (a trade between players on two nodes), as steps with
 * compensations, driven by a {@link org.mmosdk.shard.saga.SagaOrchestrator} that records every decision in a
 * durable, append-only, CRC32C-checksummed log (the record format of
 * {@link org.mmosdk.shard.checkpoint.RecordLog}). After a coordinator crash, a new orchestrator on the same log
 * resumes each open saga forward or compensates it backwards; every saga ends fully applied or fully
 * compensated.
 *
 * <p>Participants make this work by being idempotent per {@link org.mmosdk.shard.saga.StepId} (saga id + step
 * index): see the rules on {@link org.mmosdk.shard.saga.SagaStep}.
 *
 * <p><b>Threads.</b> {@code SagaOrchestrator.run} and {@code recover} may be called from any thread except a
 * tick thread: they block on participant calls and on forcing the log. Several threads may run different sagas
 * at once. Steps are called on the thread that runs their saga, one call at a time per saga. A zone that takes
 * part in a saga receives the step as a message and applies it on its own tick thread; the step's call returns
 * when the zone has answered. {@code SagaDefinition}, {@code StepId} and results are immutable.
 */
package org.mmosdk.shard.saga;

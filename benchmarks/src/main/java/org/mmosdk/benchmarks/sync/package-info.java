/**
 * Benchmarks of mmo-sync: {@link org.mmosdk.benchmarks.sync.RollbackBenchmark} (restore + re-simulate 8 frames of a
 * 10k-entity world; issue 5 target: well inside a 16 ms frame).
 *
 * <p>Threads: each benchmark state belongs to the JMH worker thread that uses it.
 */
package org.mmosdk.benchmarks.sync;

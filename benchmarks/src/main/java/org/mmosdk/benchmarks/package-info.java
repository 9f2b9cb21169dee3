/**
 * JMH benchmarks. Each benchmark class states what it measures and what it compares against; run them all with
 * {@code java -jar benchmarks/target/benchmarks.jar}, add {@code -prof gc} for bytes per operation.
 *
 * <p>Threads: JMH owns them; state objects are per thread unless annotated otherwise.
 */
package org.mmosdk.benchmarks;

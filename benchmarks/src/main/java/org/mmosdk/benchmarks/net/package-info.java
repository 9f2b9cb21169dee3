/**
 * Benchmarks of mmo-net: the gateway's server pipeline (frame decoder, limits, verification, dispatch, framing of
 * the answer) against a plain Netty echo pipeline in the same run.
 *
 * <p>Threads: JMH owns them; all state is {@code Scope.Thread}, and each benchmark drives its own
 * {@code EmbeddedChannel} on the benchmark thread.
 */
package org.mmosdk.benchmarks.net;

/**
 * Benchmarks of mmo-core: the wire envelope (encode, verify, dispatch) and the tick loop.
 *
 * <p>Threads: JMH owns them; all state is {@code Scope.Thread}.
 */
package org.mmosdk.benchmarks.core;

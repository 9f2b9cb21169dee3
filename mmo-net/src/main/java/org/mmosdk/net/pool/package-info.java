/**
 * Outbound connections for server-to-server links: {@link org.mmosdk.net.pool.ConnectionPool}, a bounded pool of
 * channels to one remote address built on Netty's {@code FixedChannelPool}, with health checks on borrow, on return
 * and periodically, idle eviction, an acquire timeout and stats in mmo-core's {@code StatsRegistry}.
 *
 * <p>Threads: every method of {@code ConnectionPool} may be called from any thread; {@code acquire} never blocks
 * (it returns a future, completed on one of the pool's event loop threads). A channel acquired belongs to the caller
 * until it hands it back with {@code release}, once. The builder belongs to the thread building it.
 */
package org.mmosdk.net.pool;

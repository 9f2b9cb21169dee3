/**
 * Binds a {@link org.mmosdk.core.stats.StatsRegistry} to a Micrometer {@code MeterRegistry}.
 *
 * <p>Micrometer is an optional dependency of mmo-core: add {@code io.micrometer:micrometer-core} yourself to use
 * this package; nothing else in mmo-sdk loads it. Threads: bind from any thread, typically at start-up.
 */
package org.mmosdk.core.stats.micrometer;

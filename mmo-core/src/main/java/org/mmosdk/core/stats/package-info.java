/**
 * Counters, gauges and latency histograms that cost nothing to update on a hot path and that a studio can
 * read directly or bind to its metrics backend (see {@link org.mmosdk.core.stats.micrometer}).
 *
 * <p>Threads: {@link org.mmosdk.core.stats.Counter#increment()}, {@link org.mmosdk.core.stats.Counter#add(long)} and
 * {@link org.mmosdk.core.stats.LatencyHistogram#record(long)} are safe from any thread and allocate nothing.
 * Reading (values, {@link org.mmosdk.core.stats.LatencyHistogram#snapshot()}) is safe from any thread.
 * {@link org.mmosdk.core.stats.StatsRegistry} is thread-safe; registering is meant for start-up, not hot paths.
 *
 * <p>Names are dotted lower case ({@code tick.duration}); tags are {@code key=value} pairs given as alternating
 * strings. The same name and tags always return the same instrument.
 */
package org.mmosdk.core.stats;

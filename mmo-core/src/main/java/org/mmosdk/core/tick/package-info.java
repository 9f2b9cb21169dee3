/**
 * The fixed-rate {@link org.mmosdk.core.tick.TickLoop} that drives a zone.
 *
 * <p>Threads: a loop runs its {@link org.mmosdk.core.tick.Tickable} on exactly one thread at a time — the loop's
 * own thread after {@link org.mmosdk.core.tick.TickLoop#start()}, or the caller of
 * {@link org.mmosdk.core.tick.TickLoop#doWork()} when the loop is driven by hand (tests with a
 * {@link org.mmosdk.core.time.VirtualClock}, or an Agrona {@code AgentRunner}). Never mix the two.
 * {@link org.mmosdk.core.tick.TickLoop#stop()}, {@link org.mmosdk.core.tick.TickLoop#awaitTermination(java.time.Duration)}
 * and every getter are safe from any thread. The error handler runs on the loop's thread.
 */
package org.mmosdk.core.tick;

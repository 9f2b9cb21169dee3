/**
 * Clocks. Everything in mmo-sdk that needs the time reads it from a {@link org.mmosdk.core.time.Clock}, so a
 * test can swap in a {@link org.mmosdk.core.time.VirtualClock} and drive time by hand.
 *
 * <p>Threads: {@link org.mmosdk.core.time.SystemClock} is stateless and may be called from any thread.
 * {@link org.mmosdk.core.time.VirtualClock} is thread-safe: any thread may read, advance or park on it.
 */
package org.mmosdk.core.time;

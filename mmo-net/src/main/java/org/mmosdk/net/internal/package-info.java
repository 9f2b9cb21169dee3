/**
 * Plumbing shared by the gateway and the client: transport selection, framing, control-message encoding and the
 * RTT estimator. Public only so that both packages can use it; not an API, it may change in any release.
 *
 * <p>Threads: {@link org.mmosdk.net.internal.Transports} and {@link org.mmosdk.net.internal.Control} are stateless
 * and thread-safe. A {@link org.mmosdk.net.internal.TcpFrameDecoder} belongs to one channel (its I/O thread).
 * {@link org.mmosdk.net.internal.RttEstimator} is updated by one I/O thread and read by any thread.
 * Every inbound frame a decoder emits is a buffer of its own (never a slice of the cumulation), so it can be handed
 * to another thread and read there with {@code MessageDispatcher}.
 */
package org.mmosdk.net.internal;

/**
 * Plumbing shared by the gateway and the client: transport selection, framing, control-message encoding and the
 * RTT estimator. Public only so that both packages can use it; not an API, it may change in any release.
 *
 * <p>Threads: {@link org.mmosdk.net.internal.Transports} and {@link org.mmosdk.net.internal.Control} are stateless
 * and thread-safe. A {@link org.mmosdk.net.internal.TcpFrameDecoder} belongs to one channel (its I/O thread).
 * {@link org.mmosdk.net.internal.RttEstimator} is updated by one I/O thread and read by any thread.
 * A decoder without a sink emits every inbound frame as a buffer of its own (never a slice of the cumulation), so it
 * can be handed to another thread and read there with {@code MessageDispatcher}; a decoder with a
 * {@link org.mmosdk.net.internal.TcpFrameDecoder.FrameSink} lends the frame in place to the sink, on the I/O thread,
 * for the duration of the call only.
 */
package org.mmosdk.net.internal;

/**
 * mmo-net: the Netty gateway. {@link org.mmosdk.net.Gateway} (built by its builder) accepts clients over TCP
 * ({@code [u32 LE length][envelope]} frames) and WebSocket (one envelope per binary frame, optional TLS), runs the
 * handshake (Hello → {@link org.mmosdk.net.Authenticator} → Welcome or Reject), heartbeats (mmo-core Ping/Pong,
 * RTT per session), limits (frame size, connections, message rate) and hands verified messages to the
 * application's {@code MessageRegistry<Session>}.
 *
 * <p>Threads:
 * <ul>
 *   <li>{@link org.mmosdk.net.Session} and {@link org.mmosdk.net.SessionManager}: every method from any thread.
 *       {@code send} does not flush; the zone flushes once per tick.</li>
 *   <li>Message handlers, {@link org.mmosdk.net.SessionListener} and {@link org.mmosdk.net.Authenticator} are called on
 *       the session's I/O thread and must not block. A handler that hands a frame to a zone thread uses
 *       {@link org.mmosdk.net.Session#retainCurrentFrame()}, which returns a buffer exclusively the caller's (TCP
 *       frames are read in place in the receive buffer and copied only then);
 *       {@link org.mmosdk.net.Session#currentFrame()} lends the frame for the duration of the handler call only.</li>
 *   <li>{@link org.mmosdk.net.Gateway#start()} and {@link org.mmosdk.net.Gateway#shutdown(java.time.Duration)} from
 *       the owning thread, never from an I/O thread.</li>
 *   <li>Package-private classes ({@code ServerConnection}, {@code TokenBucket}, …) belong to one I/O thread unless
 *       their javadoc says otherwise.</li>
 * </ul>
 * <p>Backpressure and resume: a session above its write-buffer high water mark skips {@code DROPPABLE} messages;
 * reliable ones are queued up to a bound, beyond which the session closes with {@code SLOW_CONSUMER}. With
 * {@code Gateway.Builder.resume(...)} a dropped session stays detached for a grace period and a client presenting
 * its resume token gets it back ({@code SessionListener.onDetach}/{@code onResume}, called on I/O threads like
 * {@code onOpen}); reliable messages then carry sequence numbers (a {@code Seq} marker before each) that the client
 * acknowledges ({@code Ack}), and those not acknowledged are resent after the resume.
 *
 * Malformed input of one connection closes that connection only, with a logged reason and a {@code Close} message.
 */
package org.mmosdk.net;

package org.mmosdk.core.peer;

import java.nio.ByteBuffer;

/**
 * One remote party as seen from above the transport: send envelopes, flush once per tick, know the round-trip time,
 * close with a reason. Inbound messages arrive through a {@link org.mmosdk.core.wire.MessageRegistry} whose handlers
 * get the peer as their context.
 */
public interface Peer {
    /**
     * A process-unique id (a session id from {@link org.mmosdk.core.id.SessionIds} for network peers).
     *
     * @return the id
     */
    long id();

    /**
     * Queues a message without flushing; the bytes between the buffer's position and limit are copied, so the caller
     * may reuse the buffer at once.
     *
     * @param envelope {@code [u16 type id][FlatBuffers payload]}
     * @param delivery reliable, or droppable when the peer cannot keep up
     * @return true if queued; false if the peer is closed or a droppable message was skipped
     */
    boolean send(ByteBuffer envelope, Delivery delivery);

    /** Sends what was queued (call once per tick per peer). */
    void flush();

    /**
     * The smoothed round-trip time.
     *
     * @return nanoseconds, or -1 if not measured yet
     */
    long rttNanos();

    /**
     * Whether messages can still be sent.
     *
     * @return true until closed
     */
    boolean isOpen();

    /**
     * Closes the peer once, telling the remote party why.
     *
     * @param code a close code
     * @param reason a short human reason
     */
    void close(int code, String reason);
}

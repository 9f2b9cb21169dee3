package org.mmosdk.net;

/**
 * Learns when sessions open and close. Application messages go to the {@code MessageRegistry<Session>} given to the
 * {@link Gateway.Builder}; this listener sees the life cycle. Both are called on the session's I/O thread and must
 * not block: hand work to the zone thread (a queue) instead. An exception closes that session with
 * {@link CloseCodes#INTERNAL_ERROR}; other sessions are not affected.
 */
public interface SessionListener {
    /**
     * A client completed the handshake; the session is registered in {@link Gateway#sessions()} and its Welcome
     * was sent.
     *
     * @param session the new session
     */
    default void onOpen(final Session session) {
    }

    /**
     * A session that had opened is gone (exactly once per opened session, after the channel closed).
     *
     * @param session the session, no longer usable for sending
     * @param reason why it closed
     */
    default void onClose(final Session session, final CloseReason reason) {
    }
}

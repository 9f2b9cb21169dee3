package org.mmosdk.net;

/**
 * Learns when sessions open, detach, resume and close. Application messages go to the {@code MessageRegistry<Session>} given to the
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
     * The connection of a resumable session dropped; the session stays registered (reliable messages sent to it are
     * kept) until the client resumes it ({@link #onResume}) or the grace period ends ({@link #onClose} with
     * {@link CloseCodes#RESUME_EXPIRED}).
     *
     * @param session the detached session
     */
    default void onDetach(final Session session) {
    }

    /**
     * A client presented the session's resume token on a new connection: the same session (same id, attributes) is
     * attached again and the reliable messages the client had not acknowledged were resent. Not preceded by
     * {@link #onClose} nor followed by {@link #onOpen}.
     *
     * @param session the resumed session
     */
    default void onResume(final Session session) {
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

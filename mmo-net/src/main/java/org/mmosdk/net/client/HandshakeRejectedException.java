package org.mmosdk.net.client;

import org.mmosdk.net.CloseReason;

/** The connect future of a {@link GameClient} failed: the server rejected or closed the connection. */
public final class HandshakeRejectedException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why. */
    private final transient CloseReason reason;

    HandshakeRejectedException(final CloseReason reason) {
        super(reason.toString());
        this.reason = reason;
    }

    /**
     * The server's code and reason.
     *
     * @return the reason
     */
    public CloseReason reason() {
        return reason;
    }
}

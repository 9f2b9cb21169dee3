package org.mmosdk.shard.membership;

/** The coordination service failed or did not answer in time; the operation's outcome is unknown. */
public final class MembershipException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception.
     *
     * @param message what was attempted
     * @param cause the underlying failure
     */
    public MembershipException(final String message, final Throwable cause) {
        super(message, cause);
    }
}

package org.mmosdk.net;

import java.util.Objects;

/**
 * The answer of an {@link Authenticator}: accepted with a principal (who the player is), or rejected with a
 * code and a reason that the client receives in {@code Reject}.
 */
public final class AuthResult {
    private final boolean accepted;
    private final String principal;
    private final int code;
    private final String reason;

    private AuthResult(final boolean accepted, final String principal, final int code, final String reason) {
        this.accepted = accepted;
        this.principal = principal;
        this.code = code;
        this.reason = reason;
    }

    /**
     * Accepts the client.
     *
     * @param principal who the client is, e.g. an account id; available as {@link Session#principal()}
     * @return an accepting result
     */
    public static AuthResult accept(final String principal) {
        return new AuthResult(true, Objects.requireNonNull(principal, "principal"), 0, "");
    }

    /**
     * Rejects the client.
     *
     * @param code a {@link CloseCodes} value, usually {@link CloseCodes#AUTH_FAILED}, in [1, 65535]
     * @param reason text the client receives (at most 256 bytes are sent)
     * @return a rejecting result
     */
    public static AuthResult reject(final int code, final String reason) {
        if (code < 1 || code > 0xFFFF) {
            throw new IllegalArgumentException("code must be in [1, 65535], was " + code);
        }
        return new AuthResult(false, null, code, Objects.requireNonNull(reason, "reason"));
    }

    /**
     * Whether the client was accepted.
     *
     * @return true if accepted
     */
    public boolean accepted() {
        return accepted;
    }

    /**
     * Who the client is.
     *
     * @return the principal, or null when rejected
     */
    public String principal() {
        return principal;
    }

    /**
     * The rejection code.
     *
     * @return a close code, 0 when accepted
     */
    public int code() {
        return code;
    }

    /**
     * The rejection reason.
     *
     * @return text, empty when accepted
     */
    public String reason() {
        return reason;
    }

    @Override
    public String toString() {
        return accepted ? "accept(" + principal + ")" : "reject(" + CloseCodes.name(code) + ", " + reason + ")";
    }
}

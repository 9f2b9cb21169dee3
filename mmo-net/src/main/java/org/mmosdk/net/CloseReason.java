package org.mmosdk.net;

/**
 * Why a session or client connection closed.
 *
 * @param code a {@link CloseCodes} value or an application code
 * @param reason human-readable text, also sent to the peer (cut to 256 bytes)
 */
public record CloseReason(int code, String reason) {
    @Override
    public String toString() {
        return CloseCodes.name(code) + ": " + reason;
    }
}

package org.mmosdk.net;

/**
 * Why a connection closed: the {@code code} carried by mmo-core's {@code Close} message and by {@code Reject}, and
 * the tag of the {@code net.closes} / {@code net.rejects} stats. Codes fit in an unsigned short.
 * Codes below {@link #APPLICATION_FIRST} belong to mmo-net; an application may use its own codes from there on.
 */
public final class CloseCodes {
    /** Closed on purpose by either side, nothing went wrong. */
    public static final int NORMAL = 1;
    /** The gateway is shutting down. */
    public static final int SHUTDOWN = 2;
    /** The application closed the session (e.g. a kick). */
    public static final int KICKED = 3;
    /** The connection dropped without a Close message (never sent, only reported locally). */
    public static final int CONNECTION_LOST = 4;
    /** Bytes that do not follow the protocol: a message out of order, a text WebSocket frame, a malformed frame. */
    public static final int PROTOCOL_VIOLATION = 10;
    /** A message that failed verification, or a type id nobody handles. */
    public static final int BAD_MESSAGE = 11;
    /** A frame longer than the configured maximum. */
    public static final int FRAME_TOO_LARGE = 12;
    /** More messages per second than the rate limit allows (policy CLOSE). */
    public static final int RATE_LIMITED = 13;
    /** No Hello within the handshake deadline. */
    public static final int HANDSHAKE_TIMEOUT = 14;
    /** No traffic within the idle timeout. */
    public static final int IDLE_TIMEOUT = 15;
    /**
     * The session could not keep up: its bounded queue of reliable messages (unsent, or sent and not yet acknowledged
     * when resume is on) overflowed.
     */
    public static final int SLOW_CONSUMER = 16;
    /** The authenticator refused the credentials. */
    public static final int AUTH_FAILED = 20;
    /** The authenticator did not answer within its deadline. */
    public static final int AUTH_TIMEOUT = 21;
    /** The client speaks another protocol version. */
    public static final int VERSION_MISMATCH = 22;
    /** The gateway holds its maximum number of connections. */
    public static final int TOO_MANY_CONNECTIONS = 23;
    /** The client's address holds its maximum number of connections. */
    public static final int TOO_MANY_CONNECTIONS_FROM_IP = 24;
    /** A Hello presented a resume token of no session that can be resumed (unknown, expired or closed). */
    public static final int RESUME_FAILED = 25;
    /** The session was detached (connection dropped) and not resumed within the grace period. */
    public static final int RESUME_EXPIRED = 26;
    /** An application handler threw; the session was closed to keep the others safe. */
    public static final int INTERNAL_ERROR = 30;
    /** First code an application may use; the largest is 65535. */
    public static final int APPLICATION_FIRST = 1000;

    private static final String[] NAMES = new String[31];

    static {
        NAMES[NORMAL] = "NORMAL";
        NAMES[SHUTDOWN] = "SHUTDOWN";
        NAMES[KICKED] = "KICKED";
        NAMES[CONNECTION_LOST] = "CONNECTION_LOST";
        NAMES[PROTOCOL_VIOLATION] = "PROTOCOL_VIOLATION";
        NAMES[BAD_MESSAGE] = "BAD_MESSAGE";
        NAMES[FRAME_TOO_LARGE] = "FRAME_TOO_LARGE";
        NAMES[RATE_LIMITED] = "RATE_LIMITED";
        NAMES[HANDSHAKE_TIMEOUT] = "HANDSHAKE_TIMEOUT";
        NAMES[IDLE_TIMEOUT] = "IDLE_TIMEOUT";
        NAMES[AUTH_FAILED] = "AUTH_FAILED";
        NAMES[AUTH_TIMEOUT] = "AUTH_TIMEOUT";
        NAMES[VERSION_MISMATCH] = "VERSION_MISMATCH";
        NAMES[TOO_MANY_CONNECTIONS] = "TOO_MANY_CONNECTIONS";
        NAMES[TOO_MANY_CONNECTIONS_FROM_IP] = "TOO_MANY_CONNECTIONS_FROM_IP";
        NAMES[SLOW_CONSUMER] = "SLOW_CONSUMER";
        NAMES[RESUME_FAILED] = "RESUME_FAILED";
        NAMES[RESUME_EXPIRED] = "RESUME_EXPIRED";
        NAMES[INTERNAL_ERROR] = "INTERNAL_ERROR";
    }

    private CloseCodes() {
    }

    /**
     * The constant's name, for logs and stat tags.
     *
     * @param code a close code
     * @return e.g. {@code "RATE_LIMITED"}, {@code "APPLICATION(1007)"} or {@code "UNKNOWN(77)"}
     */
    public static String name(final int code) {
        if (code >= 0 && code < NAMES.length && NAMES[code] != null) {
            return NAMES[code];
        }
        return (code >= APPLICATION_FIRST ? "APPLICATION(" : "UNKNOWN(") + code + ")";
    }
}

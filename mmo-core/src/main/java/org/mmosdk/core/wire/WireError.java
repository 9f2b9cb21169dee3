package org.mmosdk.core.wire;

/**
 * Why a message was rejected: the negative codes that {@link PayloadVerifier} and {@link MessageDispatcher}
 * return on their hot paths instead of throwing. {@link #OK} is 0. Use {@link #name(int)} for logs.
 */
public final class WireError {
    /** Accepted. */
    public static final int OK = 0;
    /** Shorter than the envelope header or than a FlatBuffers root. */
    public static final int TRUNCATED = -1;
    /** Longer than the configured payload cap. */
    public static final int TOO_LARGE = -2;
    /** No handler is registered for the type id. */
    public static final int UNKNOWN_TYPE = -3;
    /** An offset or a length points outside the payload. */
    public static final int OUT_OF_BOUNDS = -4;
    /** A vtable is malformed (odd or too small size, or outside the payload). */
    public static final int BAD_VTABLE = -5;
    /** A field reaches past the end of its table. */
    public static final int FIELD_OUT_OF_TABLE = -6;
    /** A string or vector is longer than its {@code max_len}. */
    public static final int TOO_LONG = -7;
    /** A string has no terminating zero or is not valid UTF-8. */
    public static final int BAD_STRING = -8;
    /** A union's type tag names no member of the union. */
    public static final int BAD_UNION_TAG = -9;
    /** A field declared {@code (required)} is absent. */
    public static final int MISSING_REQUIRED = -10;
    /** Tables nest deeper than the verifier allows. */
    public static final int TOO_DEEP = -11;
    /** The payload has more objects, or more string bytes to scan, than the verifier allows. */
    public static final int TOO_COMPLEX = -12;
    /** The handler threw while processing an accepted message. */
    public static final int HANDLER_FAILED = -13;

    private static final String[] NAMES = {
        "OK", "TRUNCATED", "TOO_LARGE", "UNKNOWN_TYPE", "OUT_OF_BOUNDS", "BAD_VTABLE", "FIELD_OUT_OF_TABLE",
        "TOO_LONG", "BAD_STRING", "BAD_UNION_TAG", "MISSING_REQUIRED", "TOO_DEEP", "TOO_COMPLEX", "HANDLER_FAILED",
    };

    private WireError() {
    }

    /**
     * The constant's name, e.g. {@code "BAD_UNION_TAG"}.
     *
     * @param code a code from this class
     * @return its name, or {@code "UNKNOWN(<code>)"}
     */
    public static String name(final int code) {
        return code <= 0 && -code < NAMES.length ? NAMES[-code] : "UNKNOWN(" + code + ")";
    }
}

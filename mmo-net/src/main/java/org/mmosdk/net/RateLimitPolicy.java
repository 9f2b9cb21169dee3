package org.mmosdk.net;

/** What a session's rate limiter does with a message above the limit. */
public enum RateLimitPolicy {
    /** Drop the message silently and count it in {@code net.messages.dropped}. */
    DROP,
    /** Close the session with {@link CloseCodes#RATE_LIMITED}. */
    CLOSE
}

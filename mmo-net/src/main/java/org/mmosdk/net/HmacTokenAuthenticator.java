package org.mmosdk.net;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Accepts clients whose credentials are a token signed with HMAC-SHA256 under a shared key and not yet expired;
 * the token's subject becomes the session's principal. A login service issues tokens with {@link #issue}; the
 * gateway checks them without a round trip.
 *
 * <p>Token format (ASCII): {@code v1.<base64url(subject)>.<expiry, Unix seconds>.<base64url(HMAC of the part before
 * the last dot)>}. Signatures are compared in constant time. Thread-safe.
 */
public final class HmacTokenAuthenticator implements Authenticator {
    /** Shortest accepted key: 32 bytes. */
    public static final int MIN_KEY_BYTES = 32;
    /** Longest token accepted; longer credentials are rejected before parsing. */
    public static final int MAX_TOKEN_BYTES = 1024;
    /** Longest subject, in UTF-8 bytes. */
    public static final int MAX_SUBJECT_BYTES = 256;

    private static final String ALGORITHM = "HmacSHA256";
    private static final String VERSION = "v1";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private final SecretKeySpec key;
    private final Clock clock;

    /**
     * An authenticator over the system UTC clock.
     *
     * @param key the shared secret, at least {@link #MIN_KEY_BYTES} bytes (copied)
     */
    public HmacTokenAuthenticator(final byte[] key) {
        this(key, Clock.systemUTC());
    }

    /**
     * An authenticator with its own wall clock (tests use a fixed one).
     *
     * @param key the shared secret, at least {@link #MIN_KEY_BYTES} bytes (copied)
     * @param clock decides whether a token has expired
     */
    public HmacTokenAuthenticator(final byte[] key, final Clock clock) {
        if (key == null || key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("HMAC key must be at least " + MIN_KEY_BYTES + " bytes, was "
                + (key == null ? "null" : key.length + " bytes"));
        }
        this.key = new SecretKeySpec(key.clone(), ALGORITHM);
        this.clock = java.util.Objects.requireNonNull(clock, "clock");
    }

    /**
     * Issues a token.
     *
     * @param subject who the token names, 1 to {@link #MAX_SUBJECT_BYTES} UTF-8 bytes
     * @param expiresAt after this instant the token is refused
     * @return the token, to send as the client's credentials (UTF-8)
     */
    public String issue(final String subject, final Instant expiresAt) {
        final byte[] s = subject.getBytes(StandardCharsets.UTF_8);
        if (s.length == 0 || s.length > MAX_SUBJECT_BYTES) {
            throw new IllegalArgumentException("subject must be 1 to " + MAX_SUBJECT_BYTES + " UTF-8 bytes, was " + s.length);
        }
        final String body = VERSION + '.' + B64.encodeToString(s) + '.' + expiresAt.getEpochSecond();
        return body + '.' + B64.encodeToString(mac(body.getBytes(StandardCharsets.US_ASCII)));
    }

    /**
     * Checks a token.
     *
     * @param token the credentials as received; any bytes
     * @return the subject, or null if the token is malformed, badly signed or expired
     */
    public String verify(final byte[] token) {
        if (token == null || token.length < 8 || token.length > MAX_TOKEN_BYTES) {
            return null;
        }
        final int lastDot = lastIndexOf(token, token.length - 1);
        if (lastDot < 0) {
            return null;
        }
        final int expiryDot = lastIndexOf(token, lastDot - 1);
        final int versionDot = indexOf(token, 0);
        if (expiryDot < 0 || versionDot < 0 || versionDot >= expiryDot) {
            return null;
        }
        if (versionDot != VERSION.length() || token[0] != 'v' || token[1] != '1') {
            return null;
        }
        final byte[] expected = mac(java.util.Arrays.copyOf(token, lastDot));
        final byte[] given;
        final byte[] subject;
        final long expiry;
        try {
            given = B64D.decode(java.util.Arrays.copyOfRange(token, lastDot + 1, token.length));
            subject = B64D.decode(java.util.Arrays.copyOfRange(token, versionDot + 1, expiryDot));
            expiry = parseSeconds(token, expiryDot + 1, lastDot);
        } catch (final IllegalArgumentException e) {
            return null;
        }
        if (!MessageDigest.isEqual(expected, given) || expiry < 0) {
            return null;
        }
        if (clock.instant().getEpochSecond() >= expiry || subject.length == 0 || subject.length > MAX_SUBJECT_BYTES) {
            return null;
        }
        return new String(subject, StandardCharsets.UTF_8);
    }

    @Override
    public CompletionStage<AuthResult> authenticate(final HandshakeRequest request) {
        final String subject = verify(request.credentials());
        return CompletableFuture.completedFuture(subject != null
            ? AuthResult.accept(subject)
            : AuthResult.reject(CloseCodes.AUTH_FAILED, "invalid or expired token"));
    }

    private byte[] mac(final byte[] data) {
        try {
            final Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac.doFinal(data);
        } catch (final GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private static long parseSeconds(final byte[] b, final int from, final int to) {
        if (to - from < 1 || to - from > 18) {
            throw new IllegalArgumentException("bad expiry length");
        }
        long v = 0;
        for (int i = from; i < to; i++) {
            final int d = b[i] - '0';
            if (d < 0 || d > 9) {
                throw new IllegalArgumentException("bad expiry digit");
            }
            v = v * 10 + d;
        }
        return v;
    }

    private static int lastIndexOf(final byte[] b, final int from) {
        for (int i = from; i >= 0; i--) {
            if (b[i] == '.') {
                return i;
            }
        }
        return -1;
    }

    private static int indexOf(final byte[] b, final int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == '.') {
                return i;
            }
        }
        return -1;
    }
}

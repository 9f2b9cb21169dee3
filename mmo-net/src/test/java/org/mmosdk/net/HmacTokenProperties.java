package org.mmosdk.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/** The HMAC token parser is a decoder of untrusted bytes: it must refuse everything it did not issue. */
class HmacTokenProperties {
    static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    final HmacTokenAuthenticator auth = new HmacTokenAuthenticator(KEY, Clock.fixed(NOW, ZoneOffset.UTC));

    @Property(tries = 2000)
    void randomBytesNeverVerify(@ForAll @Size(max = 1100) final byte[] junk) {
        assertThat(auth.verify(junk)).isNull();
    }

    @Property(tries = 500)
    void issuedTokensVerifyUntilTheyExpire(@ForAll @StringLength(min = 1, max = 80) final String subject,
        @ForAll @IntRange(min = 1, max = 100_000) final int ttl) {
        final String token = auth.issue(subject, NOW.plusSeconds(ttl));
        final String expectedSubject = new String(subject.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
        assertThat(auth.verify(token.getBytes(StandardCharsets.US_ASCII))).isEqualTo(expectedSubject);
        final HmacTokenAuthenticator later = new HmacTokenAuthenticator(KEY, Clock.fixed(NOW.plusSeconds(ttl), ZoneOffset.UTC));
        assertThat(later.verify(token.getBytes(StandardCharsets.US_ASCII))).isNull();
    }

    @Property(tries = 1000)
    void anyFlippedByteBreaksTheToken(@ForAll @StringLength(min = 1, max = 40) final String subject,
        @ForAll @IntRange(min = 0, max = 10_000) final int position, @ForAll @IntRange(min = 1, max = 255) final int flip) {
        final byte[] token = auth.issue(subject, NOW.plusSeconds(60)).getBytes(StandardCharsets.US_ASCII);
        final int i = position % token.length;
        token[i] = (byte) (token[i] ^ flip);
        final String result = auth.verify(token);
        // flipping a base64 char's ignored low bits may keep the same bytes; anything else must fail
        if (result != null) {
            assertThat(result).isEqualTo(new String(subject.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
        }
    }

    @Test
    void otherKeysAreRefused() {
        final byte[] other = KEY.clone();
        other[0] ^= 1;
        final String token = new HmacTokenAuthenticator(other, Clock.fixed(NOW, ZoneOffset.UTC)).issue("eve", NOW.plusSeconds(60));
        assertThat(auth.verify(token.getBytes(StandardCharsets.US_ASCII))).isNull();
    }

    @Test
    void shortKeysAreRefusedWithTheNumbers() {
        assertThatThrownBy(() -> new HmacTokenAuthenticator(new byte[12]))
            .hasMessage("HMAC key must be at least 32 bytes, was 12 bytes");
    }
}

package org.mmosdk.core.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** The verifier's UTF-8 check (ASCII eight bytes at a time) against a byte-at-a-time reference and the JDK. */
class Utf8CheckProperties {
    /** The check as it was before the ASCII fast path: one byte at a time. */
    static int reference(final ByteBuffer bb, final int from, final int to) {
        int i = from;
        while (i < to) {
            final int b0 = bb.get(i);
            if (b0 >= 0) {
                i++;
                continue;
            }
            final int lead = b0 & 0xFF;
            final int need;
            final int min;
            if (lead >= 0xC2 && lead <= 0xDF) {
                need = 1;
                min = 0x80;
            } else if (lead >= 0xE0 && lead <= 0xEF) {
                need = 2;
                min = 0x800;
            } else if (lead >= 0xF0 && lead <= 0xF4) {
                need = 3;
                min = 0x10000;
            } else {
                return i;
            }
            if (i + need >= to) {
                return i;
            }
            int cp = lead & (0x3F >> need);
            for (int k = 1; k <= need; k++) {
                final int c = bb.get(i + k) & 0xFF;
                if ((c & 0xC0) != 0x80) {
                    return i;
                }
                cp = (cp << 6) | (c & 0x3F);
            }
            if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
                return i;
            }
            i += need + 1;
        }
        return -1;
    }

    /** Mostly ASCII with runs of valid multi-byte text, and now and then a random byte. */
    static byte[] text(final SplittableRandom rng, final int length, final int noise) {
        final StringBuilder sb = new StringBuilder();
        while (sb.length() < length) {
            final int kind = rng.nextInt(10);
            if (kind < 6) {
                sb.append((char) rng.nextInt(0x20, 0x7F));
            } else if (kind < 8) {
                sb.append((char) rng.nextInt(0x80, 0x800));
            } else if (kind < 9) {
                sb.append((char) rng.nextInt(0x800, 0xD800));
            } else {
                sb.appendCodePoint(rng.nextInt(0x10000, 0x110000));
            }
        }
        final byte[] b = sb.toString().getBytes(StandardCharsets.UTF_8);
        for (int k = 0; k < noise; k++) {
            b[rng.nextInt(b.length)] = (byte) rng.nextInt(256);
        }
        return b;
    }

    @Property(tries = 2000)
    void agreesWithTheByteAtATimeCheckAndTheJdk(@ForAll final long seed, @ForAll @IntRange(min = 1, max = 200) final int length,
        @ForAll @IntRange(min = 0, max = 3) final int noise, @ForAll final boolean direct) {
        final SplittableRandom rng = new SplittableRandom(seed);
        final byte[] b = text(rng, length, noise);
        final int pad = rng.nextInt(9);
        final ByteBuffer bb = direct ? ByteBuffer.allocateDirect(b.length + 2 * pad) : ByteBuffer.allocate(b.length + 2 * pad);
        for (int k = 0; k < pad; k++) {
            bb.put(k, (byte) 0xFF);     // invalid bytes around the string: never read
            bb.put(pad + b.length + k, (byte) 0xFF);
        }
        for (int k = 0; k < b.length; k++) {
            bb.put(pad + k, b[k]);
        }
        final int got = PayloadVerifier.firstInvalidUtf8(bb, pad, pad + b.length);
        assertThat(got).isEqualTo(reference(bb, pad, pad + b.length));
        boolean jdkValid = true;
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b));
        } catch (final CharacterCodingException e) {
            jdkValid = false;
        }
        assertThat(got < 0).isEqualTo(jdkValid);
        if (noise == 0) {
            assertThat(got).isEqualTo(-1);
            assertThat(CharBuffer.wrap(new String(b, StandardCharsets.UTF_8)).length()).isPositive();
        }
    }
}

package org.mmosdk.core.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.mmosdk.core.wire.fb.Close;

/**
 * The verifier, compiled into flat per-table programs, against the walk it replaced ({@link ReferencePayloadVerifier},
 * unchanged from 0cde13c): on valid, mutated and random payloads, placed at any offset of heap and direct buffers, with
 * tight and default limits, both return the same code and describe the failure with the same words and position.
 */
class PayloadVerifierEquivalenceProperties {
    private static final TableSchema CLOSE = MessageTypes.coreSchema().table(Close.class);

    @Property(tries = 300)
    void sameVerdictOnValidAndMutatedPayloads(
        @ForAll final long seed, @ForAll final boolean direct, @ForAll @IntRange(min = 0, max = 4) final int limits) {
        final Random random = new Random(seed);
        final Pair pair = pair(limits);
        for (int s = 0; s < 10; s++) {
            final byte[] valid = TestMessages.randomEverything(random, 1 + random.nextInt(4));
            check(pair, valid, random, direct, TestMessages.EVERYTHING);
            for (int m = 0; m < 40; m++) {
                check(pair, PayloadVerifierFuzzTest.mutate(random, valid), random, direct, TestMessages.EVERYTHING);
            }
        }
    }

    @Property(tries = 300)
    void sameVerdictOnRandomBytes(@ForAll final long seed, @ForAll final boolean direct,
        @ForAll @IntRange(min = 0, max = 4) final int limits) {
        final Random random = new Random(seed);
        final Pair pair = pair(limits);
        for (int i = 0; i < 100; i++) {
            final byte[] garbage = TestMessages.randomBytes(random, random.nextInt(96));
            // small offsets everywhere make more of them land inside the payload
            for (int p = 0; p + 4 <= garbage.length; p += 4) {
                if (random.nextInt(3) == 0) {
                    ByteBuffer.wrap(garbage).order(ByteOrder.LITTLE_ENDIAN).putInt(p, random.nextInt(garbage.length + 8) - 4);
                }
            }
            check(pair, garbage, random, direct, random.nextBoolean() ? TestMessages.EVERYTHING : CLOSE);
        }
    }

    @Property(tries = 200)
    void sameVerdictOnBoundsOutsideTheBuffer(
        @ForAll @IntRange(min = -8, max = 80) final int offset, @ForAll @IntRange(min = -8, max = 80) final int length,
        @ForAll final boolean direct) {
        final byte[] valid = TestMessages.randomEverything(new Random(offset * 131L + length), 2);
        final ByteBuffer bb = place(valid, 0, valid.length, direct);
        final ReferencePayloadVerifier reference = new ReferencePayloadVerifier();
        final PayloadVerifier verifier = new PayloadVerifier();
        final int expected = reference.verify(bb, offset, length, TestMessages.EVERYTHING);
        assertThat(verifier.verify(bb, offset, length, TestMessages.EVERYTHING)).isEqualTo(expected);
        assertThat(verifier.lastError()).isEqualTo(reference.lastError());
    }

    private record Pair(ReferencePayloadVerifier reference, PayloadVerifier verifier) {
    }

    /** Limits 0: the defaults; 1-4: tight depth, object and UTF-8 settings, so that TOO_DEEP and TOO_COMPLEX come up. */
    private static Pair pair(final int limits) {
        return switch (limits) {
            case 0 -> new Pair(new ReferencePayloadVerifier(), new PayloadVerifier());
            case 1 -> new Pair(new ReferencePayloadVerifier(2, 100_000, true), new PayloadVerifier(2, 100_000, true));
            case 2 -> new Pair(new ReferencePayloadVerifier(64, 6, true), new PayloadVerifier(64, 6, true));
            case 3 -> new Pair(new ReferencePayloadVerifier(64, 100_000, false), new PayloadVerifier(64, 100_000, false));
            default -> new Pair(new ReferencePayloadVerifier(3, 12, false), new PayloadVerifier(3, 12, false));
        };
    }

    private static void check(final Pair pair, final byte[] payload, final Random random, final boolean direct,
        final TableSchema root) {
        final int offset = random.nextInt(8);
        final ByteBuffer bb = place(payload, offset, random.nextInt(8), direct);
        final int expected = pair.reference.verify(bb, offset, payload.length, root);
        final int got = pair.verifier.verify(bb, offset, payload.length, root);
        assertThat(got).as(() -> "verdict on " + hex(payload)).isEqualTo(expected);
        assertThat(pair.verifier.lastErrorCode()).isEqualTo(pair.reference.lastErrorCode());
        assertThat(pair.verifier.lastError()).as(() -> "description on " + hex(payload)).isEqualTo(pair.reference.lastError());
        assertThat(bb.order()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
    }

    /** The payload at {@code offset} of a heap or direct buffer, with {@code tail} bytes of 0xFF after it. */
    private static ByteBuffer place(final byte[] payload, final int offset, final int tail, final boolean direct) {
        final int n = offset + payload.length + tail;
        final ByteBuffer bb = direct ? ByteBuffer.allocateDirect(n) : ByteBuffer.allocate(n);
        for (int i = 0; i < n; i++) {
            bb.put(i, (byte) 0xFF);
        }
        for (int i = 0; i < payload.length; i++) {
            bb.put(offset + i, payload[i]);
        }
        bb.order(ByteOrder.BIG_ENDIAN); // the verifiers set little-endian themselves
        return bb;
    }

    private static String hex(final byte[] bytes) {
        final StringBuilder sb = new StringBuilder();
        for (final byte b : bytes) {
            sb.append(String.format("%02x", b & 0xFF));
        }
        return sb.toString();
    }
}

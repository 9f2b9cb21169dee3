package org.mmosdk.core.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Feeds the verifier well over 100k random and mutated payloads. The oracle: the verifier never throws, and
 * whenever it accepts a payload, reading every field through the generated accessors never throws either.
 * It must also allocate nothing, whatever lengths the input claims.
 */
@Tag("slow")
class PayloadVerifierFuzzTest {
    private static final int VALID_SEEDS = 2_000;
    private static final int MUTATIONS_PER_SEED = 50;
    private static final int RANDOM_BUFFERS = 20_000;

    @Test
    void mutatedAndRandomPayloadsAreRejectedCleanlyOrReadSafely() {
        final Random random = new Random(0x5EED);
        final PayloadVerifier verifier = new PayloadVerifier();
        long accepted = 0;
        long rejected = 0;
        long total = 0;
        final long[] byCode = new long[16];
        for (int s = 0; s < VALID_SEEDS; s++) {
            final byte[] valid = TestMessages.randomEverything(random, 3);
            assertThat(check(verifier, valid, 0, valid.length)).as("a valid payload").isEqualTo(WireError.OK);
            for (int m = 0; m < MUTATIONS_PER_SEED; m++) {
                final byte[] mutated = mutate(random, valid);
                final int offset = random.nextInt(4);
                final byte[] placed = new byte[mutated.length + offset + random.nextInt(4)];
                System.arraycopy(mutated, 0, placed, offset, mutated.length);
                final int rc = check(verifier, placed, offset, mutated.length);
                total++;
                byCode[-rc]++;
                if (rc == WireError.OK) {
                    accepted++;
                } else {
                    rejected++;
                }
            }
        }
        for (int i = 0; i < RANDOM_BUFFERS; i++) {
            final byte[] garbage = TestMessages.randomBytes(random, random.nextInt(200));
            final int rc = check(verifier, garbage, 0, garbage.length);
            total++;
            byCode[-rc]++;
            if (rc == WireError.OK) {
                accepted++;
            } else {
                rejected++;
            }
        }
        System.out.printf("verifier fuzz: %d payloads, %d accepted and read safely, %d rejected; by code %s%n",
            total, accepted, rejected, describe(byCode));
        assertThat(total).isGreaterThanOrEqualTo(100_000);
        assertThat(rejected).isGreaterThan(total / 10);
        assertThat(accepted).isGreaterThan(0);
    }

    @Test
    void verifyingAllocatesNothingWhateverTheClaimedLengths() {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        final Random random = new Random(7);
        final PayloadVerifier verifier = new PayloadVerifier();
        final ByteBuffer[] inputs = new ByteBuffer[2_000];
        for (int i = 0; i < inputs.length; i++) {
            final byte[] valid = TestMessages.randomEverything(random, 2);
            final byte[] mutated = i % 2 == 0 ? valid : mutate(random, valid);
            // claim absurd lengths everywhere: every 4-byte group set to 0x7FFFFFF0 with some probability
            for (int p = 0; p + 4 <= mutated.length; p += 4) {
                if (random.nextInt(20) == 0) {
                    ByteBuffer.wrap(mutated).order(ByteOrder.LITTLE_ENDIAN).putInt(p, 0x7FFF_FFF0);
                }
            }
            inputs[i] = ByteBuffer.wrap(mutated);
        }
        for (final ByteBuffer in : inputs) { // warm up
            verifier.verify(in, 0, in.capacity(), TestMessages.EVERYTHING);
        }
        final long before = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
        long sink = 0;
        for (int round = 0; round < 10; round++) {
            for (final ByteBuffer in : inputs) {
                sink += verifier.verify(in, 0, in.capacity(), TestMessages.EVERYTHING);
            }
        }
        final long allocated = threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
        System.out.printf("verifier allocation: %d bytes over %d calls (sink %d)%n", allocated, 10 * inputs.length, sink);
        // 20k calls; a few hundred bytes of measurement noise are tolerated, one allocation per call is not
        assertThat(allocated).isLessThan(4_096);
    }

    static int check(final PayloadVerifier verifier, final byte[] bytes, final int offset, final int length) {
        final ByteBuffer bb = ByteBuffer.wrap(bytes);
        final int rc;
        try {
            rc = verifier.verify(bb, offset, length, TestMessages.EVERYTHING);
        } catch (final RuntimeException e) {
            throw new AssertionError("verifier threw on " + Arrays.toString(bytes), e);
        }
        if (rc == WireError.OK) {
            final ByteBuffer payload = ByteBuffer.wrap(bytes, offset, length).slice();
            try {
                TestMessages.readAll(payload);
            } catch (final RuntimeException e) {
                throw new AssertionError("verifier accepted a payload that cannot be read: " + Arrays.toString(
                    Arrays.copyOfRange(bytes, offset, offset + length)), e);
            }
        } else {
            assertThat(verifier.lastError()).startsWith(WireError.name(rc));
        }
        return rc;
    }

    static byte[] mutate(final Random r, final byte[] valid) {
        byte[] out = valid.clone();
        final int edits = 1 + r.nextInt(4);
        for (int e = 0; e < edits; e++) {
            if (out.length == 0) {
                break;
            }
            switch (r.nextInt(7)) {
                case 0 -> out[r.nextInt(out.length)] ^= (byte) (1 << r.nextInt(8));
                case 1 -> out[r.nextInt(out.length)] = (byte) r.nextInt();
                case 2 -> out = Arrays.copyOf(out, r.nextInt(out.length));
                case 3 -> {
                    if (out.length >= 4) {
                        final int p = r.nextInt(out.length - 3) & ~3;
                        final int[] extremes = {0, -1, 0x7FFF_FFFF, 0x8000_0000, out.length, -out.length, 4, 0xFFFF};
                        ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putInt(p, extremes[r.nextInt(extremes.length)]);
                    }
                }
                case 4 -> {
                    if (out.length >= 2) {
                        final int p = r.nextInt(out.length - 1) & ~1;
                        ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putShort(p, (short) r.nextInt(0x10000));
                    }
                }
                case 5 -> {
                    final byte[] longer = Arrays.copyOf(out, out.length + 1 + r.nextInt(16));
                    for (int i = out.length; i < longer.length; i++) {
                        longer[i] = (byte) r.nextInt();
                    }
                    out = longer;
                }
                default -> {
                    final int p = r.nextInt(out.length);
                    out[p] = (byte) (r.nextBoolean() ? 0x80 : 0xFF);
                }
            }
        }
        return out;
    }

    private static String describe(final long[] byCode) {
        final StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < byCode.length; i++) {
            if (byCode[i] > 0) {
                sb.append(sb.length() > 1 ? ", " : "").append(WireError.name(-i)).append('=').append(byCode[i]);
            }
        }
        return sb.append('}').toString();
    }
}

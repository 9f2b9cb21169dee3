package org.mmosdk.sync;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Bits appended least-significant first into a growable byte array; reused, allocation-free once grown. Bits gather in
 * a 64-bit accumulator that is stored 8 bytes at a time (little-endian), so a field costs a few register operations
 * and memory is written once per 64 bits. {@link #array()} stores the partial accumulator first.
 */
final class BitWriter {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private byte[] buf;
    /** Bytes stored (a multiple of 8). */
    private int stored;
    /** Bits not yet stored, in the low {@link #accBits} bits. */
    private long acc;
    private int accBits;

    BitWriter(final int initialBytes) {
        this.buf = new byte[Math.max(16, (initialBytes + 7) & ~7)];
    }

    void reset() {
        stored = 0;
        acc = 0;
        accBits = 0;
    }

    int bitPosition() {
        return stored * 8 + accBits;
    }

    int byteLength() {
        return stored + ((accBits + 7) >>> 3);
    }

    /** The bytes written, valid for {@link #byteLength()} bytes (past that, zeros or stale bytes). */
    byte[] array() {
        if (accBits > 0) {
            ensure(stored + 8);
            LONGS.set(buf, stored, acc);
        }
        return buf;
    }

    /** Appends everything {@code other} holds (its bits, in order; {@code other} is left as it was). */
    void append(final BitWriter other) {
        final byte[] src = other.array();
        final int bits = other.bitPosition();
        int at = 0;
        for (; at + 64 <= bits; at += 64) {
            write((long) LONGS.get(src, at >>> 3), 64);
        }
        if (at < bits) {
            write((long) LONGS.get(src, at >>> 3), bits - at);
        }
    }

    /** Rolls back to an earlier bit position (a record that did not fit the budget). */
    void rewind(final int position) {
        final int at = (position >>> 6) << 3;
        final int bits = position & 63;
        if (at < stored) {
            acc = bits == 0 ? 0 : (long) LONGS.get(buf, at) & ((1L << bits) - 1);
            stored = at;
        } else {
            acc = bits == 0 ? 0 : acc & ((1L << bits) - 1);
        }
        accBits = bits;
    }

    /**
     * The bits written since bit position {@code mark}, least-significant first: at most 64 of them (the caller checks
     * {@code bitPosition() - mark <= 64}), so that they can be appended again with one {@link #write}.
     */
    long bitsSince(final int mark) {
        final int len = bitPosition() - mark;
        final int storedBits = stored * 8;
        final long v;
        if (mark >= storedBits) {
            v = acc >>> (mark - storedBits);
        } else {
            // starts in the last stored word (len <= 64), ends in the accumulator
            final int low = storedBits - mark;
            final long word = (long) LONGS.get(buf, stored - 8) >>> (64 - low);
            v = low == 64 ? word : word | (acc << low);
        }
        return len == 64 ? v : v & ((1L << len) - 1);
    }

    /**
     * Sets bits already written as zeros: ORs {@code value} ({@code bits} bits, at most 56) in at bit {@code position},
     * which with its {@code bits} lies below {@link #bitPosition()} (a field filled in once it is known).
     */
    void orBits(final int position, final long value, final int bits) {
        final int storedBits = stored * 8;
        if (position >= storedBits) {
            acc |= value << (position - storedBits);
            return;
        }
        if (position + bits > storedBits) {
            final int low = storedBits - position;
            orBits(position, value & ((1L << low) - 1), low);
            orBits(storedBits, value >>> low, bits - low);
            return;
        }
        long v = value << (position & 7);
        for (int at = position >>> 3; v != 0; at++, v >>>= 8) {
            buf[at] |= (byte) v;
        }
    }

    /** Appends the low {@code bits} bits of {@code value}, bits in [0, 64]. */
    void write(final long value, final int bits) {
        if (bits == 0) {
            return;
        }
        final long v = bits == 64 ? value : value & ((1L << bits) - 1);
        final int have = accBits;
        acc |= v << have;
        final int total = have + bits;
        if (total < 64) {
            accBits = total;
            return;
        }
        ensure(stored + 8);
        LONGS.set(buf, stored, acc);
        stored += 8;
        acc = have == 0 ? 0 : v >>> (64 - have);
        accBits = total - 64;
    }

    private void ensure(final int bytes) {
        if (bytes > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, bytes));
        }
    }

    void writeBool(final boolean b) {
        write(b ? 1 : 0, 1);
    }

    /**
     * Elias gamma code of {@code value} in [1, 2^28): {@code n} zero bits, a one bit, then the {@code n} bits below the
     * value's highest one bit ({@code n = floor(log2 value)}); 1 costs one bit, 2-3 three, 4-7 five.
     */
    void writeGamma(final int value) {
        final int n = 31 - Integer.numberOfLeadingZeros(value);
        write(((long) (value & ((1 << n) - 1)) << (n + 1)) | (1L << n), 2 * n + 1);
    }

    /** Unsigned varint in 7-bit groups, each followed by a continuation bit (up to 7 groups in one write). */
    void writeVarint(final long value) {
        long v = value;
        long packed = 0;
        int groups = 0;
        do {
            final long group = v & 0x7F;
            v >>>= 7;
            packed |= (group | (v != 0 ? 0x80 : 0)) << (groups * 8);
            if (++groups == 7 && v != 0) {
                write(packed, 56);
                packed = 0;
                groups = 0;
            }
        } while (v != 0);
        write(packed, groups * 8);
    }
}

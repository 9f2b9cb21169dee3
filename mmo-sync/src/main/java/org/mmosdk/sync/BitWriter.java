package org.mmosdk.sync;

import java.util.Arrays;

/** Bits appended least-significant first into a growable byte array; reused, allocation-free once grown. */
final class BitWriter {
    private byte[] buf;
    private int bitPos;

    BitWriter(final int initialBytes) {
        this.buf = new byte[initialBytes];
    }

    void reset() {
        bitPos = 0;
    }

    int bitPosition() {
        return bitPos;
    }

    int byteLength() {
        return (bitPos + 7) >>> 3;
    }

    byte[] array() {
        return buf;
    }

    /** Rolls back to an earlier bit position (a record that did not fit the budget). */
    void rewind(final int position) {
        bitPos = position;
        final int off = position & 7;
        if (off != 0) {
            buf[position >>> 3] &= (byte) ((1 << off) - 1);
        }
    }

    void write(final long value, final int bits) {
        if (((bitPos + bits + 7) >>> 3) > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, (bitPos + bits + 7) >>> 3));
        }
        long v = value;
        int remaining = bits;
        while (remaining > 0) {
            final int idx = bitPos >>> 3;
            final int off = bitPos & 7;
            final int take = Math.min(8 - off, remaining);
            final int part = (int) (v & ((1L << take) - 1)) << off;
            buf[idx] = off == 0 ? (byte) part : (byte) (buf[idx] | part);
            v >>>= take;
            remaining -= take;
            bitPos += take;
        }
    }

    void writeBool(final boolean b) {
        write(b ? 1 : 0, 1);
    }

    /** Unsigned varint in 7-bit groups, each followed by a continuation bit. */
    void writeVarint(final long value) {
        long v = value;
        do {
            final long group = v & 0x7F;
            v >>>= 7;
            write(group | (v != 0 ? 0x80 : 0), 8);
        } while (v != 0);
    }
}

package org.mmosdk.sync;

import com.google.flatbuffers.ByteVector;

/**
 * Reads what {@link BitWriter} wrote, from untrusted bytes: every read is bounds-checked; reading past the end
 * returns 0 and sets {@link #failed()} (checked once per record, so the hot path has no exceptions).
 */
final class BitReader {
    private ByteVector bytes;
    private int limitBits;
    private int bitPos;
    private boolean failed;

    void wrap(final ByteVector vector, final int lengthBytes) {
        this.bytes = vector;
        this.limitBits = lengthBytes * 8;
        this.bitPos = 0;
        this.failed = false;
    }

    boolean failed() {
        return failed;
    }

    void fail() {
        failed = true;
    }

    int remainingBits() {
        return limitBits - bitPos;
    }

    long read(final int bits) {
        if (bits > limitBits - bitPos) {
            failed = true;
            bitPos = limitBits;
            return 0;
        }
        long v = 0;
        int got = 0;
        while (got < bits) {
            final int off = bitPos & 7;
            final int take = Math.min(8 - off, bits - got);
            final long part = (bytes.get(bitPos >>> 3) >>> off) & ((1 << take) - 1);
            v |= part << got;
            got += take;
            bitPos += take;
        }
        return v;
    }

    boolean readBool() {
        return read(1) != 0;
    }

    /** An unsigned varint of at most {@code maxGroups} 7-bit groups; longer ones fail. */
    long readVarint(final int maxGroups) {
        long v = 0;
        for (int i = 0; i < maxGroups; i++) {
            final long b = read(8);
            v |= (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        failed = true;
        return 0;
    }
}

package org.mmosdk.sync;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.mmosdk.sync.wire.fb.Snapshot;

/**
 * Reads what {@link BitWriter} wrote, from untrusted bytes read in place in a little-endian buffer (absolute indices):
 * every read is bounds-checked; reading past the end returns 0 and sets {@link #failed()} (checked once per record, so
 * the hot path has no exceptions). A value of up to 56 bits is one unaligned little-endian 64-bit load ({@link #peek}).
 */
final class BitReader {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private ByteBuffer bb;
    private byte[] array;
    private int arrayOffset;
    private int start;
    private int end;
    private int limitBits;
    private int consumed;
    private boolean failed;
    /** The stream copied for {@link #heapArray()} when the buffer has no usable array. */
    private byte[] copy = new byte[0];
    private int heapBase;
    private int heapLast;

    /**
     * Reads {@code [start, start + lengthBytes)} of a little-endian buffer (through its array when it has one).
     */
    void wrap(final ByteBuffer buffer, final int startIndex, final int lengthBytes) {
        if (buffer != null && buffer.order() != ByteOrder.LITTLE_ENDIAN) {
            throw new IllegalArgumentException("the buffer must be little-endian");
        }
        this.bb = buffer;
        final boolean heap = buffer != null && buffer.hasArray();
        this.array = heap ? buffer.array() : null;
        this.arrayOffset = heap ? buffer.arrayOffset() : 0;
        this.start = startIndex;
        this.end = startIndex + lengthBytes;
        this.limitBits = lengthBytes * 8;
        this.consumed = 0;
        this.failed = false;
    }

    /**
     * Reads the entity stream of a snapshot read from {@code payload} (the buffer the snapshot table reads), without
     * allocating: the vector is located through the generated accessor and the buffer's position and limit restored.
     */
    void wrap(final Snapshot snapshot, final ByteBuffer payload) {
        final int position = payload.position();
        final int limit = payload.limit();
        if (snapshot.entitiesInByteBuffer(payload) == null) {
            payload.limit(limit).position(position);
            wrap(payload, position, 0);
        } else {
            final int vectorStart = payload.position();
            final int vectorLength = payload.remaining();
            payload.limit(limit).position(position);
            wrap(payload, vectorStart, vectorLength);
        }
    }

    boolean failed() {
        return failed;
    }

    void fail() {
        failed = true;
    }

    int remainingBits() {
        return limitBits - consumed;
    }

    /** The next {@code bits} bits, bits in [0, 64]. */
    long read(final int bits) {
        if (bits > limitBits - consumed) {
            failed = true;
            consumed = limitBits;
            return 0;
        }
        final int pos = consumed;
        consumed = pos + bits;
        if (bits <= 56) {
            return peek(pos) & ((1L << bits) - 1);
        }
        return (peek(pos) & 0xFFFF_FFFFL) | ((peek(pos + 32) & (bits == 64 ? 0xFFFF_FFFFL : (1L << (bits - 32)) - 1)) << 32);
    }

    // ------------------------------------------------------------------ positional access (the record decoder)

    /** Bits consumed by {@link #read} so far. */
    int position() {
        return consumed;
    }

    /** Length of the stream in bits (whole bytes). */
    int limitBits() {
        return limitBits;
    }

    /**
     * At least 57 bits starting at bit {@code bitPosition} (the next ones in the low bits); bits past the end of the
     * stream read as 0, so a decoder may read ahead and check its position against {@link #limitBits()} once per
     * record. Depends on nothing but the position, so a caller's loop keeps its position in a register.
     *
     * @param bitPosition in [0, limitBits() + 64 * 8)
     */
    long peek(final int bitPosition) {
        final int i = start + (bitPosition >>> 3);
        final long w;
        if (i + 8 <= end) {
            w = array != null ? (long) LONGS.get(array, arrayOffset + i) : bb.getLong(i);
        } else {
            long tail = 0;
            for (int k = 0, n = end - i; k < n; k++) {
                tail |= (bb.get(i + k) & 0xFFL) << (8 * k);
            }
            w = tail;
        }
        return w >>> (bitPosition & 7);
    }

    /** Length of the stream in bytes. */
    int lengthBytes() {
        return end - start;
    }

    /**
     * The stream in a heap array for {@link #peek(byte[], int, int, int)}, with {@link #heapBase()} and
     * {@link #heapLast()}: the buffer's own array, or, for a direct buffer or a stream shorter than 8 bytes, a copy in
     * a reused array (grown, never shrunk) followed by 8 zero bytes.
     */
    byte[] heapArray() {
        final int length = end - start;
        if (array != null && length >= 8) {
            heapBase = arrayOffset + start;
            heapLast = length - 8;
            return array;
        }
        if (copy.length < length + 8) {
            copy = new byte[Math.max(64, 2 * (length + 8))];
        }
        if (length > 0) {
            bb.get(start, copy, 0, length);
        }
        java.util.Arrays.fill(copy, length, length + 8, (byte) 0);
        heapBase = 0;
        heapLast = Math.max(0, length - 8);
        return copy;
    }

    /** Index in {@link #heapArray()} of the stream's first byte. */
    int heapBase() {
        return heapBase;
    }

    /** The stream's last byte index (from its first) at which 8 bytes can be loaded from {@link #heapArray()}. */
    int heapLast() {
        return heapLast;
    }

    /**
     * {@link #peek(int)} over {@link #heapArray()}, from values a caller's loop holds in registers and without a call:
     * one bounds-checked load, and past {@code last} the stream's last 8 bytes shifted (zeros coming in from the end).
     */
    static long peek(final byte[] array, final int base, final int last, final int bitPosition) {
        final int i = bitPosition >>> 3;
        if (i <= last) {
            return (long) LONGS.get(array, base + i) >>> (bitPosition & 7);
        }
        final int shift = ((i - last) << 3) + (bitPosition & 7);
        return shift >= 64 ? 0 : (long) LONGS.get(array, base + last) >>> shift;
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

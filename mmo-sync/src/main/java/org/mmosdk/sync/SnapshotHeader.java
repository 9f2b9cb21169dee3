package org.mmosdk.sync;

import org.mmosdk.core.id.EntityIds;

/**
 * The header at the start of a snapshot's bit stream ({@code Snapshot.entities}), before its entity records
 * ({@link EntityCodec}), bits least-significant first:
 *
 * <pre>
 * [seq: varint][server tick: varint][server nanos: 64 bits][owned: [0] none | [1][index: varint][generation: varint]]
 * [input ack: varint][record count: 16 bits][base: varint, seq - base; 0 for none]
 * </pre>
 *
 * About 20 bytes: the same fields as FlatBuffers scalars, with the table's vtable, made each snapshot of the crowd
 * benchmark 33 bytes larger. The record count is written as 0 and filled in once the records are written
 * ({@link #patchCount}). Reused; one per thread.
 */
final class SnapshotHeader {
    /** Bits of the record count. */
    static final int COUNT_BITS = 16;

    long seq;
    long serverTick;
    long serverNanos;
    long owned;
    long inputAck;
    int count;
    /** The common base of slot records, 0 for none (below {@link #seq}). */
    long base;

    /** Writes the header with a record count of 0; returns the bit position of the count (for {@link #patchCount}). */
    int write(final BitWriter w) {
        w.writeVarint(seq);
        w.writeVarint(serverTick);
        w.write(serverNanos, 64);
        if (owned == EntityIds.NONE) {
            w.write(0, 1);
        } else {
            w.write(1, 1);
            w.writeVarint(EntityIds.index(owned) & 0xFFFF_FFFFL);
            w.writeVarint(EntityIds.generation(owned) & 0xFFFF_FFFFL);
        }
        w.writeVarint(inputAck);
        final int countAt = w.bitPosition();
        w.write(0, COUNT_BITS);
        w.writeVarint(base == 0 ? 0 : seq - base);
        return countAt;
    }

    /** Fills in the record count of a header written at {@code countAt} ({@link #write}'s result). */
    static void patchCount(final BitWriter w, final int countAt, final int count) {
        w.orBits(countAt, count, COUNT_BITS);
    }

    /**
     * Reads a header (the reader is then at the first record); false if it is malformed: the stream ends, a varint runs
     * past its length (seq, tick and input ack 32 bits, the owned entity's index and generation valid), seq is 0 or the
     * base is not below it.
     */
    boolean read(final BitReader r) {
        seq = r.readVarint(5);
        serverTick = r.readVarint(5);
        serverNanos = r.read(64);
        if (r.readBool()) {
            final long index = r.readVarint(5);
            final long generation = r.readVarint(5);
            if (index > EntityIds.MAX_INDEX || generation == 0 || generation > 0xFFFF_FFFFL) {
                return false;
            }
            owned = EntityIds.of((int) index, (int) generation);
        } else {
            owned = EntityIds.NONE;
        }
        inputAck = r.readVarint(5);
        count = (int) r.read(COUNT_BITS);
        final long age = r.readVarint(5);
        if (r.failed() || seq == 0 || seq > 0xFFFF_FFFFL || serverTick > 0xFFFF_FFFFL || inputAck > 0xFFFF_FFFFL
            || age >= seq) {
            return false;
        }
        base = age == 0 ? 0 : seq - age;
        return true;
    }
}

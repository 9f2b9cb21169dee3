package org.mmosdk.sync;

import java.util.Arrays;

import org.mmosdk.core.id.EntityIds;

/**
 * The header at the start of a snapshot's bit stream ({@code Snapshot.entities}), before its entity records
 * ({@link EntityCodec}), bits least-significant first:
 *
 * <pre>
 * [seq: varint][base: varint, seq - base; 0 for none][relative: 1 bit]
 * relative = 0: [server tick: varint][server nanos: 64 bits][owned: [0] none | [1][index: varint][generation: varint]]
 *               [input ack: varint]
 * relative = 1: [tick - base's: zigzag varint][server micros - base's: zigzag varint][owned: [0] the base's |
 *               [1][0] none | [1][1][index: varint][generation: varint]][input ack - base's: zigzag varint]
 * [record count: varint][removed count: varint][removed: [index: varint][generation: varint] each]
 * </pre>
 *
 * A header is relative to its base (the newest snapshot the client acknowledged) when the base is fewer than {@link
 * #HISTORY} snapshots back: a client keeps the header fields of its last {@link #HISTORY} snapshots ({@link History}).
 * The server time then travels in microseconds since the base's: the client's server nanos are the base's plus that
 * (the server keeps what each client was told, so the error is under a microsecond and does not add up). A relative
 * header is about 10 bytes at 20 Hz (3 of them the time since the base), an absolute one about 20. Removed entities
 * are the ids of those that left the client's view (or the world). Reused; one per thread.
 */
final class SnapshotHeader {
    /** Most records one snapshot carries. */
    static final int MAX_RECORDS = 0xFFFF;
    /** Snapshots whose header fields a client keeps; a header is relative only to a base fewer than this many back. */
    static final int HISTORY = 32;
    /** Most removed ids one snapshot carries. */
    static final int MAX_REMOVED = 4096;

    long seq;
    long serverTick;
    long serverNanos;
    long owned;
    long inputAck;
    int count;
    /** The common base of slot records, 0 for none (below {@link #seq}). */
    long base;
    /** Whether the fields above are relative to the base's ({@link #write} sets it; {@link #read} reports it). */
    boolean relative;
    long[] removed = new long[16];
    int removedCount;

    /**
     * Writes the header, relative to the base's fields if {@code baseFields} is not null (the base is fewer than
     * {@link #HISTORY} back and the client has it); {@link #serverNanos} is then rounded down to whole microseconds
     * after the base's, which is what the client will hold.
     *
     * @param baseFields the base's tick, nanos (as its client holds them), owned entity and input ack, or null
     */
    void write(final BitWriter w, final long[] baseFields) {
        w.writeVarint(seq);
        w.writeVarint(base == 0 ? 0 : seq - base);
        relative = baseFields != null;
        if (!relative) {
            w.write(0, 1);
            w.writeVarint(serverTick);
            w.write(serverNanos, 64);
            if (owned == EntityIds.NONE) {
                w.write(0, 1);
            } else {
                w.write(1, 1);
                writeEntity(w, owned);
            }
            w.writeVarint(inputAck);
        } else {
            w.write(1, 1);
            w.writeVarint(EntityCodec.zigzag(serverTick - baseFields[0]));
            final long micros = Math.floorDiv(serverNanos - baseFields[1], 1000L);
            w.writeVarint(EntityCodec.zigzag(micros));
            serverNanos = baseFields[1] + micros * 1000L;
            if (owned == baseFields[2]) {
                w.write(0, 1);
            } else if (owned == EntityIds.NONE) {
                w.write(1, 2);
            } else {
                w.write(3, 2);
                writeEntity(w, owned);
            }
            w.writeVarint(EntityCodec.zigzag(inputAck - baseFields[3]));
        }
        w.writeVarint(count);
        w.writeVarint(removedCount);
        for (int i = 0; i < removedCount; i++) {
            writeEntity(w, removed[i]);
        }
    }

    private static void writeEntity(final BitWriter w, final long entity) {
        w.writeVarint(EntityIds.index(entity) & 0xFFFF_FFFFL);
        w.writeVarint(EntityIds.generation(entity) & 0xFFFF_FFFFL);
    }

    /** Adds a removed entity id (the caller keeps to {@link #MAX_REMOVED}). */
    void addRemoved(final long entity) {
        if (removedCount == removed.length) {
            removed = Arrays.copyOf(removed, removedCount * 2);
        }
        removed[removedCount++] = entity;
    }

    /**
     * Reads a header (the reader is then at the first record); false if it is malformed: the stream ends, a varint runs
     * past its length (seq, tick and input ack 32 bits, entity indices and generations valid), seq is 0, the base is not
     * below it, too many removed ids, or a relative header whose base {@code history} does not hold. With a null
     * {@code history}, a relative header's fields stay relative (only seq, base, count and the removed ids are
     * meaningful).
     */
    boolean read(final BitReader r, final History history) {
        seq = r.readVarint(5);
        final long age = r.readVarint(5);
        relative = r.readBool();
        if (r.failed() || seq == 0 || seq > 0xFFFF_FFFFL || age >= seq) {
            return false;
        }
        base = age == 0 ? 0 : seq - age;
        if (!relative) {
            serverTick = r.readVarint(5);
            serverNanos = r.read(64);
            owned = r.readBool() ? readEntity(r) : EntityIds.NONE;
            inputAck = r.readVarint(5);
        } else {
            final long tickDelta = EntityCodec.unzigzag(r.readVarint(5));
            final long micros = EntityCodec.unzigzag(r.readVarint(9));
            final long ownedCode = r.readBool() ? (r.readBool() ? 2 : 1) : 0;
            final long ownedEntity = ownedCode == 2 ? readEntity(r) : EntityIds.NONE;
            final long ackDelta = EntityCodec.unzigzag(r.readVarint(5));
            if (base == 0 || age >= HISTORY || Math.abs(micros) > Long.MAX_VALUE / 1000 / 2) {
                return false;
            }
            if (history == null) {
                serverTick = tickDelta;
                serverNanos = micros * 1000L;
                owned = ownedEntity;
                inputAck = ackDelta;
            } else {
                final int at = (int) (base & (HISTORY - 1));
                if (history.seq[at] != base) {
                    return false;
                }
                serverTick = history.tick[at] + tickDelta;
                serverNanos = history.nanos[at] + micros * 1000L;
                owned = ownedCode == 0 ? history.owned[at] : ownedEntity;
                inputAck = history.inputAck[at] + ackDelta;
            }
        }
        final long records = r.readVarint(3);
        final long removedN = r.readVarint(3);
        if (r.failed() || records > MAX_RECORDS || serverTick > 0xFFFF_FFFFL || serverTick < 0 || inputAck > 0xFFFF_FFFFL || inputAck < 0
            || owned == -1 || removedN > MAX_REMOVED) {
            return false;
        }
        count = (int) records;
        removedCount = 0;
        for (int i = 0; i < removedN; i++) {
            final long e = readEntity(r);
            if (e == -1 || e == EntityIds.NONE) {
                return false;
            }
            addRemoved(e);
        }
        return !r.failed();
    }

    /** An entity id, or -1 if malformed. */
    private static long readEntity(final BitReader r) {
        final long index = r.readVarint(5);
        final long generation = r.readVarint(5);
        if (r.failed() || index > EntityIds.MAX_INDEX || generation == 0 || generation > 0xFFFF_FFFFL) {
            return -1;
        }
        return EntityIds.of((int) index, (int) generation);
    }

    /** A client's header fields of its last {@link #HISTORY} snapshots (by seq modulo the size), for relative headers. */
    static final class History {
        final long[] seq = new long[HISTORY];
        final long[] tick = new long[HISTORY];
        final long[] nanos = new long[HISTORY];
        final long[] owned = new long[HISTORY];
        final long[] inputAck = new long[HISTORY];

        /** Remembers an applied snapshot's header. */
        void remember(final SnapshotHeader h) {
            final int at = (int) (h.seq & (HISTORY - 1));
            seq[at] = h.seq;
            tick[at] = h.serverTick;
            nanos[at] = h.serverNanos;
            owned[at] = h.owned;
            inputAck[at] = h.inputAck;
        }
    }
}

package org.mmosdk.sync;

import java.nio.ByteBuffer;

import com.google.flatbuffers.FlatBufferBuilder;
import org.mmosdk.core.wire.EnvelopeWriter;
import org.mmosdk.ecs.Chunk;
import org.mmosdk.sync.wire.fb.Snapshot;

/**
 * Benchmark-only access to mmo-sync's package-private snapshot codec ({@link EntityCodec}, {@link BitWriter},
 * {@link BitReader}); it lives in the benchmarks module, in mmo-sync's package, as Caffeine's and Netty's benchmarks
 * do, so that mmo-sync needs no public codec API for it. {@link #encode} is the encoding half of
 * {@code SyncServer.sendSnapshot} (same writer sizes, same field order); {@link #decode} is the decoding half of
 * {@code SyncClient}'s snapshot handler (everything before the values are written into its mirror world).
 *
 * <p>Threads: one instance per thread.
 */
public final class SnapshotCodecAccess {
    private final ReplicationRules rules;
    private final EntityCodec codec;
    private final BitWriter bits = new BitWriter(4096);
    private final BitWriter headerBits = new BitWriter(4096);
    private final EnvelopeWriter envelope = new EnvelopeWriter(8192);
    private final BitReader reader = new BitReader();
    private final Snapshot snapshot = new Snapshot();
    private final SnapshotHeader header = new SnapshotHeader();
    private final BitReader headerReader = new BitReader();
    private final SnapshotHeader peeked = new SnapshotHeader();

    /**
     * A codec laid out by {@code rules}.
     *
     * @param rules the replication rules both sides share
     */
    public SnapshotCodecAccess(final ReplicationRules rules) {
        this.rules = rules;
        this.codec = new EntityCodec(rules);
    }

    /**
     * Encodes one snapshot message ({@code [u16 type id][Snapshot]}) as {@code SyncServer} does.
     *
     * @return the message, valid until the next call
     */
    public ByteBuffer encode(final int seq, final int serverTick, final long serverNanos, final long owned,
        final int inputAck, final long[] removed, final int removedCount, final int count, final boolean[] full,
        final long[] handles, final int[] masks, final Chunk[] chunks, final int[] rows) {
        bits.reset();
        for (int i = 0; i < count; i++) {
            codec.write(bits, full[i], handles[i], masks[i], chunks[i], rows[i]);
        }
        final SnapshotHeader h = header;
        h.seq = seq;
        h.serverTick = serverTick & 0xFFFF_FFFFL;
        h.serverNanos = serverNanos;
        h.owned = owned;
        h.inputAck = inputAck & 0xFFFF_FFFFL;
        h.base = 0;
        h.count = count;
        h.removedCount = 0;
        for (int i = 0; i < removedCount; i++) {
            h.addRemoved(removed[i]);
        }
        headerBits.reset();
        h.write(headerBits, null);
        headerBits.append(bits);
        final FlatBufferBuilder b = envelope.begin(SyncMessageTypes.SNAPSHOT);
        final int entitiesVec = b.createByteVector(headerBits.array(), 0, headerBits.byteLength());
        Snapshot.startSnapshot(b);
        Snapshot.addEntities(b, entitiesVec);
        return envelope.finish(Snapshot.endSnapshot(b));
    }

    /**
     * Reads a snapshot payload (position at the FlatBuffers root) as {@code SyncClient} does: the header fields and the
     * removed handles (folded into the returned checksum, {@link Fold}), and the entity stream decoded and checked
     * whole by {@code EntityCodec.decode} into tables read through {@link #records()} and the accessors after it. A
     * malformed stream throws.
     *
     * @param payload the payload, read in place
     * @return the checksum of the header fields
     */
    public long decode(final ByteBuffer payload) {
        final Snapshot s = Snapshot.getRootAsSnapshot(payload, snapshot);
        reader.wrap(s, payload);
        final SnapshotHeader h = header;
        if (!h.read(reader, null)) {
            throw new IllegalStateException("malformed snapshot header");
        }
        long sum = Fold.header(h.seq, h.serverTick, h.serverNanos, h.owned, h.inputAck);
        for (int i = 0, n = h.removedCount; i < n; i++) {
            sum = Fold.add(sum, h.removed[i]);
        }
        if (!codec.decode(reader, h.count)) {
            throw new IllegalStateException("malformed entity stream");
        }
        return sum;
    }

    /**
     * Reads the header of a snapshot payload (position at the FlatBuffers root), for a benchmark's peer that counts what
     * it is sent.
     *
     * @param payload the payload, read in place
     * @return {@code seq << 32 | record count}
     */
    public long seqAndCount(final ByteBuffer payload) {
        headerReader.wrap(Snapshot.getRootAsSnapshot(payload, snapshot), payload);
        if (!peeked.read(headerReader, null)) {
            throw new IllegalStateException("malformed snapshot header");
        }
        return (peeked.seq << 32) | peeked.count;
    }

    /** Records decoded by the last {@link #decode}. */
    public int records() {
        return codec.decodedCount;
    }

    /** Whether record {@code i} is full (an entering entity). */
    public boolean full(final int i) {
        return codec.recordFull[i];
    }

    /** Record {@code i}'s entity handle. */
    public long handle(final int i) {
        return codec.recordHandle[i];
    }

    /** Record {@code i}'s component mask (bit c: the rules' component c). */
    public int mask(final int i) {
        return codec.recordMask[i];
    }

    /** Index in {@link #values()} of record {@code i}'s first field value. */
    public int valueIndex(final int i) {
        return codec.recordValues[i];
    }

    /** The decoded field values (quantized steps, raw bits, integral values) of every record, in wire order. */
    public long[] values() {
        return codec.values;
    }

    /** {@code EntityCodec.quantize}: a bounded float to steps of {@code 1 / inverseStep}, as the server does. */
    public static long quantize(final float value, final float min, final float max, final double inverseStep) {
        return EntityCodec.quantize(value, min, max, inverseStep);
    }

    /** {@code EntityCodec.dequantize}, as the client does. */
    public static float dequantize(final long q, final float min, final double step) {
        return EntityCodec.dequantize(q, min, step);
    }

    /** {@code EntityCodec.quantizeAngle}: radians to {@code bits} bits over a turn. */
    public static long quantizeAngle(final float radians, final double inverseStep, final int bits) {
        return EntityCodec.quantizeAngle(radians, inverseStep, bits);
    }

    /** {@code EntityCodec.dequantizeAngle}. */
    public static float dequantizeAngle(final long q, final double step) {
        return EntityCodec.dequantizeAngle(q, step);
    }

    /**
     * How every codec in the benchmark folds what it read into one checksum, so that all read the same fields and
     * the results can be compared.
     */
    public static final class Fold {
        private Fold() {
        }

        /** The snapshot's header fields. */
        public static long header(final long seq, final long tick, final long nanos, final long owned, final long inputAck) {
            return (((seq * 31 + tick) * 31 + nanos) * 31 + owned) * 31 + inputAck;
        }

        /** A record's header: full flag, entity index and generation. */
        public static long record(final long sum, final boolean full, final long index, final long generation) {
            return ((sum * 31 + (full ? 1 : 0)) * 31 + index) * 31 + generation;
        }

        /** An integral value. */
        public static long add(final long sum, final long v) {
            return sum * 31 + v;
        }

        /** A float value (its bits). */
        public static long add(final long sum, final float v) {
            return sum * 31 + Float.floatToRawIntBits(v);
        }
    }
}

package org.mmosdk.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.flatbuffers.FlatBufferBuilder;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.FloatRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Round trips of the bit stream and the quantizers. */
class BitCodecProperties {
    private static BitReader readerOf(final BitWriter w) {
        final FlatBufferBuilder b = new FlatBufferBuilder(64);
        final int vec = b.createByteVector(w.array(), 0, w.byteLength());
        b.finish(vec);
        final java.nio.ByteBuffer bb = b.dataBuffer();
        final BitReader r = new BitReader();
        r.wrap(bb, bb.getInt(bb.position()) + bb.position() + 4, w.byteLength());
        return r;
    }

    @Property(tries = 300)
    void valuesOfAnyWidthRoundTrip(@ForAll @Size(max = 60) final long[] values, @ForAll @IntRange(min = 1, max = 64) final int bits) {
        final BitWriter w = new BitWriter(4);
        for (final long v : values) {
            w.write(v, bits);
            w.writeVarint(v);
        }
        final BitReader r = readerOf(w);
        final long mask = bits == 64 ? -1L : (1L << bits) - 1;
        for (final long v : values) {
            assertThat(r.read(bits)).isEqualTo(v & mask);
            assertThat(r.readVarint(10)).isEqualTo(v);
        }
        assertThat(r.failed()).isFalse();
        r.read(9);
        assertThat(r.failed()).isTrue();
    }

    @Property(tries = 300)
    void rewindDropsExactlyTheLastRecord(@ForAll @IntRange(min = 0, max = 200) final int before, @ForAll final long noise) {
        final BitWriter w = new BitWriter(4);
        w.write(before, 11);
        final int mark = w.bitPosition();
        w.write(noise, 61);
        w.rewind(mark);
        w.write(5, 3);
        final BitReader r = readerOf(w);
        assertThat(r.read(11)).isEqualTo(before);
        assertThat(r.read(3)).isEqualTo(5);
    }

    /**
     * A snapshot header round trips, absolute or relative to its base's fields (held in the client's history), with
     * removed ids; cut a byte short, it is refused (never read past the stream). A relative header whose base the
     * history does not hold is refused.
     */
    @Property(tries = 500)
    void snapshotHeadersRoundTripAndRefuseTruncation(@ForAll @IntRange(min = 40) final int seq,
        @ForAll @IntRange(min = 0) final int tick, @ForAll final long nanos, @ForAll final boolean owned,
        @ForAll @IntRange(min = 0, max = 1 << 20) final int index, @ForAll @IntRange(min = 1) final int generation,
        @ForAll @IntRange(min = 0) final int inputAck, @ForAll @IntRange(min = 0, max = 0xFFFF) final int count,
        @ForAll @IntRange(min = 0, max = 40) final int baseAge, @ForAll final boolean relative,
        @ForAll @IntRange(min = 0, max = 5) final int removed, @ForAll final boolean sameOwner,
        @ForAll @IntRange(min = 0, max = 1_000_000) final int tickStep, @ForAll @IntRange(min = 0) final int microStep) {
        final long entity = org.mmosdk.core.id.EntityIds.of(index, generation);
        final SnapshotHeader h = new SnapshotHeader();
        h.seq = seq;
        h.owned = owned ? entity : org.mmosdk.core.id.EntityIds.NONE;
        h.base = baseAge > 0 ? seq - baseAge : 0;
        for (int i = 0; i < removed; i++) {
            h.addRemoved(org.mmosdk.core.id.EntityIds.of(index + i, generation));
        }
        h.count = count;
        final boolean rel = relative && baseAge > 0 && baseAge < SnapshotHeader.HISTORY;
        final SnapshotHeader.History history = new SnapshotHeader.History();
        long[] baseFields = null;
        if (rel) {
            // the base's fields as the client holds them; this header's are later
            final SnapshotHeader b = new SnapshotHeader();
            b.seq = h.base;
            b.serverTick = tick;
            b.serverNanos = nanos / 4;
            b.owned = sameOwner ? h.owned : org.mmosdk.core.id.EntityIds.of(index + 1, generation);
            b.inputAck = inputAck / 2;
            history.remember(b);
            baseFields = new long[] {b.serverTick, b.serverNanos, b.owned, b.inputAck};
            h.serverTick = Math.min(0xFFFF_FFFFL, (long) tick + tickStep);
            h.serverNanos = b.serverNanos + microStep * 1000L + 999;
            h.inputAck = inputAck;
        } else {
            h.serverTick = tick;
            h.serverNanos = nanos;
            h.inputAck = inputAck;
        }
        final BitWriter w = new BitWriter(4);
        w.write(5, 3);   // not at a byte boundary
        h.write(w, baseFields);
        assertThat(h.relative).isEqualTo(rel);
        if (rel) {
            assertThat(h.serverNanos).as("rounded down to the microsecond after the base's").isEqualTo(
                baseFields[1] + microStep * 1000L);
        }
        final int end = w.bitPosition();
        final BitReader r = readerOf(w);
        r.read(3);
        final SnapshotHeader back = new SnapshotHeader();
        assertThat(back.read(r, history)).isTrue();
        assertThat(r.position()).isEqualTo(end);
        assertThat(back.relative).isEqualTo(rel);
        assertThat(back.seq).isEqualTo(h.seq);
        assertThat(back.serverTick).isEqualTo(h.serverTick);
        assertThat(back.serverNanos).isEqualTo(h.serverNanos);
        assertThat(back.owned).isEqualTo(h.owned);
        assertThat(back.inputAck).isEqualTo(h.inputAck);
        assertThat(back.count).isEqualTo(count);
        assertThat(back.base).isEqualTo(h.base);
        assertThat(back.removedCount).isEqualTo(removed);
        for (int i = 0; i < removed; i++) {
            assertThat(back.removed[i]).isEqualTo(h.removed[i]);
        }
        if (rel) {
            final BitReader again = readerOf(w);
            again.read(3);
            assertThat(new SnapshotHeader().read(again, new SnapshotHeader.History())).as("base not held").isFalse();
        }
        // the same bytes cut a byte short of the header's end: refused
        final BitWriter cut = new BitWriter(4);
        final BitReader full = readerOf(w);
        final int keep = Math.max(0, (end + 7) / 8 - 1) * 8;
        for (int i = 0; i < keep; i++) {
            cut.write(full.read(1), 1);
        }
        final BitReader rc = readerOf(cut);
        rc.read(3);
        assertThat(new SnapshotHeader().read(rc, history)).isFalse();
    }

    /** What the server's field cache copies: the bits since a mark, written again, read back the same. */
    @Property(tries = 500)
    void bitsSinceAMarkAreTheBitsWritten(@ForAll @IntRange(min = 0, max = 300) final int before,
        @ForAll @IntRange(min = 1, max = 64) final int bits, @ForAll final long value,
        @ForAll @IntRange(min = 0, max = 64) final int after) {
        final BitWriter w = new BitWriter(4);
        for (int i = 0; i < before; i++) {
            w.write(i * 0x9E3779B97F4A7C15L, 1);
        }
        final int mark = w.bitPosition();
        w.write(value, bits);
        final long copied = w.bitsSince(mark);
        w.write(copied, bits);
        w.write(-1L, after);
        final BitReader r = readerOf(w);
        r.read(before % 64);
        for (int i = 0; i < before / 64; i++) {
            r.read(64);
        }
        final long mask = bits == 64 ? -1L : (1L << bits) - 1;
        assertThat(copied).isEqualTo(value & mask);
        assertThat(r.read(bits)).isEqualTo(value & mask);
        assertThat(r.read(bits)).isEqualTo(value & mask);
    }

    @Property(tries = 500)
    void boundedFloatsStayWithinHalfAStep(@ForAll @FloatRange(min = -300, max = 300) final float v,
        @ForAll @IntRange(min = 4, max = 24) final int bits) {
        final float q = EntityCodec.dequantize(EntityCodec.quantize(v, -256, 256, bits), -256, 256, bits);
        final float clamped = Math.max(-256, Math.min(256, v));
        assertThat((double) Math.abs(q - clamped)).isLessThanOrEqualTo(512.0 / ((1L << bits) - 1) / 2 + 1e-4);
    }

    @Property(tries = 500)
    void anglesStayWithinHalfAStepOnTheCircle(@ForAll @FloatRange(min = -20, max = 20) final float a,
        @ForAll @IntRange(min = 4, max = 20) final int bits) {
        final float q = EntityCodec.dequantizeAngle(EntityCodec.quantizeAngle(a, bits), bits);
        assertThat(q).isBetween(0f, (float) (2 * Math.PI));
        assertThat(Math.abs(Math.IEEEremainder(q - a, 2 * Math.PI))).isLessThanOrEqualTo(Math.PI / (1L << bits) + 1e-5);
    }

    @Property(tries = 300)
    void gammaCodesRoundTripAndAreAsShortAsSaid(@ForAll @Size(max = 40) final int[] raw) {
        final BitWriter w = new BitWriter(4);
        int expectedBits = 0;
        final int[] values = new int[raw.length];
        for (int i = 0; i < raw.length; i++) {
            values[i] = 1 + Math.floorMod(raw[i], EntityCodec.MAX_GAMMA - 1);
            w.writeGamma(values[i]);
            expectedBits += 2 * (31 - Integer.numberOfLeadingZeros(values[i])) + 1;
        }
        assertThat(w.bitPosition()).isEqualTo(expectedBits);
        final BitReader r = readerOf(w);
        for (final int v : values) {
            int zeros = 0;
            while (r.read(1) == 0) {
                zeros++;
            }
            assertThat((int) ((1L << zeros) | r.read(zeros))).isEqualTo(v);
        }
        assertThat(r.failed()).isFalse();
    }

    @Property(tries = 1000)
    void extrapolationStaysInTheFieldsRange(@ForAll @IntRange(min = 1, max = 31) final int bits, @ForAll final int b,
        @ForAll final int p, @ForAll @IntRange(min = 1, max = 1 << 20) final int age,
        @ForAll @IntRange(min = 1, max = 1 << 20) final int gap, @ForAll final boolean angle) {
        final long mask = (1L << bits) - 1;
        final long base = b & mask;
        final long prior = p & mask;
        final long x = EntityCodec.predict(base, prior, age, gap, bits, angle);
        assertThat(x).isBetween(0L, mask);
        if (!angle && base == prior) {
            assertThat(x).isEqualTo(base);
        }
    }

    @Property(tries = 300)
    void zigzagRoundTrips(@ForAll final long v) {
        assertThat(EntityCodec.unzigzag(EntityCodec.zigzag(v))).isEqualTo(v);
    }
}

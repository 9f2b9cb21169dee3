package org.mmosdk.sync;

import org.mmosdk.core.id.EntityIds;
import org.mmosdk.ecs.BoolField;
import org.mmosdk.ecs.ByteField;
import org.mmosdk.ecs.Chunk;
import org.mmosdk.ecs.DoubleField;
import org.mmosdk.ecs.Field;
import org.mmosdk.ecs.FloatField;
import org.mmosdk.ecs.IntField;
import org.mmosdk.ecs.LongField;
import org.mmosdk.ecs.ShortField;
import org.mmosdk.ecs.World;

/**
 * The bit layout of entity records, laid out by the {@link ReplicationRules} (bits least-significant first; see
 * {@link BitWriter}). A snapshot's stream is a header, present when the snapshot has a common base
 * ({@code Snapshot.base} non-zero), and a sequence of records of two kinds:
 *
 * <pre>
 * header       [width: p bits] per delta field, in field order: the snapshot's common delta width of that field
 *              (less than its bits; p below), then the usual shape of a slot record: [usual mask: n bits][usual prior:1]
 * id record    [1][full:1][gamma(slot + 1)][index: varint][generation: varint][mask: n bits][fields, absolute]
 * slot record  [0][gamma(slot - previous slot record's slot)][1][fields]      the usual shape: the common base, the
 *                                                                            usual mask, a prior 1 before the base if
 *                                                                            the usual prior is 1 (else none)
 *            | [0][gamma(slot - previous slot record's slot)][0][base][prior][mask: n bits][fields]
 *   base       [1]                  the snapshot's common base ({@code Snapshot.base}, which must be non-zero)
 *            | [0][gamma(code)]     code 1: no base (fields absolute); code a + 1: base = this snapshot's seq - a
 *   prior      with a base only: [0] (from = the base's value) | [1][gamma(g)]: a prior base g snapshots before
 *              the base (it holds every component of the mask the base holds), and from = the base's value
 *              extrapolated from the prior's, {@link #predict}: b + floor((b - p) * (seq - base seq) / g), clamped
 *              (angles: the difference modulo a turn, the result wrapped)
 *   field      absolute, as in an id record, when the record has no base or the field is not a delta field;
 *              else, for a delta field (bounded float or angle of b bits; p = bits needed for the number b):
 *              [1][zigzag(value - from) in the header's width for the field], or
 *              [0][w: p bits] then w = 0: equal to from; 0 &lt; w &lt; b: zigzag(value - from) has w
 *              significant bits, the w - 1 below the top one follow; w = b: the value follows in b bits
 *              (always so for a component the base did not hold); angles take the difference modulo a turn
 * </pre>
 *
 * An entity enters a client's view with an id record ({@code full} = 1: create it) that binds the client's view slot to
 * the entity; while it stays, its changes travel in slot records (the previous slot starts at -1 in each snapshot, so
 * slot records come in increasing slot order; a slot record with a base needs the header, so a snapshot without a
 * common base has none). A slot record's base (and prior base) is an earlier snapshot, acknowledged by the
 * client, that carried a record of the same slot: the client keeps the quantized values of the last
 * {@value #HISTORY} records of each slot, and the server only names bases at most {@value #HISTORY} snapshots old
 * (so fewer than {@value #HISTORY} records of that slot came after them). {@code gamma} is the Elias gamma code ({@link BitWriter#writeGamma}); an
 * absolute field is {@code bits} bits for bounded floats and angles, 32 for raw floats, 64 for doubles, 1 for booleans
 * and a zigzag varint for integral fields.
 *
 * <p>Writes records into a {@link BitWriter}; decodes a whole stream at once ({@link #decode}) into reused tables that
 * the caller then applies ({@link #apply}, {@link #remember}), so a snapshot is parsed once, checked whole before
 * anything is applied. The slot table and per-slot history are the client's. One per thread.
 */
final class EntityCodec {
    /** Records per slot the client remembers (and the most a server sends after the base it names). */
    static final int HISTORY = 16;
    /** View slots per client, at most (a slot number is below this). */
    static final int MAX_SLOTS = 65_536;
    /** Gamma-coded numbers are below this. */
    static final int MAX_GAMMA = 1 << 28;
    /** Base code of a slot record against the snapshot's common base. */
    static final int BASE_COMMON = 0;
    /** Base code of a slot record without a base. */
    static final int BASE_NONE = 1;
    /** Counts per delta field kept by the server to choose a snapshot's delta widths (widths 0 to 32). */
    static final int WIDTH_BUCKETS = 33;

    private static final double TURN = 2 * Math.PI;

    private final ReplicationRules rules;
    private final int componentBits;
    /** Slot records written with the usual shape's short header (tests). */
    long usualWritten;
    private final int deltaCount;

    EntityCodec(final ReplicationRules rules) {
        this.rules = rules;
        this.componentBits = rules.components.length;
        this.deltaCount = rules.deltaCount;
        this.decodeWidths = new int[Math.max(1, deltaCount)];
    }

    /** An id record with slot 0 and no values kept (the codec benchmark's full-state encoding). */
    void write(final BitWriter w, final boolean isFull, final long entity, final int componentMask, final Chunk chunk,
        final int row) {
        writeId(w, isFull, 0, entity, componentMask, chunk, row, null, 0);
    }

    /**
     * An id record; the quantized values of its delta fields go to {@code out} at {@code outOff + delta index} (if
     * {@code out} is not null).
     */
    void writeId(final BitWriter w, final boolean isFull, final int slot, final long entity, final int componentMask,
        final Chunk chunk, final int row, final int[] out, final int outOff) {
        writeId(w, isFull, slot, entity, componentMask, chunk, row, null, 0, out, outOff);
    }

    /**
     * {@link #writeId(BitWriter, boolean, int, long, int, Chunk, int, int[], int)} with the entity's delta fields
     * already quantized ({@link #quantizeAll}) in {@code q} at {@code qOff + delta index}; {@code q} null: quantized
     * here.
     */
    void writeId(final BitWriter w, final boolean isFull, final int slot, final long entity, final int componentMask,
        final Chunk chunk, final int row, final int[] q, final int qOff, final int[] out, final int outOff) {
        w.write(isFull ? 3 : 1, 2);
        w.writeGamma(slot + 1);
        w.writeVarint(EntityIds.index(entity) & 0xFFFFFFFFL);
        w.writeVarint(EntityIds.generation(entity) & 0xFFFFFFFFL);
        w.write(componentMask, componentBits);
        final int[] first = rules.firstField;
        for (int c = 0; c < componentBits; c++) {
            if ((componentMask & (1 << c)) == 0) {
                continue;
            }
            for (int k = first[c], end = first[c + 1]; k < end; k++) {
                writeField(w, k, chunk, row, q, qOff, out, outOff);
            }
        }
    }

    /**
     * Quantizes the delta fields (bounded floats and angles) of the components in {@code componentMask} of a row into
     * {@code q} at {@code qOff + delta index}: what the write methods send, computed once per entity per tick instead
     * of once per client that sees it.
     */
    void quantizeAll(final int componentMask, final Chunk chunk, final int row, final int[] q, final int qOff) {
        final ReplicationRules r = rules;
        final int[] first = r.firstField;
        for (int bitsLeft = componentMask; bitsLeft != 0; bitsLeft &= bitsLeft - 1) {
            final int c = Integer.numberOfTrailingZeros(bitsLeft);
            for (int k = first[c], end = first[c + 1]; k < end; k++) {
                final int di = r.flatDelta[k];
                if (di >= 0) {
                    q[qOff + di] = (int) quantized(k, chunk, row);
                }
            }
        }
    }

    /**
     * A slot record. {@code baseCode}: {@link #BASE_COMMON}, {@link #BASE_NONE}, or the base's age + 1 ({@code age});
     * with a base, {@code base} holds its values at {@code baseOff} (and the prior base's at {@code priorOff}, used when
     * {@code priorGap} &gt; 0) and {@code baseMask} its components (a field of a component not in it goes absolute).
     */
    void writeSlot(final BitWriter w, final int gap, final int baseCode, final int age, final int priorGap,
        final int componentMask, final Chunk chunk, final int row, final int[] qs, final int qOff, final int[] base,
        final int baseOff, final int priorOff, final int baseMask, final int[] out, final int outOff, final int[] widths,
        final int[] widthCounts, final int usualMask, final int usualPrior) {
        writeSlotHeader(w, gap, baseCode, priorGap, componentMask, usualMask, usualPrior);
        writeSlotFields(w, baseCode != BASE_NONE, age, priorGap, componentMask, chunk, row, qs, qOff, base, baseOff,
            priorOff, baseMask, out, outOff, widths, widthCounts);
    }

    /**
     * A slot record's header: {@code [0][gamma(gap)][1]} if it has the snapshot's usual shape (the common base, mask
     * {@code usualMask}, prior gap {@code usualPrior}, as written by {@link #writeWidths}), else
     * {@code [0][gamma(gap)][0][base][prior][mask]}.
     */
    void writeSlotHeader(final BitWriter w, final int gap, final int baseCode, final int priorGap,
        final int componentMask, final int usualMask, final int usualPrior) {
        // the header gathered in one word: [0][gamma(gap)][1: usual] or [0][gamma(gap)][0][1: common base][...][mask]
        final int n = 31 - Integer.numberOfLeadingZeros(gap);
        long h = ((((long) gap & ((1L << n) - 1)) << (n + 1)) | (1L << n)) << 1;
        int hb = 2 * n + 2;
        if (baseCode == BASE_COMMON && componentMask == usualMask && priorGap == usualPrior) {
            w.write(h | (1L << hb), hb + 1);
            usualWritten++;
            return;
        }
        hb++;
        if (baseCode == BASE_COMMON) {
            h |= 1L << hb;
            hb++;
        } else {
            w.write(h, hb + 1);
            w.writeGamma(baseCode);
            h = 0;
            hb = 0;
        }
        if (baseCode != BASE_NONE) {
            if (priorGap == 1) {
                h |= 3L << hb;
                hb += 2;
            } else if (priorGap > 0) {
                w.write(h | (1L << hb), hb + 1);
                w.writeGamma(priorGap);
                h = 0;
                hb = 0;
            } else {
                hb++;
            }
        }
        if (hb + componentBits > 64) {
            w.write(h, hb);
            h = 0;
            hb = 0;
        }
        w.write(h | ((long) componentMask << hb), hb + componentBits);
    }

    /**
     * A slot record's fields, after its header ({@link #writeSlotHeader}): the rest of {@link #writeSlot}. They depend
     * on the record's base and prior base (their values, masks and ages), its mask, the widths and the entity's values,
     * not on the client or the slot, so that a server can write them once for every client that holds the same bases.
     */
    void writeSlotFields(final BitWriter w, final boolean hasBase, final int age, final int priorGap,
        final int componentMask, final Chunk chunk, final int row, final int[] qs, final int qOff, final int[] base,
        final int baseOff, final int priorOff, final int baseMask, final int[] out, final int outOff, final int[] widths,
        final int[] widthCounts) {
        final ReplicationRules r = rules;
        final int[] first = r.firstField;
        for (int c = 0; c < componentBits; c++) {
            if ((componentMask & (1 << c)) == 0) {
                continue;
            }
            final boolean deltas = hasBase && (baseMask & (1 << c)) != 0;
            for (int k = first[c], end = first[c + 1]; k < end; k++) {
                final int di = r.flatDelta[k];
                if (di < 0) {
                    writeField(w, k, chunk, row, null, 0, out, outOff);
                    continue;
                }
                final int bits = r.flatBits[k];
                final long q = qs != null ? qs[qOff + di] : quantized(k, chunk, row);
                if (out != null) {
                    out[outOff + di] = (int) q;
                }
                if (!hasBase) {
                    w.write(q, bits);
                    continue;
                }
                final int prefix = r.flatDeltaPrefix[k];
                if (!deltas) {
                    w.write(((q << prefix) | bits) << 1, 1 + prefix + bits);
                    continue;
                }
                final boolean angle = r.flatEncoding[k] == ReplicationRules.ANGLE;
                final long from = priorGap > 0
                    ? predict(base[baseOff + di], base[priorOff + di], age, priorGap, bits, angle) : base[baseOff + di];
                long d = q - from;
                if (angle) {
                    d = (d << (64 - bits)) >> (64 - bits);
                }
                final long zz = zigzag(d);
                final int width = 64 - Long.numberOfLeadingZeros(zz);
                if (widthCounts != null) {
                    widthCounts[di * WIDTH_BUCKETS + Math.min(width, bits)]++;
                }
                final int common = widths[di];
                if (width <= common) {
                    w.write((zz << 1) | 1, 1 + common);
                } else if (width < bits) {
                    w.write(((zz << prefix) | width) << 1, 1 + prefix + Math.max(0, width - 1));
                } else {
                    w.write(((q << prefix) | bits) << 1, 1 + prefix + bits);
                }
            }
        }
    }

    private static final long VARINT35_VALUE = (1L << 35) - 1;

    /**
     * A varint of at most 5 bytes from the low bits of {@code w} (the stream's next 64 bits): its value in the low 35
     * bits and the number of bits it took in bits 56 and up; -1 if it runs past 5 bytes.
     */
    private static long varint35(final long w) {
        long value = 0;
        for (int g = 0; g < 5; g++) {
            final long b = (w >>> (8 * g)) & 0xFF;
            value |= (b & 0x7F) << (7 * g);
            if (b < 0x80) {
                return value | ((long) (8 * (g + 1)) << 56);
            }
        }
        return -1;
    }

    /**
     * The value a delta is taken from when the record names a prior base: the base's value extrapolated linearly from
     * the prior base's ({@code gap} snapshots earlier) to this snapshot ({@code age} after the base), in integer steps
     * (floor), clamped to the field's range (angles wrap).
     */
    static long predict(final long base, final long prior, final long age, final long gap, final int bits,
        final boolean angle) {
        long dv = base - prior;
        if (angle) {
            dv = (dv << (64 - bits)) >> (64 - bits);
        }
        final long p = base + (gap == 1 ? dv * age : Math.floorDiv(dv * age, gap));
        return angle ? p & ((1L << bits) - 1) : Math.max(0, Math.min((1L << bits) - 1, p));
    }

    /**
     * The snapshot's stream header (present when it has a common base): its delta widths, one per delta field, in its
     * prefix width, in field order; then the usual shape of its slot records: the mask ({@code usualMask}, n bits) and
     * whether they have a prior base 1 before their base ({@code usualPrior}: 1, or 0 for none).
     */
    void writeWidths(final BitWriter w, final int[] widths, final int usualMask, final int usualPrior) {
        final ReplicationRules r = rules;
        for (int k = 0; k < r.flatField.length; k++) {
            if (r.flatDelta[k] >= 0) {
                w.write(widths[r.flatDelta[k]], r.flatDeltaPrefix[k]);
            }
        }
        w.write(usualMask, componentBits);
        w.write(usualPrior, 1);
    }

    /**
     * Chooses each delta field's common width for a snapshot from the widths its deltas needed in the previous one
     * ({@code counts}: per field {@link #WIDTH_BUCKETS} counts, bucket b = the field's bits meaning absolute), the
     * width that would have cost the fewest bits; clears the counts.
     */
    void chooseWidths(final int[] counts, final int[] widths) {
        final ReplicationRules r = rules;
        for (int k = 0; k < r.flatField.length; k++) {
            final int di = r.flatDelta[k];
            if (di < 0) {
                continue;
            }
            final int bits = r.flatBits[k];
            final int prefix = r.flatDeltaPrefix[k];
            final int at = di * WIDTH_BUCKETS;
            // widths above the largest one used cannot cost less than it: search [0, top] only
            int top = bits;
            while (top > 0 && counts[at + top] == 0) {
                top--;
            }
            long outside = 0;
            for (int len = 0; len <= top; len++) {
                outside += (long) counts[at + len] * (1 + prefix + (len == 0 ? 0 : len < bits ? len - 1 : bits));
            }
            long inside = 0;
            long best = Long.MAX_VALUE;
            int bestWidth = 0;
            for (int width = 0, end = Math.min(top + 1, bits); width < end; width++) {
                final int c = counts[at + width];
                inside += c;
                outside -= (long) c * (1 + prefix + (width == 0 ? 0 : width - 1));
                final long cost = inside * (1 + width) + outside;
                if (cost < best) {
                    best = cost;
                    bestWidth = width;
                }
            }
            widths[di] = bestWidth;
            java.util.Arrays.fill(counts, at, at + top + 1, 0);
        }
    }

    private long quantized(final int k, final Chunk chunk, final int row) {
        final ReplicationRules r = rules;
        final float v = chunk.floats((FloatField) r.flatField[k])[row];
        return r.flatEncoding[k] == ReplicationRules.ANGLE ? quantizeAngle(v, r.flatInverseStep[k], r.flatBits[k])
            : quantize(v, r.flatMin[k], r.flatMax[k], r.flatInverseStep[k]);
    }

    private void writeField(final BitWriter w, final int k, final Chunk chunk, final int row, final int[] qs,
        final int qOff, final int[] out, final int outOff) {
        final ReplicationRules r = rules;
        final Field field = r.flatField[k];
        switch (r.flatEncoding[k]) {
            case ReplicationRules.RANGE_FLOAT:
            case ReplicationRules.ANGLE: {
                final long q = qs != null ? qs[qOff + r.flatDelta[k]] : quantized(k, chunk, row);
                if (out != null) {
                    out[outOff + r.flatDelta[k]] = (int) q;
                }
                w.write(q, r.flatBits[k]);
                break;
            }
            case ReplicationRules.RAW_FLOAT:
                w.write(Float.floatToRawIntBits(chunk.floats((FloatField) field)[row]) & 0xFFFFFFFFL, 32);
                break;
            case ReplicationRules.RAW_DOUBLE:
                w.write(Double.doubleToRawLongBits(chunk.doubles((DoubleField) field)[row]), 64);
                break;
            case ReplicationRules.BOOL:
                w.writeBool(chunk.bools((BoolField) field)[row]);
                break;
            case ReplicationRules.QUATERNION: {
                final FloatField[] q = r.flatQuaternion[k];
                w.write(packQuaternion(chunk.floats(q[0])[row], chunk.floats(q[1])[row], chunk.floats(q[2])[row],
                    chunk.floats(q[3])[row], r.flatBits[k], r.flatInverseStep[k]), r.flatFixedBits[k]);
                break;
            }
            default:
                w.writeVarint(zigzag(integral(field, chunk, row)));
                break;
        }
    }

    /**
     * Smallest three: {@code [index of the largest |component|: 2 bits][the other three, in x y z w order, each in bits
     * bits: 2^(bits-1) - 1 + round(v / step), v in [-1/√2, 1/√2]]}, of the normalized quaternion negated if its largest component is negative. A zero or
     * non-finite quaternion goes as the identity.
     */
    static long packQuaternion(final float x, final float y, final float z, final float w, final int bits,
        final double inverseStep) {
        double qx = x;
        double qy = y;
        double qz = z;
        double qw = w;
        final double norm = Math.sqrt(qx * qx + qy * qy + qz * qz + qw * qw);
        if (!(norm > 1e-12) || Double.isInfinite(norm)) {
            qx = 0;
            qy = 0;
            qz = 0;
            qw = 1;
        } else {
            qx /= norm;
            qy /= norm;
            qz /= norm;
            qw /= norm;
        }
        int largest = 0;
        double big = Math.abs(qx);
        if (Math.abs(qy) > big) {
            largest = 1;
            big = Math.abs(qy);
        }
        if (Math.abs(qz) > big) {
            largest = 2;
            big = Math.abs(qz);
        }
        if (Math.abs(qw) > big) {
            largest = 3;
        }
        final double sign = (largest == 0 ? qx : largest == 1 ? qy : largest == 2 ? qz : qw) < 0 ? -1 : 1;
        long packed = largest;
        int shift = 2;
        final long centre = (1L << (bits - 1)) - 1;
        for (int i = 0; i < 4; i++) {
            if (i == largest) {
                continue;
            }
            final double v = sign * (i == 0 ? qx : i == 1 ? qy : i == 2 ? qz : qw);
            final long q = centre + Math.max(-centre, Math.min(centre, Math.round(v * inverseStep)));
            packed |= q << shift;
            shift += bits;
        }
        return packed;
    }

    /** The quaternion {@link #packQuaternion} packed, into {@code out[0..3]} (x y z w; unit length). */
    static void unpackQuaternion(final long packed, final int bits, final double step, final float[] out) {
        final int largest = (int) (packed & 3);
        final long mask = (1L << bits) - 1;
        final long centre = (1L << (bits - 1)) - 1;
        double sum = 0;
        int shift = 2;
        for (int i = 0; i < 4; i++) {
            if (i == largest) {
                continue;
            }
            final double v = (((packed >>> shift) & mask) - centre) * step;
            out[i] = (float) v;
            sum += v * v;
            shift += bits;
        }
        if (sum > 1) {
            // not from a unit quaternion (the server never sends this): scaled back to unit length, largest 0
            final float scale = (float) (1 / Math.sqrt(sum));
            for (int i = 0; i < 4; i++) {
                out[i] *= scale;
            }
            out[largest] = 0f;
        } else {
            out[largest] = (float) Math.sqrt(1 - sum);
        }
    }

    private static long integral(final Field field, final Chunk chunk, final int row) {
        switch (field.kind()) {
            case BYTE:
                return chunk.bytes((ByteField) field)[row];
            case SHORT:
                return chunk.shorts((ShortField) field)[row];
            case INT:
                return chunk.ints((IntField) field)[row];
            default:
                return chunk.longs((LongField) field)[row];
        }
    }

    static long quantize(final float value, final float min, final float max, final int bits) {
        return quantize(value, min, max, ((1L << bits) - 1) / ((double) max - min));
    }

    /**
     * A bounded float in steps of {@code 1 / inverseStep} from {@code min}, clamped (NaN is min). The offset from
     * {@code min} is taken in double: in float it rounds to the float's ulp (up to 1.5e-5 at 200), which pushed the
     * error past half a step.
     */
    static long quantize(final float value, final float min, final float max, final double inverseStep) {
        final float v = value != value ? min : Math.max(min, Math.min(max, value));
        return Math.round(((double) v - min) * inverseStep);
    }

    static float dequantize(final long q, final float min, final float max, final int bits) {
        return dequantize(q, min, ((double) max - min) / ((1L << bits) - 1));
    }

    static float dequantize(final long q, final float min, final double step) {
        return (float) (min + q * step);
    }

    static long quantizeAngle(final float radians, final int bits) {
        return quantizeAngle(radians, (1L << bits) / TURN, bits);
    }

    /** Radians to steps of a turn, modulo the turn (NaN is 0). */
    static long quantizeAngle(final float radians, final double inverseStep, final int bits) {
        return Math.round(radians * inverseStep) & ((1L << bits) - 1);
    }

    static float dequantizeAngle(final long q, final int bits) {
        return dequantizeAngle(q, TURN / (1L << bits));
    }

    static float dequantizeAngle(final long q, final double step) {
        return (float) (q * step);
    }

    static long zigzag(final long v) {
        return (v << 1) ^ (v >> 63);
    }

    static long unzigzag(final long v) {
        return (v >>> 1) ^ -(v & 1);
    }

    // ------------------------------------------------------------------ decoding

    /** Records decoded by {@link #decode}: header per record, the raw field values of each in {@link #values}. */
    int decodedCount;
    /** Of those, slot records sent against a base. */
    int decodedWithBase;
    /** Of those, slot records sent against an extrapolation from a prior base. */
    int decodedWithPrior;
    boolean[] recordFull = new boolean[64];
    long[] recordHandle = new long[64];
    int[] recordMask = new int[64];
    /** A record's view slot: an id record's, a slot record's; -1 for an id record that is not full. */
    int[] recordSlot = new int[64];
    /** Index in {@link #values} of a record's first field value. */
    int[] recordValues = new int[64];
    /**
     * Field values in record order, fields of the mask in wire order: the quantized step for bounded floats and
     * angles (deltas already resolved against their base), the raw bits for floats and doubles, 0/1 for booleans, the
     * (range-checked) value for integral fields.
     */
    long[] values = new long[256];

    // the client's view slots: the server entity bound to each, and the quantized delta fields of its last records
    private long[] slotHandle = new long[0];
    /** Per slot, {@link #HISTORY} entries: the snapshot seq of the record (0: none). */
    private int[] historySeq = new int[0];
    /** Per entry, the delta fields' values after that record. */
    private int[] historyValues = new int[0];
    /** Per slot, entries written (the next one is {@code head % HISTORY}). */
    private int[] historyHead = new int[0];
    /** The delta widths of the snapshot being decoded. */
    private final int[] decodeWidths;

    /** Decodes a stream that holds id records only (no slot history; the codec benchmark's decoding half). */
    boolean decode(final BitReader r, final int count) {
        return decode(r, count, 0, 0);
    }

    /**
     * Decodes {@code count} records of snapshot {@code seq} from the reader's position, checking everything the wire
     * can get wrong (the stream's end, varint and gamma lengths, entity ids, slots bound to entities, bases among the
     * remembered records, integral and bounded-float ranges), and requires the stream to end there (less than a byte
     * left). The bit position lives in a local variable, read ahead past the end as zeros and checked once per record.
     *
     * <p>Each record starts where the previous one ends, so decoding is a serial chain through the bit position; the
     * loop keeps that chain short and its few values in registers (every load is {@link BitReader#peek(byte[], int,
     * int, int)}, without a call). An id record's header (flags, gamma slot, both varints, usually the mask) is cut
     * from one word, the commonest lengths taken by predicted branches rather than computed; a mask whose fields are
     * all fixed-width ({@link DecodePlan}, rules of up to 8 components) is one load at a width known from the rules,
     * each field cut out by its own shifts, and a mask like the previous record's reuses its width and (up to 3)
     * fields' shifts from registers. Slot-record headers, masks with varint, double or delta fields, and headers
     * longer than a word go through helpers.
     *
     * @param seq the snapshot's sequence number (bases are relative to it)
     * @param commonBase the snapshot's common base, 0 for none
     * @return false if the bytes are malformed (the decoded tables are then meaningless)
     */
    boolean decode(final BitReader r, final int count, final long seq, final long commonBase) {
        ensureRecords(count);
        final DecodePlan plan = decodePlan();
        final int[] maskWidth = plan.maskWidth;
        final int[] maskFirst = plan.maskFirst;
        final long[] maskFields = plan.maskFields;
        final int[] maskCount = plan.maskCount;
        final int fieldCount = rules.flatField.length;
        final boolean[] outFull = recordFull;
        final long[] outHandle = recordHandle;
        final int[] outSlot = recordSlot;
        final int[] outMask = recordMask;
        final int[] outValues = recordValues;
        final int limit = r.limitBits();
        final int n = componentBits;
        final long maskBits = (1L << n) - 1;
        final byte[] a = r.heapArray();
        final int base = r.heapBase();
        final int last = r.heapLast();
        decodeBytes = a;
        decodeBytesBase = base;
        decodeBytesLast = last;
        int pos = r.position();
        if (commonBase != 0) {
            pos = decodeWidths(pos);
            if (pos < 0) {
                return false;
            }
        }
        decodePreviousSlot = -1;
        decodeBaseCount = 0;
        decodePriorCount = 0;
        long[] vals = values;
        int v = 0;
        int lastMask = -1;
        int lastWidth = -1;
        int lastCount = 0;
        long e0 = 0;
        long e1 = 0;
        long e2 = 0;
        for (int i = 0; i < count; i++) {
            final long w = BitReader.peek(a, base, last, pos);
            final int m;
            final boolean hasBase;
            if ((w & 1) != 0) {
                // id record: [1][full:1][gamma(slot + 1)][index: varint <= 5 groups][generation: varint <= 5 groups][mask]
                // the commonest lengths (slot 0; 1- and 2-byte varints) are taken by predicted branches, not computed,
                // so that the next record's position does not wait for them
                final int z = (w & 4) != 0 ? 0 : Long.numberOfTrailingZeros(w >>> 2);
                if (z > 27) {
                    return false;
                }
                final int slotPlusOne = (1 << z) | (int) ((w >>> (3 + z)) & ((1L << z) - 1));
                if (slotPlusOne > MAX_SLOTS) {
                    return false;
                }
                final int at = 3 + 2 * z;
                final long t = w >>> at;
                // the varints' last bytes: the first two bytes with a clear top bit
                final int end1 = varintEnd(t);
                final int end2 = end1 + 1 + varintEnd(t >>> (end1 + 1));
                int header = at + end2 + 1;
                final long index;
                final long generation;
                if (header <= 57) {
                    // both varints end within the word, so neither has more than 5 groups (a sixth would end at 59)
                    index = varintGroups(t & ((1L << end1) - 1));
                    generation = varintGroups((t >>> (end1 + 1)) & ((1L << (end2 - end1 - 1)) - 1));
                } else {
                    // past the first word: a long slot or long varints (one longer than 5 groups fails)
                    long vi = varint35(BitReader.peek(a, base, last, pos + at));
                    if (vi < 0) {
                        return false;
                    }
                    index = vi & VARINT35_VALUE;
                    header = at + (int) (vi >>> 56);
                    vi = varint35(BitReader.peek(a, base, last, pos + header));
                    if (vi < 0) {
                        return false;
                    }
                    generation = vi & VARINT35_VALUE;
                    header += (int) (vi >>> 56);
                }
                m = (int) ((header + n <= 57 ? w >>> header : BitReader.peek(a, base, last, pos + header)) & maskBits);
                pos += header + n;
                if (index > EntityIds.MAX_INDEX || generation == 0 || generation > 0xFFFFFFFFL) {
                    return false;
                }
                final boolean isFull = (w & 2) != 0;
                outFull[i] = isFull;
                outHandle[i] = EntityIds.of((int) index, (int) generation);
                outSlot[i] = isFull ? slotPlusOne - 1 : -1;
                hasBase = false;
            } else {
                pos = decodeSlotHeader(i, pos, seq, commonBase);
                if (pos < 0) {
                    return false;
                }
                m = decodeMask;
                hasBase = decodeBaseEntry >= 0;
            }
            outMask[i] = m;
            outValues[i] = v;
            // fields of the components in the mask; at most every field of the rules
            if (v + fieldCount > vals.length) {
                values = java.util.Arrays.copyOf(vals, Math.max(vals.length * 2, v + fieldCount));
                vals = values;
            }
            // the mask's plan; a mask like the previous record's reuses its width and first fields from registers,
            // off the position's chain
            if (m != lastMask || hasBase) {
                final int width = m < maskWidth.length && !hasBase ? maskWidth[m] : -1;
                if (!hasBase) {
                    lastMask = m;
                    lastWidth = width;
                    if (width > 0) {
                        final int j = maskFirst[m];
                        lastCount = maskCount[m];
                        e0 = maskFields[j];
                        e1 = lastCount > 1 ? maskFields[j + 1] : 0;
                        e2 = lastCount > 2 ? maskFields[j + 2] : 0;
                    }
                } else {
                    lastMask = -1;
                    lastWidth = width;
                }
            }
            final int wholeWidth = lastWidth;
            if (wholeWidth > 0) {
                // every field fixed-width, 57 bits at most: one load, each field cut out by its own two shifts
                final long fw = BitReader.peek(a, base, last, pos);
                final int cnt = lastCount;
                if (cnt <= 3) {
                    vals[v] = (fw << e0) >>> (e0 >>> 8);
                    if (cnt > 1) {
                        vals[v + 1] = (fw << e1) >>> (e1 >>> 8);
                        if (cnt > 2) {
                            vals[v + 2] = (fw << e2) >>> (e2 >>> 8);
                        }
                    }
                    v += cnt;
                } else {
                    int j = maskFirst[m];
                    long e;
                    do {
                        e = maskFields[j++];
                        vals[v++] = (fw << e) >>> (e >>> 8);
                    } while ((e & LAST_FIELD) == 0);
                }
                pos += wholeWidth;
            } else if (wholeWidth < 0) {
                pos = decodeComponents(m, pos, v, hasBase, plan);
                if (pos < 0) {
                    return false;
                }
                v = decodeValueEnd;
                vals = values;
            }
            if (pos > limit) {
                return false;
            }
        }
        decodedCount = count;
        decodedWithBase = decodeBaseCount;
        decodedWithPrior = decodePriorCount;
        return limit - pos < 8;
    }

    /**
     * The fields of the components in mask {@code m} from bit {@code start} into {@link #values} from {@code at}, a
     * component at a time: the position after them (and {@link #decodeValueEnd}), or -1 if malformed.
     */
    private int decodeComponents(final int m, final int start, final int at, final boolean hasBase,
        final DecodePlan plan) {
        final int[] first = rules.firstField;
        final int[] componentWidth = plan.componentWidth;
        final int[] fieldShift = plan.fieldShift;
        final long[] fieldMask = plan.fieldMask;
        final byte[] a = decodeBytes;
        final int base = decodeBytesBase;
        final int last = decodeBytesLast;
        final long[] vals = values;
        int pos = start;
        int v = at;
        final int fixedNow = hasBase ? plan.fixedWithBase : plan.fixedAbsolute;
        for (int bitsLeft = m; bitsLeft != 0; bitsLeft &= bitsLeft - 1) {
            final int c = Integer.numberOfTrailingZeros(bitsLeft);
            final int k0 = first[c];
            final int k1 = first[c + 1];
            if ((fixedNow & (1 << c)) == 0) {
                pos = decodeComponent(k0, k1, pos, v, hasBase);
                if (pos < 0) {
                    return -1;
                }
                v += k1 - k0;
                continue;
            }
            // fixed-width fields at offsets known from the rules: independent shifts of one load
            final int bits = componentWidth[c];
            if (bits <= 57) {
                final long cw = BitReader.peek(a, base, last, pos);
                for (int k = k0; k < k1; k++) {
                    vals[v++] = (cw >>> fieldShift[k]) & fieldMask[k];
                }
            } else {
                for (int k = k0; k < k1; k++) {
                    vals[v++] = BitReader.peek(a, base, last, pos + fieldShift[k]) & fieldMask[k];
                }
            }
            pos += bits;
        }
        decodeValueEnd = v;
        return pos;
    }

    /** {@code maskFields}: the mask's last field. */
    private static final long LAST_FIELD = 0x80;

    // the state of decode's slot records and helpers, kept out of its loop's registers
    private byte[] decodeBytes;
    private int decodeBytesBase;
    private int decodeBytesLast;
    private int decodeValueEnd;
    private int decodePreviousSlot;
    private int decodeBaseCount;
    private int decodePriorCount;
    private int decodeMask;
    private int decodeBaseEntry;
    private int decodePriorEntry;
    private int decodePriorGap;
    private long decodeAge;
    /** The usual slot record's mask and prior gap (0 or 1) in the snapshot being decoded. */
    private int decodeUsualMask;
    private int decodeUsualPrior;

    /**
     * The snapshot's stream header from {@code pos}, its delta widths and the usual shape of its slot records: the
     * position after it, or -1 if a width is too wide.
     */
    private int decodeWidths(final int start) {
        final ReplicationRules q = rules;
        final int[] widths = decodeWidths;
        int pos = start;
        for (int k = 0; k < q.flatField.length; k++) {
            final int di = q.flatDelta[k];
            if (di >= 0) {
                final int width = (int) (peekAt(pos) & ((1L << q.flatDeltaPrefix[k]) - 1));
                if (width >= q.flatBits[k]) {
                    return -1;
                }
                widths[di] = width;
                pos += q.flatDeltaPrefix[k];
            }
        }
        final long usual = peekAt(pos);
        decodeUsualMask = (int) (usual & ((1L << componentBits) - 1));
        decodeUsualPrior = (int) ((usual >>> componentBits) & 1);
        return pos + componentBits + 1;
    }

    /**
     * Slot record {@code i}'s header from {@code pos}, {@code [0][gamma(gap)][base][prior][mask]}: writes the record's
     * slot and handle, leaves its mask and base (entry -1 for none) in the decode state; the position after it, or -1.
     */
    private int decodeSlotHeader(final int i, final int start, final long seq, final long commonBase) {
        int pos = start + 1;
        final int gap = gamma(peekAt(pos));
        if (gap <= 0) {
            return -1;
        }
        pos += gammaBits(gap);
        final int slot = decodePreviousSlot + gap;
        if (slot >= slotHandle.length || slotHandle[slot] == EntityIds.NONE) {
            return -1;
        }
        decodePreviousSlot = slot;
        // [1]: the usual shape (only in a snapshot with a common base, which has the stream header)
        final boolean usual = (peekAt(pos) & 1) != 0;
        pos += 1;
        final long w = usual ? 1 : peekAt(pos);
        final long baseSeq;
        if (!usual) {
            pos += 1;
        }
        if ((w & 1) != 0) {
            baseSeq = commonBase;
            if (baseSeq == 0) {
                return -1;
            }
        } else {
            final int code = gamma(w >>> 1);
            if (code <= 0) {
                return -1;
            }
            pos += gammaBits(code);
            baseSeq = code == BASE_NONE ? 0 : seq - (code - 1);
            if (code != BASE_NONE && baseSeq <= 0) {
                return -1;
            }
        }
        int baseEntry = -1;
        int priorEntry = -1;
        int priorGap = 0;
        if (baseSeq != 0) {
            if (commonBase == 0) {
                return -1;   // no delta widths in this snapshot
            }
            baseEntry = findEntry(slot, baseSeq);
            if (baseEntry < 0) {
                return -1;
            }
            decodeBaseCount++;
            // [0] | [1][gamma(base - prior base)], or the usual prior
            final long pw = usual ? decodeUsualPrior : peekAt(pos);
            if (!usual) {
                pos += 1;
            }
            if ((pw & 1) != 0) {
                priorGap = usual ? 1 : gamma(pw >>> 1);
                if (priorGap <= 0 || baseSeq - priorGap <= 0) {
                    return -1;
                }
                if (!usual) {
                    pos += gammaBits(priorGap);
                }
                priorEntry = findEntry(slot, baseSeq - priorGap);
                if (priorEntry < 0) {
                    return -1;
                }
                decodePriorCount++;
            }
        }
        decodeBaseEntry = baseEntry;
        decodePriorEntry = priorEntry;
        decodePriorGap = priorGap;
        decodeAge = seq - baseSeq;
        recordFull[i] = false;
        recordHandle[i] = slotHandle[slot];
        recordSlot[i] = slot;
        if (usual) {
            decodeMask = decodeUsualMask;
            return pos;
        }
        decodeMask = (int) (peekAt(pos) & ((1L << componentBits) - 1));
        return pos + componentBits;
    }

    /**
     * Fields {@code [k0, k1)} (one component) field by field from {@code pos} into {@link #values} from {@code v}:
     * absolute, or with the record's base (the decode state) as deltas for delta fields. The position after them, or
     * -1 if malformed (a varint too long, an integral or bounded value out of range, a bad delta width).
     */
    private int decodeComponent(final int k0, final int k1, final int start, final int at,
        final boolean hasBase) {
        final ReplicationRules q = rules;
        final byte[] encoding = q.flatEncoding;
        final int[] deltaIndex = q.flatDelta;
        final int[] fieldBits = q.flatBits;
        final long[] vals = values;
        final int[] hist = historyValues;
        final int dw = deltaCount;
        int pos = start;
        int v = at;
        for (int k = k0; k < k1; k++) {
            final int width = q.flatFixedBits[k];
            final long x;
            if (hasBase && deltaIndex[k] >= 0) {
                long word = peekAt(pos);
                final int prefix = q.flatDeltaPrefix[k];
                final int bits = fieldBits[k];
                final int di = deltaIndex[k];
                final long from = decodePriorEntry < 0 ? hist[decodeBaseEntry * dw + di]
                    : predict(hist[decodeBaseEntry * dw + di], hist[decodePriorEntry * dw + di], decodeAge,
                        decodePriorGap, bits, encoding[k] == ReplicationRules.ANGLE);
                final int code;
                if ((word & 1) != 0) {
                    // [1][zigzag delta in the snapshot's common width]
                    final int common = decodeWidths[di];
                    final long zz = (word >>> 1) & ((1L << common) - 1);
                    pos += 1 + common;
                    x = addDelta(from, zz, bits, encoding[k] == ReplicationRules.ANGLE);
                    if (x < 0) {
                        return -1;
                    }
                    vals[v++] = x;
                    continue;
                }
                pos += 1;
                word >>>= 1;
                code = (int) (word & ((1L << prefix) - 1));
                if (code == 0) {
                    x = from;
                    pos += prefix;
                } else if (code < bits) {
                    final long zz = (1L << (code - 1)) | ((word >>> prefix) & ((1L << (code - 1)) - 1));
                    pos += prefix + code - 1;
                    x = addDelta(from, zz, bits, encoding[k] == ReplicationRules.ANGLE);
                    if (x < 0) {
                        return -1;
                    }
                } else if (code == bits) {
                    x = (word >>> prefix) & ((1L << bits) - 1);
                    pos += prefix + bits;
                } else {
                    return -1;
                }
            } else if (width != 0) {
                x = peekAt(pos) & ((1L << width) - 1);
                pos += width;
            } else if (encoding[k] == ReplicationRules.RAW_DOUBLE) {
                x = (peekAt(pos) & 0xFFFF_FFFFL) | (peekAt(pos + 32) << 32);
                pos += 64;
            } else {
                long raw = 0;
                int g = 0;
                for (; g < 10; g++) {
                    final long b = peekAt(pos) & 0xFF;
                    pos += 8;
                    raw |= (b & 0x7F) << (7 * g);
                    if (b < 0x80) {
                        break;
                    }
                }
                if (g == 10) {
                    return -1;
                }
                x = unzigzag(raw);
                if (!fitsIntegral(q.flatField[k], x)) {
                    return -1;
                }
            }
            vals[v++] = x;
        }
        return pos;
    }

    /** {@link BitReader#peek(byte[], int, int, int)} of the stream being decoded, for decode's helpers. */
    private long peekAt(final int bitPosition) {
        return BitReader.peek(decodeBytes, decodeBytesBase, decodeBytesLast, bitPosition);
    }

    /** The top bit of each of the 7 bytes of a word: where a varint's last byte has a 0. */
    private static final long VARINT_STOP_BITS = 0x0080_8080_8080_8080L;

    /**
     * The bit of the last byte's top bit of the varint at the low bits of {@code t}: found by branches for 1 and 2
     * bytes, else among 7 bytes (64 if none ends there).
     */
    private static int varintEnd(final long t) {
        if ((t & 0x80) == 0) {
            return 7;
        }
        if ((t & 0x8000) == 0) {
            return 15;
        }
        return Long.numberOfTrailingZeros(~t & VARINT_STOP_BITS);
    }

    /** A varint's value from its bytes (below its last byte's top bit, nothing above): the 7-bit groups gathered. */
    private static long varintGroups(final long x) {
        return (x & 0x7FL) | ((x >>> 1) & 0x3F80L) | ((x >>> 2) & 0x1F_C000L) | ((x >>> 3) & 0xFE0_0000L)
            | ((x >>> 4) & 0x7_F000_0000L);
    }

    /**
     * Decoding layout precomputed from the rules: the components whose fields are all fixed-width (bounded floats,
     * angles, raw floats, booleans) and, for each, its width and each field's offset in it.
     */
    private static final class DecodePlan {
        /** Rules with at most this many components get a plan per mask (256 masks). */
        static final int MASK_PLAN_COMPONENTS = 8;
        /** Components whose fields are all fixed-width when sent absolute. */
        final int fixedAbsolute;
        /** Of those, the ones without delta fields (fixed-width in a record with a base too). */
        final int fixedWithBase;
        /** Per component of {@link #fixedAbsolute}: its fields' total width. */
        final int[] componentWidth;
        /** Per field of such a component: its offset from the component's first bit. */
        final int[] fieldShift;
        /** Per field of such a component: a mask of its width. */
        final long[] fieldMask;
        /**
         * Per mask, when the rules have at most {@link #MASK_PLAN_COMPONENTS} components: the width of the fields of
         * its components (absolute) if all are fixed-width and fit one peek (57 bits), else -1.
         */
        final int[] maskWidth;
        /** Per mask with a width of 0 or more: its first entry in {@link #maskFields}. */
        final int[] maskFirst;
        /** Per mask with a width of 0 or more: its number of fields. */
        final int[] maskCount;
        /**
         * The fields of each such mask in wire order, each cut out of the 64-bit word at the first field's bit as
         * {@code (word << e) >>> (e >>> 8)}: 64 - offset - width in bits 0-5, {@link #LAST_FIELD} on the mask's last
         * field, 64 - width in bits 8-13.
         */
        final long[] maskFields;

        DecodePlan(final ReplicationRules q) {
            final int n = q.components.length;
            final int[] first = q.firstField;
            componentWidth = new int[n];
            fieldShift = new int[q.flatField.length];
            fieldMask = new long[q.flatField.length];
            int absolute = 0;
            int withBase = 0;
            for (int c = 0; c < n; c++) {
                boolean allFixed = true;
                boolean anyDelta = false;
                int bits = 0;
                for (int k = first[c]; k < first[c + 1]; k++) {
                    final int width = q.flatFixedBits[k];
                    allFixed &= width > 0;
                    anyDelta |= q.flatDelta[k] >= 0;
                    fieldShift[k] = bits;
                    fieldMask[k] = (1L << width) - 1;
                    bits += width;
                }
                if (allFixed) {
                    absolute |= 1 << c;
                    withBase |= anyDelta ? 0 : 1 << c;
                    componentWidth[c] = bits;
                }
            }
            fixedAbsolute = absolute;
            fixedWithBase = withBase;
            final int masks = n <= MASK_PLAN_COMPONENTS ? 1 << n : 0;
            maskWidth = new int[masks];
            maskFirst = new int[masks];
            maskCount = new int[masks];
            final long[] entries = new long[masks * first[n]];
            int e = 0;
            for (int m = 0; m < masks; m++) {
                int bits = 0;
                for (int c = 0; c < n; c++) {
                    bits += (m & (1 << c)) == 0 ? 0 : (absolute & (1 << c)) == 0 ? 58 : componentWidth[c];
                }
                if (bits > 57) {
                    maskWidth[m] = -1;
                    continue;
                }
                maskWidth[m] = bits;
                maskFirst[m] = e;
                for (int c = 0, at = 0; c < n; c++) {
                    if ((m & (1 << c)) != 0) {
                        for (int k = first[c]; k < first[c + 1]; k++) {
                            entries[e++] = (64 - at - q.flatFixedBits[k]) | ((long) (64 - q.flatFixedBits[k]) << 8);
                            at += q.flatFixedBits[k];
                        }
                    }
                }
                maskCount[m] = e - maskFirst[m];
                if (bits > 0) {
                    entries[e - 1] |= LAST_FIELD;
                }
            }
            maskFields = java.util.Arrays.copyOf(entries, e);
        }
    }

    private DecodePlan decodePlan;

    private DecodePlan decodePlan() {
        DecodePlan p = decodePlan;
        if (p == null) {
            p = new DecodePlan(rules);
            decodePlan = p;
        }
        return p;
    }

    /** {@code from} plus the zigzag delta {@code zz}: wrapped for an angle, else -1 if outside the field's range. */
    private static long addDelta(final long from, final long zz, final int bits, final boolean angle) {
        final long sum = from + unzigzag(zz);
        if (angle) {
            return sum & ((1L << bits) - 1);
        }
        return sum < 0 || sum >= 1L << bits ? -1 : sum;
    }

    /** The gamma-coded number at the low bits of {@code w} (at least 57 valid bits), or -1 if it is too long. */
    private static int gamma(final long w) {
        final int z = Long.numberOfTrailingZeros(w);
        if (z > 27) {
            return -1;
        }
        return (1 << z) | (int) ((w >>> (z + 1)) & ((1L << z) - 1));
    }

    private static int gammaBits(final int value) {
        return 2 * (31 - Integer.numberOfLeadingZeros(value)) + 1;
    }

    /**
     * Dead reckoning (client): slot {@code slot}'s quantized delta field {@code di} extrapolated to snapshot {@code seq}
     * from the slot's newest two records (both on the entity's line when the server sent none in {@code seq}), or -1 if
     * the slot has fewer than two, or its newest is not older than {@code seq} (a record of it came in {@code seq}).
     */
    long extrapolate(final int slot, final long seq, final int di, final int bits) {
        if (slot >= slotHandle.length || historyHead[slot] < 2) {
            return -1;
        }
        final int head = historyHead[slot];
        final int e1 = slot * HISTORY + ((head - 1) & (HISTORY - 1));
        final int e2 = slot * HISTORY + ((head - 2) & (HISTORY - 1));
        final long s1 = historySeq[e1] & 0xFFFF_FFFFL;
        final long s2 = historySeq[e2] & 0xFFFF_FFFFL;
        if (s2 == 0 || s1 <= s2 || seq <= s1 || seq - s1 > MAX_GAMMA) {
            return -1;
        }
        final int dw = deltaCount;
        return predict(historyValues[e1 * dw + di], historyValues[e2 * dw + di], seq - s1, s1 - s2, bits, false);
    }

    /** The server entity bound to view slot {@code slot} by its last id record, or {@link EntityIds#NONE}. */
    long slotHandle(final int slot) {
        return slot < slotHandle.length ? slotHandle[slot] : EntityIds.NONE;
    }

    /**
     * The history entry of {@code slot} written by snapshot {@code seq}, or -1. Searched newest first: a base is usually
     * one of the slot's last few records (a slot has at most one entry per snapshot, so the order changes nothing else).
     */
    private int findEntry(final int slot, final long seq) {
        if (seq <= 0 || seq > 0xFFFF_FFFFL) {
            return -1;
        }
        final int[] seqs = historySeq;
        final int first = slot * HISTORY;
        final int head = historyHead[slot];
        for (int k = 1; k <= HISTORY; k++) {
            final int j = first + ((head - k) & (HISTORY - 1));
            if (seqs[j] == (int) seq) {
                return j;
            }
        }
        return -1;
    }

    /**
     * After record {@code i} of snapshot {@code seq} was applied: binds an id record's slot to its entity and
     * remembers the record's delta fields (over the slot's previous values for a slot record) as the slot's newest
     * history entry. Grows the slot tables to the slot (at most {@link #MAX_SLOTS}, checked by {@link #decode}).
     */
    void remember(final int i, final int seq) {
        final int slot = recordSlot[i];
        if (slot < 0) {
            return;
        }
        final int dw = deltaCount;
        if (recordFull[i]) {
            ensureSlots(slot + 1);
            slotHandle[slot] = recordHandle[i];
        }
        final int head = historyHead[slot];
        final int entry = slot * HISTORY + (head & (HISTORY - 1));
        final int previous = slot * HISTORY + ((head - 1) & (HISTORY - 1));
        final int[] hv = historyValues;
        if (recordFull[i] || head == 0) {
            java.util.Arrays.fill(hv, entry * dw, entry * dw + dw, 0);
        } else {
            System.arraycopy(hv, previous * dw, hv, entry * dw, dw);
        }
        final ReplicationRules q = rules;
        final int[] first = q.firstField;
        int v = recordValues[i];
        for (int bitsLeft = recordMask[i]; bitsLeft != 0; bitsLeft &= bitsLeft - 1) {
            final int c = Integer.numberOfTrailingZeros(bitsLeft);
            for (int k = first[c], end = first[c + 1]; k < end; k++) {
                final int di = q.flatDelta[k];
                if (di >= 0) {
                    hv[entry * dw + di] = (int) values[v];
                }
                v++;
            }
        }
        historySeq[entry] = seq;
        historyHead[slot] = head + 1;
    }

    private void ensureSlots(final int slots) {
        if (slotHandle.length >= slots) {
            return;
        }
        final int size = Math.min(MAX_SLOTS, Math.max(slots, Math.max(64, slotHandle.length * 2)));
        slotHandle = java.util.Arrays.copyOf(slotHandle, size);
        historySeq = java.util.Arrays.copyOf(historySeq, size * HISTORY);
        historyValues = java.util.Arrays.copyOf(historyValues, size * HISTORY * Math.max(1, deltaCount));
        historyHead = java.util.Arrays.copyOf(historyHead, size);
    }

    /**
     * Copies the delta fields of the components in {@code mask} from {@code src} to {@code dst} (a record's values
     * onto a baseline: the server's side of {@link #remember}).
     */
    void overlay(final int mask, final int[] src, final int srcOff, final int[] dst, final int dstOff) {
        final int[] firstDelta = rules.firstDelta;
        for (int bitsLeft = mask; bitsLeft != 0; bitsLeft &= bitsLeft - 1) {
            final int c = Integer.numberOfTrailingZeros(bitsLeft);
            for (int di = firstDelta[c], end = firstDelta[c + 1]; di < end; di++) {
                dst[dstOff + di] = src[srcOff + di];
            }
        }
    }

    private static boolean fitsIntegral(final Field field, final long v) {
        switch (field.kind()) {
            case BYTE:
                return v == (byte) v;
            case SHORT:
                return v == (short) v;
            case INT:
                return v == (int) v;
            default:
                return true;
        }
    }

    private void ensureRecords(final int count) {
        if (recordFull.length < count) {
            final int size = Math.max(count, recordFull.length * 2);
            recordFull = new boolean[size];
            recordHandle = new long[size];
            recordMask = new int[size];
            recordSlot = new int[size];
            recordValues = new int[size];
        }
    }

    /**
     * Writes record {@code i}'s decoded fields into {@code world} (the entity must hold the mask's components).
     */
    private final float[] quaternionScratch = new float[4];

    void apply(final int i, final World world, final long entity) {
        final ReplicationRules q = rules;
        final int[] first = q.firstField;
        final int m = recordMask[i];
        int v = recordValues[i];
        for (int bitsLeft = m; bitsLeft != 0; bitsLeft &= bitsLeft - 1) {
            final int c = Integer.numberOfTrailingZeros(bitsLeft);
            for (int k = first[c], end = first[c + 1]; k < end; k++) {
                final long x = values[v++];
                final Field field = q.flatField[k];
                switch (q.flatEncoding[k]) {
                    case ReplicationRules.RANGE_FLOAT:
                        world.set(entity, (FloatField) field, dequantize(x, q.flatMin[k], q.flatStep[k]));
                        break;
                    case ReplicationRules.ANGLE:
                        world.set(entity, (FloatField) field, dequantizeAngle(x, q.flatStep[k]));
                        break;
                    case ReplicationRules.RAW_FLOAT:
                        world.set(entity, (FloatField) field, Float.intBitsToFloat((int) x));
                        break;
                    case ReplicationRules.RAW_DOUBLE:
                        world.set(entity, (DoubleField) field, Double.longBitsToDouble(x));
                        break;
                    case ReplicationRules.BOOL:
                        world.set(entity, (BoolField) field, x != 0);
                        break;
                    case ReplicationRules.QUATERNION: {
                        final float[] xyzw = quaternionScratch;
                        unpackQuaternion(x, q.flatBits[k], q.flatStep[k], xyzw);
                        final FloatField[] fs = q.flatQuaternion[k];
                        for (int j = 0; j < 4; j++) {
                            world.set(entity, fs[j], xyzw[j]);
                        }
                        break;
                    }
                    default:
                        setIntegral(world, entity, field, x);
                        break;
                }
            }
        }
    }

    private static void setIntegral(final World world, final long entity, final Field field, final long v) {
        switch (field.kind()) {
            case BYTE:
                world.set(entity, (ByteField) field, (byte) v);
                break;
            case SHORT:
                world.set(entity, (ShortField) field, (short) v);
                break;
            case INT:
                world.set(entity, (IntField) field, (int) v);
                break;
            default:
                world.set(entity, (LongField) field, v);
                break;
        }
    }
}

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
 * The bit layout of one entity record, laid out by the {@link ReplicationRules}:
 * {@code [full:1][index:varint][generation:varint][mask:n bits][fields of each component in the mask]}.
 * Writes records into a {@link BitWriter}; decodes a whole stream at once ({@link #decode}) into reused tables that
 * the caller then applies ({@link #apply}), so a snapshot is parsed once, checked whole before anything is applied.
 * One per thread.
 */
final class EntityCodec {
    private static final double TURN = 2 * Math.PI;

    private final ReplicationRules rules;
    private final int componentBits;

    EntityCodec(final ReplicationRules rules) {
        this.rules = rules;
        this.componentBits = rules.components.length;
    }

    void write(final BitWriter w, final boolean isFull, final long entity, final int componentMask, final Chunk chunk,
        final int row) {
        w.writeBool(isFull);
        w.writeVarint(EntityIds.index(entity) & 0xFFFFFFFFL);
        w.writeVarint(EntityIds.generation(entity) & 0xFFFFFFFFL);
        w.write(componentMask, componentBits);
        final int[] first = rules.firstField;
        for (int c = 0; c < componentBits; c++) {
            if ((componentMask & (1 << c)) == 0) {
                continue;
            }
            for (int k = first[c], end = first[c + 1]; k < end; k++) {
                writeField(w, k, chunk, row);
            }
        }
    }

    private void writeField(final BitWriter w, final int k, final Chunk chunk, final int row) {
        final ReplicationRules r = rules;
        final Field field = r.flatField[k];
        switch (r.flatEncoding[k]) {
            case ReplicationRules.RANGE_FLOAT:
                w.write(quantize(chunk.floats((FloatField) field)[row], r.flatMin[k], r.flatMax[k], r.flatInverseStep[k]),
                    r.flatBits[k]);
                break;
            case ReplicationRules.ANGLE:
                w.write(quantizeAngle(chunk.floats((FloatField) field)[row], r.flatInverseStep[k], r.flatBits[k]), r.flatBits[k]);
                break;
            case ReplicationRules.RAW_FLOAT:
                w.write(Float.floatToRawIntBits(chunk.floats((FloatField) field)[row]) & 0xFFFFFFFFL, 32);
                break;
            case ReplicationRules.RAW_DOUBLE:
                w.write(Double.doubleToRawLongBits(chunk.doubles((DoubleField) field)[row]), 64);
                break;
            case ReplicationRules.BOOL:
                w.writeBool(chunk.bools((BoolField) field)[row]);
                break;
            default:
                w.writeVarint(zigzag(integral(field, chunk, row)));
                break;
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

    /** A bounded float in steps of {@code 1 / inverseStep} from {@code min}, clamped (NaN is min). */
    static long quantize(final float value, final float min, final float max, final double inverseStep) {
        final float v = value != value ? min : Math.max(min, Math.min(max, value));
        return Math.round((double) (v - min) * inverseStep);
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
    boolean[] recordFull = new boolean[64];
    long[] recordHandle = new long[64];
    int[] recordMask = new int[64];
    /** Index in {@link #values} of a record's first field value. */
    int[] recordValues = new int[64];
    /**
     * Field values in record order, fields of the mask in wire order: the quantized step for bounded floats and
     * angles, the raw bits for floats and doubles, 0/1 for booleans, the (range-checked) value for integral fields.
     */
    long[] values = new long[256];

    /**
     * Decodes {@code count} records from the reader's position, checking everything the wire can get wrong (the
     * stream's end, varint lengths, entity ids, integral ranges), and requires the stream to end there (less than a
     * byte left). The bit position lives in a local variable and each field is one load from {@link BitReader#peek},
     * read ahead past the end as zeros and checked once per record.
     *
     * @return false if the bytes are malformed (the decoded tables are then meaningless)
     */
    boolean decode(final BitReader r, final int count) {
        ensureRecords(count);
        final ReplicationRules q = rules;
        final int[] first = q.firstField;
        final byte[] encoding = q.flatEncoding;
        final int[] fixed = q.flatFixedBits;
        final int fieldCount = q.flatField.length;
        long[] vals = values;
        final int limit = r.limitBits();
        final int n = componentBits;
        int pos = r.position();
        final byte[] a = r.array();
        final int base = r.arrayBase();
        final int len = r.lengthBytes();
        int v = 0;
        for (int i = 0; i < count; i++) {
            // header: [full:1][index: varint <= 5 groups][generation: varint <= 5 groups][mask: n bits]
            long w = BitReader.peek(a, base, len, r, pos);
            final boolean isFull = (w & 1) != 0;
            w >>>= 1;
            long index = 0;
            int used = 1;
            for (int g = 0; ; g++) {
                if (g == 5) {
                    return false;
                }
                final long b = w & 0xFF;
                w >>>= 8;
                used += 8;
                index |= (b & 0x7F) << (7 * g);
                if (b < 0x80) {
                    break;
                }
            }
            pos += used;
            w = BitReader.peek(a, base, len, r, pos);
            long generation = 0;
            used = 0;
            for (int g = 0; ; g++) {
                if (g == 5) {
                    return false;
                }
                final long b = w & 0xFF;
                w >>>= 8;
                used += 8;
                generation |= (b & 0x7F) << (7 * g);
                if (b < 0x80) {
                    break;
                }
            }
            if (used + n > 57) {
                pos += used;
                w = BitReader.peek(a, base, len, r, pos);
                used = 0;
            }
            final int m = (int) (w & ((1L << n) - 1));
            pos += used + n;
            if (index > EntityIds.MAX_INDEX || generation == 0 || generation > 0xFFFFFFFFL) {
                return false;
            }
            recordFull[i] = isFull;
            recordHandle[i] = EntityIds.of((int) index, (int) generation);
            recordMask[i] = m;
            recordValues[i] = v;
            // fields of the components in the mask; at most every field of the rules
            if (v + fieldCount > vals.length) {
                values = java.util.Arrays.copyOf(vals, Math.max(vals.length * 2, v + fieldCount));
                vals = values;
            }
            for (int bitsLeft = m; bitsLeft != 0; bitsLeft &= bitsLeft - 1) {
                final int c = Integer.numberOfTrailingZeros(bitsLeft);
                for (int k = first[c], fieldsEnd = first[c + 1]; k < fieldsEnd; k++) {
                    final int width = fixed[k];
                    final long x;
                    if (width != 0) {
                        x = BitReader.peek(a, base, len, r, pos) & ((1L << width) - 1);
                        pos += width;
                    } else if (encoding[k] == ReplicationRules.RAW_DOUBLE) {
                        x = (BitReader.peek(a, base, len, r, pos) & 0xFFFF_FFFFL)
                            | (BitReader.peek(a, base, len, r, pos + 32) << 32);
                        pos += 64;
                    } else {
                        long raw = 0;
                        int g = 0;
                        for (; g < 10; g++) {
                            final long b = BitReader.peek(a, base, len, r, pos) & 0xFF;
                            pos += 8;
                            raw |= (b & 0x7F) << (7 * g);
                            if (b < 0x80) {
                                break;
                            }
                        }
                        if (g == 10) {
                            return false;
                        }
                        x = unzigzag(raw);
                        if (!fitsIntegral(q.flatField[k], x)) {
                            return false;
                        }
                    }
                    vals[v++] = x;
                }
            }
            if (pos > limit) {
                return false;
            }
        }
        decodedCount = count;
        return limit - pos < 8;
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
            recordValues = new int[size];
        }
    }

    /**
     * Writes record {@code i}'s decoded fields into {@code world} (the entity must hold the mask's components).
     */
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

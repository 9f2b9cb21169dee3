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
 * Stateless apart from the header of the last record read; one per thread.
 */
final class EntityCodec {
    private static final double TURN = 2 * Math.PI;

    private final ReplicationRules rules;
    private final int componentBits;

    boolean full;
    long handle;
    int mask;

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
        for (int c = 0; c < componentBits; c++) {
            if ((componentMask & (1 << c)) == 0) {
                continue;
            }
            final Field[] fs = rules.fields[c];
            for (int f = 0; f < fs.length; f++) {
                writeField(w, c, f, fs[f], chunk, row);
            }
        }
    }

    private void writeField(final BitWriter w, final int c, final int f, final Field field, final Chunk chunk, final int row) {
        switch (rules.encoding[c][f]) {
            case ReplicationRules.RAW_FLOAT:
                w.write(Float.floatToRawIntBits(chunk.floats((FloatField) field)[row]) & 0xFFFFFFFFL, 32);
                break;
            case ReplicationRules.RANGE_FLOAT:
                w.write(quantize(chunk.floats((FloatField) field)[row], rules.min[c][f], rules.max[c][f], rules.bits[c][f]),
                    rules.bits[c][f]);
                break;
            case ReplicationRules.ANGLE:
                w.write(quantizeAngle(chunk.floats((FloatField) field)[row], rules.bits[c][f]), rules.bits[c][f]);
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
        final long steps = (1L << bits) - 1;
        final float v = value != value ? min : Math.max(min, Math.min(max, value));
        return Math.round((double) (v - min) / ((double) max - min) * steps);
    }

    static float dequantize(final long q, final float min, final float max, final int bits) {
        final long steps = (1L << bits) - 1;
        return (float) (min + q * (((double) max - min) / steps));
    }

    static long quantizeAngle(final float radians, final int bits) {
        final double turns = radians / TURN;
        final double frac = turns - Math.floor(turns);
        return Math.round(frac * (1L << bits)) & ((1L << bits) - 1);
    }

    static float dequantizeAngle(final long q, final int bits) {
        return (float) (q * TURN / (1L << bits));
    }

    static long zigzag(final long v) {
        return (v << 1) ^ (v >> 63);
    }

    static long unzigzag(final long v) {
        return (v >>> 1) ^ -(v & 1);
    }

    /**
     * Reads a record's header into {@link #full}, {@link #handle} and {@link #mask}.
     *
     * @return false if the bytes are malformed
     */
    boolean readHeader(final BitReader r) {
        full = r.readBool();
        final long index = r.readVarint(5);
        final long generation = r.readVarint(5);
        mask = (int) r.read(componentBits);
        if (r.failed() || index > EntityIds.MAX_INDEX || generation == 0 || generation > 0xFFFFFFFFL) {
            r.fail();
            return false;
        }
        handle = EntityIds.of((int) index, (int) generation);
        return true;
    }

    /**
     * Reads the fields of the last header's mask and, if {@code entity} is not {@link EntityIds#NONE}, writes them
     * into {@code world} (which must already hold the entity's components of the mask).
     *
     * @return false if the bytes are malformed
     */
    boolean readFields(final BitReader r, final World world, final long entity) {
        final boolean apply = entity != EntityIds.NONE;
        for (int c = 0; c < componentBits; c++) {
            if ((mask & (1 << c)) == 0) {
                continue;
            }
            final Field[] fs = rules.fields[c];
            for (int f = 0; f < fs.length; f++) {
                final Field field = fs[f];
                switch (rules.encoding[c][f]) {
                    case ReplicationRules.RAW_FLOAT: {
                        final float v = Float.intBitsToFloat((int) r.read(32));
                        if (apply) {
                            world.set(entity, (FloatField) field, v);
                        }
                        break;
                    }
                    case ReplicationRules.RANGE_FLOAT: {
                        final float v = dequantize(r.read(rules.bits[c][f]), rules.min[c][f], rules.max[c][f], rules.bits[c][f]);
                        if (apply) {
                            world.set(entity, (FloatField) field, v);
                        }
                        break;
                    }
                    case ReplicationRules.ANGLE: {
                        final float v = dequantizeAngle(r.read(rules.bits[c][f]), rules.bits[c][f]);
                        if (apply) {
                            world.set(entity, (FloatField) field, v);
                        }
                        break;
                    }
                    case ReplicationRules.RAW_DOUBLE: {
                        final double v = Double.longBitsToDouble(r.read(64));
                        if (apply) {
                            world.set(entity, (DoubleField) field, v);
                        }
                        break;
                    }
                    case ReplicationRules.BOOL: {
                        final boolean v = r.readBool();
                        if (apply) {
                            world.set(entity, (BoolField) field, v);
                        }
                        break;
                    }
                    default: {
                        final long v = unzigzag(r.readVarint(10));
                        if (!readIntegral(r, field, v, world, apply ? entity : EntityIds.NONE)) {
                            return false;
                        }
                        break;
                    }
                }
            }
        }
        return !r.failed();
    }

    private static boolean readIntegral(final BitReader r, final Field field, final long v, final World world, final long entity) {
        final boolean apply = entity != EntityIds.NONE;
        switch (field.kind()) {
            case BYTE:
                if (v != (byte) v) {
                    r.fail();
                    return false;
                }
                if (apply) {
                    world.set(entity, (ByteField) field, (byte) v);
                }
                return true;
            case SHORT:
                if (v != (short) v) {
                    r.fail();
                    return false;
                }
                if (apply) {
                    world.set(entity, (ShortField) field, (short) v);
                }
                return true;
            case INT:
                if (v != (int) v) {
                    r.fail();
                    return false;
                }
                if (apply) {
                    world.set(entity, (IntField) field, (int) v);
                }
                return true;
            default:
                if (apply) {
                    world.set(entity, (LongField) field, v);
                }
                return true;
        }
    }
}

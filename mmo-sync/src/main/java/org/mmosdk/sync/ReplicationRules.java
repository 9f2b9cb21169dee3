package org.mmosdk.sync;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.mmosdk.ecs.ComponentType;
import org.mmosdk.ecs.Field;
import org.mmosdk.ecs.FieldKind;
import org.mmosdk.ecs.FloatField;

/**
 * What replicates and how: which components (to everyone in view or the owner only), how each field is quantized,
 * which float fields a client interpolates, and which two fields are the position the interest grid uses. The
 * server and its clients must use equal rules (same components, same order, same quantization): the bit stream of
 * a snapshot is laid out by them. Immutable; share it freely.
 *
 * <pre>{@code
 * ReplicationRules rules = ReplicationRules.builder()
 *     .position(Position.X, Position.Y)                  // its component replicates to everyone
 *     .quantize(Position.X, -1024, 1024, 20)             // about 0.002 units
 *     .quantize(Position.Y, -1024, 1024, 20)
 *     .component(Heading.TYPE, Visibility.EVERYONE).angle(Heading.YAW, 10)
 *     .component(Stamina.TYPE, Visibility.OWNER_ONLY)    // raw fields
 *     .interpolate(Position.X, Position.Y, Heading.YAW)
 *     .build();
 * }</pre>
 *
 * <p>Field encodings: float raw (32 bits), bounded float (n bits over [min, max], clamped), angle (n bits over a
 * turn, radians), four floats as a unit quaternion (smallest three: 2 + 3n bits), int/long/short/byte as zigzag
 * varints, double raw, boolean 1 bit. Object fields do not replicate;
 * a component with one is rejected.
 */
public final class ReplicationRules {
    static final byte RAW_FLOAT = 0;
    static final byte RANGE_FLOAT = 1;
    static final byte ANGLE = 2;
    static final byte VARINT = 3;
    static final byte RAW_DOUBLE = 4;
    static final byte BOOL = 5;
    /** A unit quaternion in smallest-three form, carried by the first (in field order) of its four fields. */
    static final byte QUATERNION = 6;
    /** The other three fields of a quaternion: no entry of their own in the flat layout. */
    static final byte QUATERNION_PART = 7;

    /** Most replicated components (the per-entity component mask is one int). */
    public static final int MAX_COMPONENTS = 30;

    final ComponentType[] components;
    final Visibility[] visibility;
    final Field[][] fields;
    final byte[][] encoding;
    final float[][] min;
    final float[][] max;
    final int[][] bits;
    final boolean[][] interpolated;
    final int interpolatedCount;
    final int[] interpolatedComponent;
    final int[] interpolatedField;
    final FloatField positionX;
    final FloatField positionY;
    final int positionComponent;
    final int everyoneMask;
    final int allMask;
    /** Whether the position is dead-reckoned ({@link Builder#deadReckoning}). */
    final boolean deadReckoning;
    /** The dead-reckoning tolerance in quantization steps of x and of y (0 without dead reckoning). */
    final long toleranceStepsX;
    final long toleranceStepsY;
    /** The delta indices of the position's x and y (-1 unless both are bounded floats). */
    final int positionDeltaX;
    final int positionDeltaY;
    /** The flat (wire-order) indices of the position's x and y when they are bounded floats, else -1. */
    final int positionFlatX;
    final int positionFlatY;

    // the same per-field layout flattened in wire order, with each quantizer's step precomputed (the codec's hot path)
    final int[] firstField;
    final Field[] flatField;
    final byte[] flatEncoding;
    final int[] flatBits;
    final float[] flatMin;
    final float[] flatMax;
    final double[] flatStep;
    final double[] flatInverseStep;
    /** Width of a fixed-width field of at most 32 bits (bounded float, angle, raw float, boolean), else 0. */
    final int[] flatFixedBits;
    /**
     * Index of a field among the fields sent as deltas against a baseline (bounded floats and angles, whose quantized
     * values fit an int), else -1.
     */
    final int[] flatDelta;
    /** Width of a delta field's length prefix: enough bits for the numbers 0 to the field's width. */
    final int[] flatDeltaPrefix;
    /** Per flat field, for a {@link #QUATERNION}: its x, y, z, w fields. */
    final FloatField[][] flatQuaternion;
    /** How many fields are sent as deltas (the width of a baseline, in ints). */
    final int deltaCount;
    /** Component c's delta fields are delta indices [firstDelta[c], firstDelta[c + 1]). */
    final int[] firstDelta;

    private ReplicationRules(final Builder b) {
        final int n = b.components.size();
        components = b.components.toArray(new ComponentType[0]);
        visibility = b.visibility.toArray(new Visibility[0]);
        fields = new Field[n][];
        encoding = new byte[n][];
        min = new float[n][];
        max = new float[n][];
        bits = new int[n][];
        interpolated = new boolean[n][];
        int everyone = 0;
        int interp = 0;
        final List<int[]> interpIndex = new ArrayList<>();
        int posComp = -1;
        for (int c = 0; c < n; c++) {
            final List<Field> fs = components[c].fields();
            final int m = fs.size();
            fields[c] = fs.toArray(new Field[0]);
            encoding[c] = new byte[m];
            min[c] = new float[m];
            max[c] = new float[m];
            bits[c] = new int[m];
            interpolated[c] = new boolean[m];
            for (int f = 0; f < m; f++) {
                final Field field = fields[c][f];
                final Quant q = b.quant.get(field);
                if (q != null) {
                    encoding[c][f] = q.encoding;
                    min[c][f] = q.min;
                    max[c][f] = q.max;
                    bits[c][f] = q.bits;
                } else {
                    encoding[c][f] = defaultEncoding(field);
                }
                if (b.interpolated.contains(field)) {
                    interpolated[c][f] = true;
                    interp++;
                    interpIndex.add(new int[] {c, f});
                }
            }
            if (visibility[c] == Visibility.EVERYONE) {
                everyone |= 1 << c;
            }
            if (components[c] == b.positionX.component()) {
                posComp = c;
            }
        }
        interpolatedCount = interp;
        interpolatedComponent = new int[interp];
        interpolatedField = new int[interp];
        for (int i = 0; i < interp; i++) {
            interpolatedComponent[i] = interpIndex.get(i)[0];
            interpolatedField[i] = interpIndex.get(i)[1];
        }
        positionX = b.positionX;
        positionY = b.positionY;
        positionComponent = posComp;
        everyoneMask = everyone;
        allMask = n == 32 ? -1 : (1 << n) - 1;

        firstField = new int[n + 1];
        int total = 0;
        for (int c = 0; c < n; c++) {
            firstField[c] = total;
            for (int f = 0; f < fields[c].length; f++) {
                total += encoding[c][f] == QUATERNION_PART ? 0 : 1;
            }
        }
        firstField[n] = total;
        flatQuaternion = new FloatField[total][];
        flatField = new Field[total];
        flatEncoding = new byte[total];
        flatBits = new int[total];
        flatMin = new float[total];
        flatMax = new float[total];
        flatStep = new double[total];
        flatInverseStep = new double[total];
        flatFixedBits = new int[total];
        flatDelta = new int[total];
        flatDeltaPrefix = new int[total];
        int deltas = 0;
        for (int c = 0; c < n; c++) {
            for (int f = 0, k = firstField[c]; f < fields[c].length; f++) {
                if (encoding[c][f] == QUATERNION_PART) {
                    continue;
                }
                if (encoding[c][f] == QUATERNION) {
                    flatQuaternion[k] = b.quaternions.get(fields[c][f]);
                }
                flatField[k] = fields[c][f];
                flatEncoding[k] = encoding[c][f];
                flatBits[k] = bits[c][f];
                flatMin[k] = min[c][f];
                flatMax[k] = max[c][f];
                flatFixedBits[k] = encoding[c][f] == RANGE_FLOAT || encoding[c][f] == ANGLE ? bits[c][f]
                    : encoding[c][f] == RAW_FLOAT ? 32 : encoding[c][f] == BOOL ? 1
                    : encoding[c][f] == QUATERNION ? 2 + 3 * bits[c][f] : 0;
                if (encoding[c][f] == RANGE_FLOAT) {
                    final double steps = (double) ((1L << bits[c][f]) - 1);
                    flatStep[k] = ((double) max[c][f] - min[c][f]) / steps;
                    flatInverseStep[k] = steps / ((double) max[c][f] - min[c][f]);
                } else if (encoding[c][f] == ANGLE) {
                    flatStep[k] = 2 * Math.PI / (1L << bits[c][f]);
                    flatInverseStep[k] = (1L << bits[c][f]) / (2 * Math.PI);
                }
                if (encoding[c][f] == RANGE_FLOAT || encoding[c][f] == ANGLE) {
                    flatDelta[k] = deltas++;
                    flatDeltaPrefix[k] = 32 - Integer.numberOfLeadingZeros(bits[c][f]);
                } else {
                    flatDelta[k] = -1;
                }
                if (encoding[c][f] == QUATERNION) {
                    // 2^bits - 1 levels centred on 0 (so 0 is exact) over [-1/√2, 1/√2]
                    final double half = (double) ((1L << (bits[c][f] - 1)) - 1);
                    flatStep[k] = Math.sqrt(0.5) / half;
                    flatInverseStep[k] = half / Math.sqrt(0.5);
                }
                k++;
            }
        }
        deltaCount = deltas;
        int fx = -1;
        int fy = -1;
        for (int k = 0; k < total; k++) {
            if (flatField[k] == positionX && flatEncoding[k] == RANGE_FLOAT) {
                fx = k;
            } else if (flatField[k] == positionY && flatEncoding[k] == RANGE_FLOAT) {
                fy = k;
            }
        }
        positionFlatX = fx;
        positionFlatY = fy;
        positionDeltaX = fx >= 0 ? flatDelta[fx] : -1;
        positionDeltaY = fy >= 0 ? flatDelta[fy] : -1;
        deadReckoning = b.deadReckoningTolerance >= 0;
        toleranceStepsX = deadReckoning ? (long) Math.floor(b.deadReckoningTolerance * flatInverseStep[fx]) : 0;
        toleranceStepsY = deadReckoning ? (long) Math.floor(b.deadReckoningTolerance * flatInverseStep[fy]) : 0;
        firstDelta = new int[n + 1];
        for (int c = 0, d = 0; c <= n; c++) {
            firstDelta[c] = d;
            if (c < n) {
                for (int k = firstField[c]; k < firstField[c + 1]; k++) {
                    d += flatDelta[k] >= 0 ? 1 : 0;
                }
            }
        }
    }

    private static byte defaultEncoding(final Field field) {
        switch (field.kind()) {
            case FLOAT:
                return RAW_FLOAT;
            case DOUBLE:
                return RAW_DOUBLE;
            case BOOLEAN:
                return BOOL;
            case BYTE:
            case SHORT:
            case INT:
            case LONG:
                return VARINT;
            default:
                throw new IllegalArgumentException("field " + field + " of kind " + field.kind() + " cannot replicate");
        }
    }

    /**
     * A new builder.
     *
     * @return an empty builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The replicated components, in wire order.
     *
     * @return an unmodifiable list
     */
    public List<ComponentType> components() {
        return List.of(components);
    }

    /**
     * The largest error a field's quantization introduces (half a step for bounded floats and angles; for a quaternion
     * field, per component and up to the quaternion's sign, see {@link Builder#quaternion}; 0 otherwise), to
     * which the client's dequantized float adds at most half its own ulp ({@code Math.ulp(value) / 2}) in rounding.
     *
     * @param field a replicated float field
     * @return the error bound in the field's unit
     */
    public float maxError(final FloatField field) {
        for (int c = 0; c < components.length; c++) {
            for (int f = 0; f < fields[c].length; f++) {
                if (fields[c][f] == field) {
                    switch (encoding[c][f]) {
                        case RANGE_FLOAT:
                            return (max[c][f] - min[c][f]) / ((1L << bits[c][f]) - 1) / 2f;
                        case ANGLE:
                            return (float) (Math.PI / (1L << bits[c][f]));
                        case QUATERNION:
                        case QUATERNION_PART:
                            // per component, up to sign: the three sent err by half a step, the rebuilt largest by at
                            // most three of those (first order: each sent component is at most the largest)
                            return (float) (Math.sqrt(0.5) / ((1L << (bits[c][f] - 1)) - 1) / 2 * 3.01) + 1e-6f;
                        default:
                            return 0f;
                    }
                }
            }
        }
        throw new IllegalArgumentException(field + " does not replicate");
    }

    int indexOf(final ComponentType type) {
        for (int c = 0; c < components.length; c++) {
            if (components[c] == type) {
                return c;
            }
        }
        return -1;
    }

    private static final class Quant {
        final byte encoding;
        final float min;
        final float max;
        final int bits;

        Quant(final byte encoding, final float min, final float max, final int bits) {
            this.encoding = encoding;
            this.min = min;
            this.max = max;
            this.bits = bits;
        }
    }

    /** Declares {@link ReplicationRules}; validated once by {@link #build()}. */
    public static final class Builder {
        private final List<ComponentType> components = new ArrayList<>();
        private final List<Visibility> visibility = new ArrayList<>();
        private final Map<Field, Quant> quant = new IdentityHashMap<>();
        private final List<Field> interpolated = new ArrayList<>();
        /** Per quaternion, its first field (in the component's field order) to its x, y, z, w fields. */
        private final Map<Field, FloatField[]> quaternions = new IdentityHashMap<>();
        private FloatField positionX;
        private FloatField positionY;
        private float deadReckoningTolerance = -1f;

        private Builder() {
        }

        /**
         * Replicates a component (all its fields).
         *
         * @param type not yet added; no object fields
         * @param who everyone in view, or the owner only
         * @return this
         */
        public Builder component(final ComponentType type, final Visibility who) {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(who, "who");
            if (components.contains(type)) {
                throw new IllegalArgumentException("component " + type + " is already replicated");
            }
            if (components.size() == MAX_COMPONENTS) {
                throw new IllegalArgumentException("at most " + MAX_COMPONENTS + " components replicate, cannot add " + type);
            }
            for (final Field f : type.fields()) {
                if (f.kind() == FieldKind.REF) {
                    throw new IllegalArgumentException("component " + type + " has object field " + f + ", which cannot replicate");
                }
            }
            components.add(type);
            visibility.add(who);
            return this;
        }

        /**
         * The position the interest grid reads (x and y of one component, in world units); that component replicates
         * to everyone unless it was added before.
         *
         * @param x the x field
         * @param y the y field, of the same component
         * @return this
         */
        public Builder position(final FloatField x, final FloatField y) {
            if (x.component() != y.component() || x == y) {
                throw new IllegalArgumentException("position fields must be two fields of one component, were " + x + " and " + y);
            }
            positionX = x;
            positionY = y;
            if (!components.contains(x.component())) {
                component(x.component(), Visibility.EVERYONE);
            }
            return this;
        }

        /**
         * Sends a float as {@code bits} bits over [min, max] (values outside are clamped).
         *
         * @param field a float field of a replicated component
         * @param min lower bound
         * @param max upper bound, greater than min
         * @param bits in [1, 31]
         * @return this
         */
        public Builder quantize(final FloatField field, final float min, final float max, final int bits) {
            if (!(max > min) || Float.isInfinite(max - min)) {
                throw new IllegalArgumentException("quantize " + field + ": max must be > min and finite, were " + min + ", " + max);
            }
            if (bits < 1 || bits > 31) {
                throw new IllegalArgumentException("quantize " + field + ": bits must be in [1, 31], was " + bits);
            }
            rejectQuaternionPart(field);
            quant.put(field, new Quant(RANGE_FLOAT, min, max, bits));
            return this;
        }

        /**
         * Sends an angle in radians as {@code bits} bits over one turn; the client gets it in [0, 2π).
         *
         * @param field a float field of a replicated component
         * @param bits in [2, 24]
         * @return this
         */
        public Builder angle(final FloatField field, final int bits) {
            if (bits < 2 || bits > 24) {
                throw new IllegalArgumentException("angle " + field + ": bits must be in [2, 24], was " + bits);
            }
            rejectQuaternionPart(field);
            quant.put(field, new Quant(ANGLE, 0f, (float) (2 * Math.PI), bits));
            return this;
        }

        /**
         * Sends four float fields of one component as a unit quaternion (a rotation) in the smallest-three form: the
         * index of the component largest in magnitude (2 bits) and the other three in {@code bits} bits each over
         * [-1/√2, 1/√2] (2^bits - 1 levels, 0 exact); the client rebuilds the largest from the unit length. q and -q are the same rotation, so the
         * client may get the negated quaternion. Not delta-coded: a changed rotation travels whole (2 + 3 × bits
         * bits). The server normalizes what it sends (a zero or non-finite quaternion goes as the identity).
         *
         * @param x the x field
         * @param y the y field
         * @param z the z field
         * @param w the w (scalar) field; all four distinct, of one component
         * @param bits per sent component, in [4, 16] (9 gives about 0.2° of rotation error; 12 about 0.03°)
         * @return this
         */
        public Builder quaternion(final FloatField x, final FloatField y, final FloatField z, final FloatField w,
            final int bits) {
            final FloatField[] xyzw = {x, y, z, w};
            for (int i = 0; i < 4; i++) {
                Objects.requireNonNull(xyzw[i], "quaternion field");
                if (xyzw[i].component() != x.component()) {
                    throw new IllegalArgumentException("quaternion fields must be four fields of one component, were "
                        + java.util.Arrays.toString(xyzw));
                }
                for (int j = 0; j < i; j++) {
                    if (xyzw[i] == xyzw[j]) {
                        throw new IllegalArgumentException("quaternion fields must be distinct, " + xyzw[i] + " is given twice");
                    }
                }
                if (quant.containsKey(xyzw[i])) {
                    throw new IllegalArgumentException("quaternion field " + xyzw[i] + " is already quantized");
                }
            }
            if (bits < 4 || bits > 16) {
                throw new IllegalArgumentException("quaternion " + x.component() + ": bits must be in [4, 16], was " + bits);
            }
            final List<Field> order = x.component().fields();
            FloatField head = x;
            for (final FloatField f : xyzw) {
                if (order.indexOf(f) < order.indexOf(head)) {
                    head = f;
                }
            }
            for (final FloatField f : xyzw) {
                quant.put(f, new Quant(f == head ? QUATERNION : QUATERNION_PART, 0f, 0f, bits));
            }
            quaternions.put(head, xyzw);
            return this;
        }

        private void rejectQuaternionPart(final Field field) {
            final Quant q = quant.get(field);
            if (q != null && (q.encoding == QUATERNION || q.encoding == QUATERNION_PART)) {
                throw new IllegalArgumentException(field + " is part of a quaternion");
            }
        }

        /**
         * Float fields the client interpolates between snapshots (angles along the shorter arc).
         *
         * @param floatFields fields of replicated components
         * @return this
         */
        public Builder interpolate(final FloatField... floatFields) {
            for (final FloatField f : floatFields) {
                if (!interpolated.contains(f)) {
                    interpolated.add(f);
                }
            }
            return this;
        }

        /**
         * Dead-reckons the position: clients extrapolate it, and the server sends it only when the extrapolation
         * drifts. Per entity, the server keeps a published line (a position and a velocity per update, in quantization
         * steps, the velocity measured from the last update's motion) and republishes when the entity's quantized
         * position is more than {@code tolerance} away from the line (a turn, a stop, a teleport). The position each
         * client is sent and shows is the line's, so it is within {@code tolerance} (plus half a step) of the server's;
         * an entity walking straight costs no record at all once its client holds two records on its line, instead of
         * one per update. Entities that do not move cost nothing either way.
         *
         * <p>Needs the position's x and y quantized ({@link #quantize}) and its component to hold only x and y (the
         * component travels when the line changes, not when its change tick does); the server must call
         * {@code SyncServer.update()} once per tick (the line's time is the update). With the byte budget cutting
         * records, an entity on a new line may wobble on a client until its record arrives.
         *
         * @param tolerance the largest distance, in world units on each axis, between an entity's position and what
         *     its clients show (0 sends every change of the quantized position, like no dead reckoning)
         * @return this
         */
        public Builder deadReckoning(final float tolerance) {
            if (!(tolerance >= 0) || Float.isInfinite(tolerance)) {
                throw new IllegalArgumentException("dead reckoning tolerance must be finite and >= 0, was " + tolerance);
            }
            deadReckoningTolerance = tolerance;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return the rules
         */
        public ReplicationRules build() {
            if (positionX == null) {
                throw new IllegalStateException("replication rules need a position(x, y) for the interest grid");
            }
            for (final Field f : quant.keySet()) {
                if (!components.contains(f.component())) {
                    throw new IllegalStateException("quantized field " + f + " belongs to a component that does not replicate");
                }
            }
            for (final Field f : interpolated) {
                final Quant q = quant.get(f);
                if (q != null && (q.encoding == QUATERNION || q.encoding == QUATERNION_PART)) {
                    throw new IllegalStateException("quaternion field " + f + " cannot be interpolated field by field");
                }
                if (!components.contains(f.component())) {
                    throw new IllegalStateException("interpolated field " + f + " belongs to a component that does not replicate");
                }
            }
            if (deadReckoningTolerance >= 0) {
                for (final FloatField f : new FloatField[] {positionX, positionY}) {
                    final Quant q = quant.get(f);
                    if (q == null || q.encoding != RANGE_FLOAT) {
                        throw new IllegalStateException("dead reckoning needs the position field " + f
                            + " quantized (quantize(field, min, max, bits))");
                    }
                }
                if (positionX.component().fields().size() != 2) {
                    throw new IllegalStateException("dead reckoning needs the position component " + positionX.component()
                        + " to hold only x and y, it has " + positionX.component().fields());
                }
            }
            return new ReplicationRules(this);
        }
    }
}

package org.mmosdk.ecs;

import java.util.Arrays;

/** The primitive type of a component field, and so of its column. */
public enum FieldKind {
    /** {@code byte}. */
    BYTE(1),
    /** {@code short}. */
    SHORT(2),
    /** {@code int}. */
    INT(4),
    /** {@code long}. */
    LONG(8),
    /** {@code float}. */
    FLOAT(4),
    /** {@code double}. */
    DOUBLE(8),
    /** {@code boolean}. */
    BOOLEAN(1),
    /** An object reference: off the fast path, not hashed or serialized. */
    REF(0);

    private final int bytes;

    FieldKind(final int bytes) {
        this.bytes = bytes;
    }

    /**
     * Bytes per value when serialized; 0 for {@link #REF}.
     *
     * @return the size
     */
    public int bytes() {
        return bytes;
    }

    Object newColumn(final int capacity) {
        return switch (this) {
            case BYTE -> new byte[capacity];
            case SHORT -> new short[capacity];
            case INT -> new int[capacity];
            case LONG -> new long[capacity];
            case FLOAT -> new float[capacity];
            case DOUBLE -> new double[capacity];
            case BOOLEAN -> new boolean[capacity];
            case REF -> new Object[capacity];
        };
    }

    /** Copies one element between two columns of this kind. */
    void copy(final Object from, final int fromRow, final Object to, final int toRow) {
        switch (this) {
            case BYTE -> ((byte[]) to)[toRow] = ((byte[]) from)[fromRow];
            case SHORT -> ((short[]) to)[toRow] = ((short[]) from)[fromRow];
            case INT -> ((int[]) to)[toRow] = ((int[]) from)[fromRow];
            case LONG -> ((long[]) to)[toRow] = ((long[]) from)[fromRow];
            case FLOAT -> ((float[]) to)[toRow] = ((float[]) from)[fromRow];
            case DOUBLE -> ((double[]) to)[toRow] = ((double[]) from)[fromRow];
            case BOOLEAN -> ((boolean[]) to)[toRow] = ((boolean[]) from)[fromRow];
            case REF -> ((Object[]) to)[toRow] = ((Object[]) from)[fromRow];
        }
    }

    /** Resets one element to the default (0, false, null). */
    void clear(final Object column, final int row) {
        switch (this) {
            case BYTE -> ((byte[]) column)[row] = 0;
            case SHORT -> ((short[]) column)[row] = 0;
            case INT -> ((int[]) column)[row] = 0;
            case LONG -> ((long[]) column)[row] = 0;
            case FLOAT -> ((float[]) column)[row] = 0;
            case DOUBLE -> ((double[]) column)[row] = 0;
            case BOOLEAN -> ((boolean[]) column)[row] = false;
            case REF -> ((Object[]) column)[row] = null;
        }
    }

    /** Resets elements {@code [from, to)} to the default (0, false, null). */
    void clear(final Object column, final int from, final int to) {
        switch (this) {
            case BYTE -> Arrays.fill((byte[]) column, from, to, (byte) 0);
            case SHORT -> Arrays.fill((short[]) column, from, to, (short) 0);
            case INT -> Arrays.fill((int[]) column, from, to, 0);
            case LONG -> Arrays.fill((long[]) column, from, to, 0L);
            case FLOAT -> Arrays.fill((float[]) column, from, to, 0f);
            case DOUBLE -> Arrays.fill((double[]) column, from, to, 0d);
            case BOOLEAN -> Arrays.fill((boolean[]) column, from, to, false);
            case REF -> Arrays.fill((Object[]) column, from, to, null);
        }
    }

    /** The value's bits as a long (floats by their raw bits), for hashing and serialization. */
    long bits(final Object column, final int row) {
        return switch (this) {
            case BYTE -> ((byte[]) column)[row];
            case SHORT -> ((short[]) column)[row];
            case INT -> ((int[]) column)[row];
            case LONG -> ((long[]) column)[row];
            case FLOAT -> Float.floatToRawIntBits(((float[]) column)[row]);
            case DOUBLE -> Double.doubleToRawLongBits(((double[]) column)[row]);
            case BOOLEAN -> ((boolean[]) column)[row] ? 1 : 0;
            case REF -> 0;
        };
    }

    /** Writes a value's {@link #bits} form in {@link #bytes()} little-endian bytes (nothing for object fields). */
    void put(final java.nio.ByteBuffer out, final long bits) {
        switch (bytes()) {
            case 1 -> out.put((byte) bits);
            case 2 -> out.putShort((short) bits);
            case 4 -> out.putInt((int) bits);
            case 8 -> out.putLong(bits);
            default -> {
            }
        }
    }

    /** Reads what {@link #put} wrote: a value's {@link #bits} form (0 for object fields, which write nothing). */
    long get(final java.nio.ByteBuffer in) {
        return switch (bytes()) {
            case 1 -> in.get();
            case 2 -> in.getShort();
            case 4 -> in.getInt();
            case 8 -> in.getLong();
            default -> 0;
        };
    }

    /** Sets a value from its {@link #bits} form. */
    void setBits(final Object column, final int row, final long bits) {
        switch (this) {
            case BYTE -> ((byte[]) column)[row] = (byte) bits;
            case SHORT -> ((short[]) column)[row] = (short) bits;
            case INT -> ((int[]) column)[row] = (int) bits;
            case LONG -> ((long[]) column)[row] = bits;
            case FLOAT -> ((float[]) column)[row] = Float.intBitsToFloat((int) bits);
            case DOUBLE -> ((double[]) column)[row] = Double.longBitsToDouble(bits);
            case BOOLEAN -> ((boolean[]) column)[row] = bits != 0;
            case REF -> {
            }
        }
    }

    Object grow(final Object column, final int newCapacity) {
        return switch (this) {
            case BYTE -> java.util.Arrays.copyOf((byte[]) column, newCapacity);
            case SHORT -> java.util.Arrays.copyOf((short[]) column, newCapacity);
            case INT -> java.util.Arrays.copyOf((int[]) column, newCapacity);
            case LONG -> java.util.Arrays.copyOf((long[]) column, newCapacity);
            case FLOAT -> java.util.Arrays.copyOf((float[]) column, newCapacity);
            case DOUBLE -> java.util.Arrays.copyOf((double[]) column, newCapacity);
            case BOOLEAN -> java.util.Arrays.copyOf((boolean[]) column, newCapacity);
            case REF -> java.util.Arrays.copyOf((Object[]) column, newCapacity);
        };
    }
}

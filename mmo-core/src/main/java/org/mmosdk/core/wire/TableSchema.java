package org.mmosdk.core.wire;

import java.util.Objects;

/**
 * The verifiable layout of one FlatBuffers table, compiled from a binary schema by {@link WireSchema}:
 * for each field its vtable slot, its kind, its inline size and its limits. Immutable and thread-safe;
 * a {@link PayloadVerifier} walks it. Get one from {@link WireSchema#table(String)}.
 */
public final class TableSchema {
    static final byte SCALAR = 0;
    static final byte STRING = 1;
    static final byte VECTOR = 2;
    static final byte VECTOR_OF_STRINGS = 3;
    static final byte VECTOR_OF_TABLES = 4;
    static final byte TABLE = 5;
    static final byte UNION = 6;
    /** Bits of a {@link #program} op that hold the kind. */
    static final int KIND_MASK = 0xFF;
    /** Flag of a {@link #program} op: the field is required. */
    static final int REQUIRED = 0x100;
    /** Ints per field in {@link #program}. */
    static final int STRIDE = 4;

    private final String name;
    String[] fieldNames;
    byte[] kinds;
    /** vtable offset of each field (4 + 2 * id). */
    int[] slots;
    /** inline size of the field in the table (scalars and structs), or 4 for offsets. */
    int[] inlineSizes;
    /** element size of vectors (scalars, structs; 4 for offsets), otherwise 0. */
    int[] elementSizes;
    /** max_len of strings (bytes) and vectors (elements); Integer.MAX_VALUE when unset. */
    int[] maxLengths;
    /** vtable offset of the union's type field, for UNION fields. */
    int[] unionTypeSlots;
    /** TableSchema for TABLE and VECTOR_OF_TABLES, TableSchema[256] by tag for UNION. */
    Object[] refs;
    boolean[] required;
    /**
     * What the verifier's loop reads, one array for all fields in id order, {@link #STRIDE} ints each:
     * {@code [vtable slot, kind | REQUIRED, inline size, max_len]}. Built by {@link #seal()} from the arrays above.
     */
    int[] program;

    TableSchema(final String name) {
        this.name = Objects.requireNonNull(name);
    }

    /**
     * The fully qualified table name, e.g. {@code org.mmosdk.core.wire.fb.Ping}.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /** Builds {@link #program} once the per-field arrays are filled. */
    void seal() {
        final int n = kinds.length;
        final int[] p = new int[n * STRIDE];
        for (int i = 0; i < n; i++) {
            p[i * STRIDE] = slots[i];
            p[i * STRIDE + 1] = kinds[i] | (required[i] ? REQUIRED : 0);
            p[i * STRIDE + 2] = inlineSizes[i];
            p[i * STRIDE + 3] = maxLengths[i];
        }
        program = p;
    }

    int fieldCount() {
        return kinds.length;
    }

    @Override
    public String toString() {
        return "TableSchema{" + name + ", " + (kinds == null ? 0 : kinds.length) + " fields}";
    }
}

package org.mmosdk.core.wire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Checks an untrusted FlatBuffers payload against its {@link TableSchema} before any generated accessor reads
 * it — the Java runtime has no verifier of its own. After {@link #verify} returns {@link WireError#OK}, every
 * accessor of the generated class (and of the tables it reaches) reads inside the payload and strings decode
 * without error.
 *
 * <p>Checked: the root offset; every table's vtable (inside the payload, even size ≥ 4) and inline size; every
 * present field lies inside its table; every offset lands inside the payload; vector and string lengths fit the
 * payload (computed in {@code long}, so a length of 2^32 - 1 is just rejected) and their {@code max_len};
 * strings end with a zero and are valid UTF-8; union tags name a member; required fields are present; nesting
 * depth, number of objects and string bytes scanned are bounded, so a payload whose offsets share sub-objects
 * cannot make verification expensive.
 *
 * <p>Not checked: alignment (Java reads unaligned values safely) and enum ranges (an out-of-range enum reads as
 * a number the application must handle). The verifier allocates nothing and never throws on bad input.
 *
 * <p>Threads: an instance keeps per-call state; use one per thread.
 */
public final class PayloadVerifier {
    /** Default deepest table nesting. */
    public static final int DEFAULT_MAX_DEPTH = 64;
    /** Default most tables, strings and vectors visited in one payload. */
    public static final int DEFAULT_MAX_OBJECTS = 100_000;

    private final int maxDepth;
    private final int maxObjects;
    private final boolean checkUtf8;

    private int start;
    private int end;
    private int objects;
    private long utf8Budget;

    private int errorCode;
    private long errorPosition;
    private TableSchema errorTable;
    private int errorField;

    /** A verifier with the default limits that checks UTF-8. */
    public PayloadVerifier() {
        this(DEFAULT_MAX_DEPTH, DEFAULT_MAX_OBJECTS, true);
    }

    /**
     * A verifier with explicit limits.
     *
     * @param maxDepth deepest table nesting, in [1, 1000]
     * @param maxObjects most tables, vectors and strings visited per payload, at least 1
     * @param checkUtf8 whether strings must be valid UTF-8 (the generated {@code String} accessors throw otherwise)
     */
    public PayloadVerifier(final int maxDepth, final int maxObjects, final boolean checkUtf8) {
        if (maxDepth < 1 || maxDepth > 1000) {
            throw new IllegalArgumentException("maxDepth must be in [1, 1000], was " + maxDepth);
        }
        if (maxObjects < 1) {
            throw new IllegalArgumentException("maxObjects must be >= 1, was " + maxObjects);
        }
        this.maxDepth = maxDepth;
        this.maxObjects = maxObjects;
        this.checkUtf8 = checkUtf8;
    }

    /**
     * Verifies the payload {@code [offset, offset + length)} of {@code buffer} (absolute indices; the root offset
     * is at {@code offset}). Sets the buffer's byte order to little-endian, as the generated code does.
     *
     * @param buffer holds the payload
     * @param offset absolute index of the payload's first byte
     * @param length payload length in bytes
     * @param root schema of the root table
     * @return {@link WireError#OK} or a negative {@link WireError} code
     */
    public int verify(final ByteBuffer buffer, final int offset, final int length, final TableSchema root) {
        buffer.order(ByteOrder.LITTLE_ENDIAN);
        start = offset;
        errorCode = WireError.OK;
        if (offset < 0 || length < 0 || offset > buffer.limit() - length) {
            return fail(WireError.OUT_OF_BOUNDS, offset, null, -1);
        }
        if (length < 4) {
            return fail(WireError.TRUNCATED, offset, null, -1);
        }
        end = offset + length;
        objects = 0;
        utf8Budget = 4L * length + 4096;
        return verifyTable(buffer, offset + u32(buffer, offset), root, 1);
    }

    /*
     * Positions are absolute indices. An offset read from the payload is added as an unsigned 32-bit number in long
     * arithmetic, so a target may lie beyond the int range; it is compared with [start, end) before it is narrowed.
     * Every read is preceded by the check that it lies inside the payload (the buffer checks its limit again).
     */

    private int verifyTable(final ByteBuffer bb, final long t, final TableSchema schema, final int depth) {
        if (depth > maxDepth) {
            return fail(WireError.TOO_DEEP, t, schema, -1);
        }
        if (++objects > maxObjects) {
            return fail(WireError.TOO_COMPLEX, t, schema, -1);
        }
        final int lo = start;
        final int hi = end;
        if (t < lo || t > hi - 4) {
            return fail(WireError.OUT_OF_BOUNDS, t, schema, -1);
        }
        final int table = (int) t;
        final long vt = t - bb.getInt(table);
        if (vt < lo || vt > hi - 4) {
            return fail(WireError.BAD_VTABLE, vt, schema, -1);
        }
        final int vtable = (int) vt;
        final int header = bb.getInt(vtable);
        final int vtableSize = header & 0xFFFF;
        final int tableSize = header >>> 16;
        if ((vtableSize & 1) != 0 || vtableSize < 4 || vtable > hi - vtableSize) {
            return fail(WireError.BAD_VTABLE, vt, schema, -1);
        }
        if (tableSize < 4 || table > hi - tableSize) {
            return fail(WireError.OUT_OF_BOUNDS, t, schema, -1);
        }
        final int[] program = schema.program;
        for (int k = 0; k < program.length; k += TableSchema.STRIDE) {
            final int slot = program[k];
            final int fieldOffset = slot < vtableSize ? bb.getShort(vtable + slot) & 0xFFFF : 0;
            final int op = program[k + 1];
            if (fieldOffset == 0) {
                if ((op & TableSchema.REQUIRED) != 0) {
                    return fail(WireError.MISSING_REQUIRED, t, schema, k / TableSchema.STRIDE);
                }
                continue;
            }
            if (fieldOffset + program[k + 2] > tableSize) {
                return fail(WireError.FIELD_OUT_OF_TABLE, t + fieldOffset, schema, k / TableSchema.STRIDE);
            }
            final int kind = op & TableSchema.KIND_MASK;
            if (kind == TableSchema.SCALAR) {
                continue;
            }
            // an offset field: its 4 bytes lie inside the table, which lies inside the payload
            final int field = table + fieldOffset;
            final int rc;
            if (kind == TableSchema.STRING) {
                rc = verifyString(bb, field + u32(bb, field), program[k + 3], schema, k / TableSchema.STRIDE);
            } else {
                rc = verifyReference(bb, t, vtable, vtableSize, tableSize, field, kind, schema, k / TableSchema.STRIDE, depth);
            }
            if (rc != WireError.OK) {
                return rc;
            }
        }
        return WireError.OK;
    }

    /** A field that is neither a scalar nor a string (kept apart so that the common loop above stays small). */
    private int verifyReference(
        final ByteBuffer bb, final long t, final int vtable, final int vtableSize, final int tableSize, final int field,
        final int kind, final TableSchema schema, final int i, final int depth) {
        switch (kind) {
            case TableSchema.VECTOR:
                return verifyVector(bb, field + u32(bb, field), schema, i);
            case TableSchema.VECTOR_OF_STRINGS:
                return verifyVectorOfStrings(bb, field + u32(bb, field), schema, i);
            case TableSchema.VECTOR_OF_TABLES:
                return verifyVectorOfTables(bb, field + u32(bb, field), schema, i, depth);
            case TableSchema.TABLE:
                return verifyTable(bb, field + u32(bb, field), (TableSchema) schema.refs[i], depth + 1);
            case TableSchema.UNION:
                return verifyUnion(bb, t, vtable, vtableSize, tableSize, field, schema, i, depth);
            default:
                return fail(WireError.BAD_VTABLE, field, schema, i);
        }
    }

    private int verifyUnion(
        final ByteBuffer bb, final long t, final int vtable, final int vtableSize, final int tableSize, final int field,
        final TableSchema schema, final int i, final int depth) {
        final int typeSlot = schema.unionTypeSlots[i];
        final int typeOffset = typeSlot < vtableSize ? bb.getShort(vtable + typeSlot) & 0xFFFF : 0;
        if (typeOffset == 0) {
            return WireError.OK;
        }
        if (typeOffset + 1 > tableSize) {
            return fail(WireError.FIELD_OUT_OF_TABLE, t + typeOffset, schema, i);
        }
        final int tag = bb.get((int) t + typeOffset) & 0xFF;
        if (tag == 0) {
            return WireError.OK;
        }
        final TableSchema member = ((TableSchema[]) schema.refs[i])[tag];
        if (member == null) {
            return fail(WireError.BAD_UNION_TAG, t + typeOffset, schema, i);
        }
        return verifyTable(bb, field + u32(bb, field), member, depth + 1);
    }

    private int verifyString(final ByteBuffer bb, final long s, final long maxBytes, final TableSchema schema, final int i) {
        if (++objects > maxObjects) {
            return fail(WireError.TOO_COMPLEX, s, schema, i);
        }
        if (s < start || s > end - 4) {
            return fail(WireError.OUT_OF_BOUNDS, s, schema, i);
        }
        final int from = (int) s + 4;
        final long length = u32(bb, from - 4);
        if (length > maxBytes) {
            return fail(WireError.TOO_LONG, s, schema, i);
        }
        if (length > end - from - 1) { // the bytes and the terminating zero
            return fail(WireError.OUT_OF_BOUNDS, s, schema, i);
        }
        final int to = from + (int) length;
        if (bb.get(to) != 0) {
            return fail(WireError.BAD_STRING, to, schema, i);
        }
        if (checkUtf8) {
            utf8Budget -= length;
            if (utf8Budget < 0) {
                return fail(WireError.TOO_COMPLEX, s, schema, i);
            }
            final int bad = firstInvalidUtf8(bb, from, to);
            if (bad >= 0) {
                return fail(WireError.BAD_STRING, bad, schema, i);
            }
        }
        return WireError.OK;
    }

    private int verifyVector(final ByteBuffer bb, final long v, final TableSchema schema, final int i) {
        if (++objects > maxObjects) {
            return fail(WireError.TOO_COMPLEX, v, schema, i);
        }
        if (v < start || v > end - 4) {
            return fail(WireError.OUT_OF_BOUNDS, v, schema, i);
        }
        final long length = u32(bb, (int) v);
        if (length > schema.maxLengths[i]) {
            return fail(WireError.TOO_LONG, v, schema, i);
        }
        if (length * schema.elementSizes[i] > end - v - 4) {
            return fail(WireError.OUT_OF_BOUNDS, v, schema, i);
        }
        return WireError.OK;
    }

    private int verifyVectorOfStrings(final ByteBuffer bb, final long v, final TableSchema schema, final int i) {
        int rc = verifyVector(bb, v, schema, i);
        if (rc != WireError.OK) {
            return rc;
        }
        final int length = (int) u32(bb, (int) v);
        int element = (int) v + 4;
        for (int e = 0; e < length; e++, element += 4) {
            rc = verifyString(bb, element + u32(bb, element), Integer.MAX_VALUE, schema, i);
            if (rc != WireError.OK) {
                return rc;
            }
        }
        return WireError.OK;
    }

    private int verifyVectorOfTables(final ByteBuffer bb, final long v, final TableSchema schema, final int i, final int depth) {
        int rc = verifyVector(bb, v, schema, i);
        if (rc != WireError.OK) {
            return rc;
        }
        final TableSchema element = (TableSchema) schema.refs[i];
        final int length = (int) u32(bb, (int) v);
        int pos = (int) v + 4;
        for (int e = 0; e < length; e++, pos += 4) {
            rc = verifyTable(bb, pos + u32(bb, pos), element, depth + 1);
            if (rc != WireError.OK) {
                return rc;
            }
        }
        return WireError.OK;
    }

    private static long u32(final ByteBuffer bb, final int position) {
        return bb.getInt(position) & 0xFFFF_FFFFL;
    }

    private int fail(final int code, final long position, final TableSchema table, final int field) {
        errorCode = code;
        errorPosition = position;
        errorTable = table;
        errorField = field;
        return code;
    }

    /**
     * Returns the index of the first byte in {@code [from, to)} that starts or continues an invalid UTF-8
     * sequence (overlong forms, surrogates and code points above U+10FFFF are invalid), or -1.
     */
    static int firstInvalidUtf8(final ByteBuffer bb, final int from, final int to) {
        int i = from;
        while (i < to) {
            // runs of ASCII eight bytes at a time (no high bit set in the word, in either byte order)
            while (to - i >= 8 && (bb.getLong(i) & 0x8080_8080_8080_8080L) == 0) {
                i += 8;
            }
            if (i == to) {
                break;
            }
            final int b0 = bb.get(i);
            if (b0 >= 0) {
                i++;
                continue;
            }
            final int lead = b0 & 0xFF;
            final int need;
            final int min;
            if (lead >= 0xC2 && lead <= 0xDF) {
                need = 1;
                min = 0x80;
            } else if (lead >= 0xE0 && lead <= 0xEF) {
                need = 2;
                min = 0x800;
            } else if (lead >= 0xF0 && lead <= 0xF4) {
                need = 3;
                min = 0x10000;
            } else {
                return i;
            }
            if (i + need >= to) {
                return i;
            }
            int cp = lead & (0x3F >> need);
            for (int k = 1; k <= need; k++) {
                final int c = bb.get(i + k) & 0xFF;
                if ((c & 0xC0) != 0x80) {
                    return i;
                }
                cp = (cp << 6) | (c & 0x3F);
            }
            if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
                return i;
            }
            i += need + 1;
        }
        return -1;
    }

    /**
     * The code of the last failed {@link #verify} call, or {@link WireError#OK}.
     *
     * @return the code
     */
    public int lastErrorCode() {
        return errorCode;
    }

    /**
     * A description of the last failure for a log line, e.g.
     * {@code "BAD_UNION_TAG at byte 52 in org.x.Everything.effect"}. Allocates; call it on the cold path only.
     *
     * @return the description, or {@code "OK"}
     */
    public String lastError() {
        if (errorCode == WireError.OK) {
            return "OK";
        }
        final StringBuilder sb = new StringBuilder(WireError.name(errorCode));
        if (errorPosition >= 0) {
            sb.append(" at byte ").append(errorPosition - start);
        }
        if (errorTable != null) {
            sb.append(" in ").append(errorTable.name());
            if (errorField >= 0) {
                sb.append('.').append(errorTable.fieldNames[errorField]);
            }
        }
        return sb.toString();
    }
}

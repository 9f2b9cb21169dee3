package org.mmosdk.core.wire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The payload verifier as it was before it was compiled into flat per-table programs (0cde13c), kept unchanged as
 * the oracle of {@code PayloadVerifierEquivalenceProperties}: the verifier must return the same code, and describe
 * the same failure, for every input. Not used by the library.
 */
final class ReferencePayloadVerifier {
    /** Default deepest table nesting. */
    static final int DEFAULT_MAX_DEPTH = 64;
    /** Default most tables, strings and vectors visited in one payload. */
    static final int DEFAULT_MAX_OBJECTS = 100_000;

    private final int maxDepth;
    private final int maxObjects;
    private final boolean checkUtf8;

    private ByteBuffer bb;
    private long start;
    private long end;
    private int objects;
    private long utf8Budget;

    private int errorCode;
    private long errorPosition;
    private TableSchema errorTable;
    private int errorField;

    /** A verifier with the default limits that checks UTF-8. */
    ReferencePayloadVerifier() {
        this(DEFAULT_MAX_DEPTH, DEFAULT_MAX_OBJECTS, true);
    }

    /**
     * A verifier with explicit limits.
     *
     * @param maxDepth deepest table nesting, in [1, 1000]
     * @param maxObjects most tables, vectors and strings visited per payload, at least 1
     * @param checkUtf8 whether strings must be valid UTF-8 (the generated {@code String} accessors throw otherwise)
     */
    ReferencePayloadVerifier(final int maxDepth, final int maxObjects, final boolean checkUtf8) {
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
    int verify(final ByteBuffer buffer, final int offset, final int length, final TableSchema root) {
        bb = buffer;
        buffer.order(ByteOrder.LITTLE_ENDIAN);
        start = offset;
        end = (long) offset + length;
        objects = 0;
        utf8Budget = 4L * length + 4096;
        errorCode = WireError.OK;
        errorTable = null;
        errorField = -1;
        errorPosition = -1;
        if (offset < 0 || length < 0 || end > buffer.limit()) {
            return fail(WireError.OUT_OF_BOUNDS, offset, null, -1);
        }
        if (length < 4) {
            return fail(WireError.TRUNCATED, offset, null, -1);
        }
        final long rootPos = offset + u32(offset);
        final int rc = verifyTable(rootPos, root, 1);
        bb = null;
        return rc;
    }

    private int verifyTable(final long t, final TableSchema schema, final int depth) {
        if (depth > maxDepth) {
            return fail(WireError.TOO_DEEP, t, schema, -1);
        }
        if (++objects > maxObjects) {
            return fail(WireError.TOO_COMPLEX, t, schema, -1);
        }
        if (!inside(t, 4)) {
            return fail(WireError.OUT_OF_BOUNDS, t, schema, -1);
        }
        final int table = (int) t;
        final long vt = t - bb.getInt(table);
        if (!inside(vt, 4)) {
            return fail(WireError.BAD_VTABLE, vt, schema, -1);
        }
        final int vtable = (int) vt;
        final int vtableSize = u16(vtable);
        final int tableSize = u16(vtable + 2);
        if ((vtableSize & 1) != 0 || vtableSize < 4 || !inside(vt, vtableSize)) {
            return fail(WireError.BAD_VTABLE, vt, schema, -1);
        }
        if (tableSize < 4 || !inside(t, tableSize)) {
            return fail(WireError.OUT_OF_BOUNDS, t, schema, -1);
        }
        final int fields = schema.fieldCount();
        for (int i = 0; i < fields; i++) {
            final int slot = schema.slots[i];
            final int fieldOffset = slot < vtableSize ? u16(vtable + slot) : 0;
            if (fieldOffset == 0) {
                if (schema.required[i]) {
                    return fail(WireError.MISSING_REQUIRED, t, schema, i);
                }
                continue;
            }
            if (fieldOffset + schema.inlineSizes[i] > tableSize) {
                return fail(WireError.FIELD_OUT_OF_TABLE, t + fieldOffset, schema, i);
            }
            final byte kind = schema.kinds[i];
            if (kind == TableSchema.SCALAR) {
                continue;
            }
            final long field = t + fieldOffset;
            final int rc;
            switch (kind) {
                case TableSchema.STRING -> rc = verifyString(field + u32((int) field), schema.maxLengths[i], schema, i);
                case TableSchema.VECTOR -> rc = verifyVector(field + u32((int) field), schema, i);
                case TableSchema.VECTOR_OF_STRINGS -> rc = verifyVectorOfStrings(field + u32((int) field), schema, i);
                case TableSchema.VECTOR_OF_TABLES -> rc = verifyVectorOfTables(field + u32((int) field), schema, i, depth);
                case TableSchema.TABLE -> rc = verifyTable(field + u32((int) field), (TableSchema) schema.refs[i], depth + 1);
                case TableSchema.UNION -> rc = verifyUnion(t, vtable, vtableSize, tableSize, field, schema, i, depth);
                default -> rc = fail(WireError.BAD_VTABLE, field, schema, i);
            }
            if (rc != WireError.OK) {
                return rc;
            }
        }
        return WireError.OK;
    }

    private int verifyUnion(
        final long t, final int vtable, final int vtableSize, final int tableSize, final long field,
        final TableSchema schema, final int i, final int depth) {
        final int typeSlot = schema.unionTypeSlots[i];
        final int typeOffset = typeSlot < vtableSize ? u16(vtable + typeSlot) : 0;
        if (typeOffset == 0) {
            return WireError.OK;
        }
        if (typeOffset + 1 > tableSize) {
            return fail(WireError.FIELD_OUT_OF_TABLE, t + typeOffset, schema, i);
        }
        final int tag = bb.get((int) (t + typeOffset)) & 0xFF;
        if (tag == 0) {
            return WireError.OK;
        }
        final TableSchema member = ((TableSchema[]) schema.refs[i])[tag];
        if (member == null) {
            return fail(WireError.BAD_UNION_TAG, t + typeOffset, schema, i);
        }
        return verifyTable(field + u32((int) field), member, depth + 1);
    }

    private int verifyString(final long s, final long maxBytes, final TableSchema schema, final int i) {
        if (++objects > maxObjects) {
            return fail(WireError.TOO_COMPLEX, s, schema, i);
        }
        if (!inside(s, 4)) {
            return fail(WireError.OUT_OF_BOUNDS, s, schema, i);
        }
        final long length = u32((int) s);
        if (length > maxBytes) {
            return fail(WireError.TOO_LONG, s, schema, i);
        }
        if (!inside(s + 4, length + 1)) {
            return fail(WireError.OUT_OF_BOUNDS, s, schema, i);
        }
        final int from = (int) s + 4;
        final int to = from + (int) length;
        if (bb.get(to) != 0) {
            return fail(WireError.BAD_STRING, to, schema, i);
        }
        if (checkUtf8) {
            utf8Budget -= length;
            if (utf8Budget < 0) {
                return fail(WireError.TOO_COMPLEX, s, schema, i);
            }
            final int bad = Utf8CheckProperties.reference(bb, from, to);   // the byte-at-a-time check
            if (bad >= 0) {
                return fail(WireError.BAD_STRING, bad, schema, i);
            }
        }
        return WireError.OK;
    }

    private int verifyVector(final long v, final TableSchema schema, final int i) {
        if (++objects > maxObjects) {
            return fail(WireError.TOO_COMPLEX, v, schema, i);
        }
        if (!inside(v, 4)) {
            return fail(WireError.OUT_OF_BOUNDS, v, schema, i);
        }
        final long length = u32((int) v);
        if (length > schema.maxLengths[i]) {
            return fail(WireError.TOO_LONG, v, schema, i);
        }
        if (!inside(v + 4, length * schema.elementSizes[i])) {
            return fail(WireError.OUT_OF_BOUNDS, v, schema, i);
        }
        return WireError.OK;
    }

    private int verifyVectorOfStrings(final long v, final TableSchema schema, final int i) {
        int rc = verifyVector(v, schema, i);
        if (rc != WireError.OK) {
            return rc;
        }
        final int length = (int) u32((int) v);
        long element = v + 4;
        for (int e = 0; e < length; e++, element += 4) {
            rc = verifyString(element + u32((int) element), Integer.MAX_VALUE, schema, i);
            if (rc != WireError.OK) {
                return rc;
            }
        }
        return WireError.OK;
    }

    private int verifyVectorOfTables(final long v, final TableSchema schema, final int i, final int depth) {
        int rc = verifyVector(v, schema, i);
        if (rc != WireError.OK) {
            return rc;
        }
        final TableSchema element = (TableSchema) schema.refs[i];
        final int length = (int) u32((int) v);
        long pos = v + 4;
        for (int e = 0; e < length; e++, pos += 4) {
            rc = verifyTable(pos + u32((int) pos), element, depth + 1);
            if (rc != WireError.OK) {
                return rc;
            }
        }
        return WireError.OK;
    }

    private boolean inside(final long position, final long size) {
        return position >= start && size >= 0 && position + size <= end;
    }

    private long u32(final int position) {
        return bb.getInt(position) & 0xFFFF_FFFFL;
    }

    private int u16(final int position) {
        return bb.getShort(position) & 0xFFFF;
    }

    private int fail(final int code, final long position, final TableSchema table, final int field) {
        errorCode = code;
        errorPosition = position;
        errorTable = table;
        errorField = field;
        return code;
    }

    /**
     * The code of the last failed {@link #verify} call, or {@link WireError#OK}.
     *
     * @return the code
     */
    int lastErrorCode() {
        return errorCode;
    }

    /**
     * A description of the last failure for a log line, e.g.
     * {@code "BAD_UNION_TAG at byte 52 in org.x.Everything.effect"}. Allocates; call it on the cold path only.
     *
     * @return the description, or {@code "OK"}
     */
    String lastError() {
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

package org.mmosdk.ecs;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a set of entities to bytes and reads them back into a world — for handing entities to another node and for
 * saving. The output is deterministic: the same entities with the same values give the same bytes on every JVM.
 *
 * <p>Format (little-endian): {@code "MECS"}, u16 version, u16 component count, then per component its name
 * (u16 length + UTF-8), u8 field count and one kind byte per field; u32 entity count; per entity a u16 component
 * count, then per component its u16 index in that table followed by its field values ({@link FieldKind#bytes()}
 * each). Object fields are not written (and read back as null). Components are matched by name on reading; a
 * component that is missing in the target world, or whose fields differ, is an error.
 */
public final class EntitySerializer {
    private static final int MAGIC = 0x5343454D; // "MECS" little-endian
    private static final int VERSION = 1;

    private EntitySerializer() {
    }

    /**
     * Serializes entities.
     *
     * @param world their world
     * @param entities live handles, written in this order
     * @return the bytes
     */
    public static byte[] write(final World world, final long... entities) {
        final ComponentType[] types = world.components;
        int size = 12;
        for (final ComponentType t : types) {
            size += 3 + t.name().getBytes(StandardCharsets.UTF_8).length + t.fields.length;
        }
        for (final long e : entities) {
            final Archetype a = world.archetypeOf(e);
            size += 2;
            for (final ComponentType t : a.types) {
                size += 2;
                for (final Field f : t.fields) {
                    size += f.kind.bytes();
                }
            }
        }
        final ByteBuffer out = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(MAGIC).putShort((short) VERSION).putShort((short) types.length);
        for (final ComponentType t : types) {
            final byte[] name = t.name().getBytes(StandardCharsets.UTF_8);
            out.putShort((short) name.length).put(name).put((byte) t.fields.length);
            for (final Field f : t.fields) {
                out.put((byte) f.kind.ordinal());
            }
        }
        out.putInt(entities.length);
        for (final long e : entities) {
            final int index = world.liveIndex(e);
            final Chunk chunk = world.chunkOf[index];
            final int row = world.rowOf[index];
            final Archetype a = chunk.archetype;
            out.putShort((short) a.types.length);
            for (final ComponentType t : a.types) {
                out.putShort((short) world.localIndex(t));
                for (final Field f : t.fields) {
                    final Object column = chunk.columns[a.columnOfField[f.globalId]];
                    final long bits = f.kind.bits(column, row);
                    f.kind.put(out, bits);
                }
            }
        }
        return out.array();
    }

    /**
     * Creates the serialized entities in {@code world}, with new handles, in the order they were written.
     *
     * @param world the target world
     * @param bytes from {@link #write}
     * @return the new handles
     * @throws IllegalArgumentException if the bytes are malformed or name components the world lacks; then the world
     *         is unchanged (the whole input is checked before the first entity is created)
     */
    public static long[] read(final World world, final byte[] bytes) {
        try {
            return readUnchecked(world, ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN));
        } catch (final java.nio.BufferUnderflowException | IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("serialized entities are truncated or corrupt", e);
        }
    }

    private static long[] readUnchecked(final World world, final ByteBuffer in) {
        if (in.getInt() != MAGIC) {
            throw new IllegalArgumentException("not serialized entities (bad magic)");
        }
        final int version = in.getShort() & 0xFFFF;
        if (version != VERSION) {
            throw new IllegalArgumentException("unsupported serialization version " + version);
        }
        final int componentCount = in.getShort() & 0xFFFF;
        final Map<String, ComponentType> byName = new HashMap<>();
        for (final ComponentType t : world.components) {
            byName.put(t.name(), t);
        }
        final List<ComponentType> table = new ArrayList<>(componentCount);
        for (int i = 0; i < componentCount; i++) {
            final byte[] name = new byte[in.getShort() & 0xFFFF];
            in.get(name);
            final String n = new String(name, StandardCharsets.UTF_8);
            final int fieldCount = in.get() & 0xFF;
            final byte[] kinds = new byte[fieldCount];
            in.get(kinds);
            final ComponentType t = byName.get(n);
            if (t == null) {
                table.add(null);
                continue;
            }
            if (t.fields.length != fieldCount) {
                throw new IllegalArgumentException("component " + n + " has " + t.fields.length + " fields here, "
                    + fieldCount + " in the data");
            }
            for (int f = 0; f < fieldCount; f++) {
                if (t.fields[f].kind.ordinal() != kinds[f]) {
                    throw new IllegalArgumentException("field " + t.fields[f] + " is " + t.fields[f].kind
                        + " here but kind " + kinds[f] + " in the data");
                }
            }
            table.add(t);
        }
        final int count = in.getInt();
        if (count < 0 || count > in.remaining() / 2) {
            throw new IllegalArgumentException("entity count " + count + " does not fit the data");
        }
        // all or nothing: the whole input is checked before the first entity is created
        final int entitiesAt = in.position();
        readEntities(null, in, table, count, null);
        if (in.hasRemaining()) {
            throw new IllegalArgumentException(in.remaining() + " bytes follow the last entity");
        }
        in.position(entitiesAt);
        final long[] created = new long[count];
        readEntities(world, in, table, count, created);
        return created;
    }

    /** Walks {@code count} entities; with a world, creates them into {@code created}, else only checks them. */
    private static void readEntities(final World world, final ByteBuffer in, final List<ComponentType> table,
                                     final int count, final long[] created) {
        final int componentCount = table.size();
        final ComponentType[] types = new ComponentType[componentCount];
        final int[] valueStart = new int[componentCount];
        final boolean[] seen = new boolean[componentCount];
        for (int e = 0; e < count; e++) {
            final int n = in.getShort() & 0xFFFF;
            if (n > componentCount) {
                throw new IllegalArgumentException("entity " + e + " claims " + n + " components");
            }
            java.util.Arrays.fill(seen, false);
            for (int k = 0; k < n; k++) {
                final int ref = in.getShort() & 0xFFFF;
                if (ref >= componentCount) {
                    throw new IllegalArgumentException("entity " + e + " names component #" + ref);
                }
                if (seen[ref]) {
                    throw new IllegalArgumentException("entity " + e + " names component #" + ref + " twice");
                }
                seen[ref] = true;
                final ComponentType t = table.get(ref);
                if (t == null) {
                    throw new IllegalArgumentException("component #" + ref + " of the data is not registered in this world");
                }
                types[k] = t;
                valueStart[k] = in.position();
                int bytes = 0;
                for (final Field f : t.fields) {
                    bytes += f.kind.bytes();
                }
                if (bytes > in.remaining()) {
                    throw new IllegalArgumentException("entity " + e + " is truncated");
                }
                in.position(in.position() + bytes);
            }
            if (world == null) {
                continue;
            }
            final long entity = world.create(world.archetype(java.util.Arrays.copyOf(types, n)));
            final int end = in.position();
            for (int k = 0; k < n; k++) {
                in.position(valueStart[k]);
                for (final Field f : types[k].fields) {
                    final long bits = f.kind.get(in);
                    if (f.kind != FieldKind.REF) {
                        world.setBits(entity, f, bits);
                    }
                }
            }
            in.position(end);
            created[e] = entity;
        }
    }
}

package org.mmosdk.ecs;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import org.mmosdk.core.id.EntityIds;

/**
 * A whole world as bytes, exactly: loading them into a fresh world gives the same entities with the same handles in
 * the same iteration order, the same entity table (so the next {@code create} issues the same handle on both), the
 * same tick — and so the same {@link World#stateHash()}. This is what a keyframe of a deterministic simulation needs
 * (a late joiner must continue bit for bit); {@link EntitySerializer} moves a set of entities instead, with new
 * handles.
 *
 * <p>Format (little-endian): {@code "MWS1"}, i32 tick; the component table (u16 count, per component its name as
 * u16 length + UTF-8, u8 field count and one kind byte per field); the entity table (u32 next index, one i32
 * generation per index, u32 free count and the free list); u16 archetype count (the world's archetypes in creation
 * order, the empty one first), per archetype u8 component count and their u16 positions in the component table,
 * u32 rows, and per row the entity handle (u64) followed by its field values in column order
 * ({@link FieldKind#bytes()} each). Object fields are not written (they read back as null). Change ticks are not
 * written: every loaded row is new at the loaded tick.
 *
 * <p>Reading checks the whole input before it changes the world (a malformed keyframe from the network is refused
 * with an {@link IllegalArgumentException} and the world stays empty).
 *
 * <p>Threads: the thread that owns the world.
 */
public final class WorldSerializer {
    private static final int MAGIC = 0x3153574D; // "MWS1" little-endian

    private WorldSerializer() {
    }

    /**
     * Serializes a whole world.
     *
     * @param world the world
     * @return the bytes
     */
    public static byte[] write(final World world) {
        assert world.ownedByCurrentThread() : world.wrongThread();
        final ComponentType[] types = world.components;
        final byte[][] names = new byte[types.length][];
        long size = 4 + 4 + 2;
        for (int t = 0; t < types.length; t++) {
            names[t] = types[t].name().getBytes(StandardCharsets.UTF_8);
            size += 2 + names[t].length + 1 + types[t].fields.length;
        }
        size += 4 + 4L * world.nextIndex + 4 + 4L * world.freeCount + 2;
        for (final Archetype a : world.archetypes) {
            int rowBytes = 8;
            for (final FieldKind k : a.columnKinds) {
                rowBytes += k.bytes();
            }
            size += 1 + 2L * a.types.length + 4 + (long) rowBytes * a.size;
        }
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalStateException("world too large for one byte array: " + size + " bytes");
        }
        final ByteBuffer out = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(MAGIC).putInt(world.tick).putShort((short) types.length);
        for (int t = 0; t < types.length; t++) {
            out.putShort((short) names[t].length).put(names[t]).put((byte) types[t].fields.length);
            for (final Field f : types[t].fields) {
                out.put((byte) f.kind.ordinal());
            }
        }
        out.putInt(world.nextIndex);
        for (int i = 0; i < world.nextIndex; i++) {
            out.putInt(world.generations[i]);
        }
        out.putInt(world.freeCount);
        for (int i = 0; i < world.freeCount; i++) {
            out.putInt(world.free[i]);
        }
        out.putShort((short) world.archetypes.size());
        for (final Archetype a : world.archetypes) {
            out.put((byte) a.types.length);
            for (final ComponentType t : a.types) {
                out.putShort((short) world.localIndex(t));
            }
            out.putInt(a.size);
            final FieldKind[] kinds = a.columnKinds;
            for (int c = 0; c < a.usedChunks; c++) {
                final Chunk chunk = a.chunks[c];
                for (int row = 0; row < chunk.size; row++) {
                    out.putLong(chunk.entities[row]);
                    for (int col = 0; col < kinds.length; col++) {
                        final long bits = kinds[col].bits(chunk.columns[col], row);
                        kinds[col].put(out, bits);
                    }
                }
            }
        }
        return out.array();
    }

    /**
     * Loads a whole world into {@code fresh}, which must be new: no entity ever created, no archetype but the empty
     * one, and the same component types (matched by name, with the same fields) as the world that was written.
     *
     * @param fresh a new world
     * @param bytes from {@link #write}
     * @throws IllegalArgumentException if the bytes are malformed or do not fit the world's components; the world is
     *         unchanged then
     * @throws IllegalStateException if the world is not new
     */
    public static void read(final World fresh, final byte[] bytes) {
        assert fresh.ownedByCurrentThread() : fresh.wrongThread();
        fresh.checkNotIterating();
        if (fresh.nextIndex != 0 || fresh.archetypes.size() != 1) {
            throw new IllegalStateException("read a world's bytes into a new world (this one has "
                + fresh.nextIndex + " entity slots and " + fresh.archetypes.size() + " archetypes)");
        }
        final ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        try {
            final Parsed parsed = parse(fresh, in);   // checks everything; the world is untouched so far
            load(fresh, parsed, in);
        } catch (final BufferUnderflowException | IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("world bytes are truncated or corrupt", e);
        }
    }

    /** What the first pass found: where each archetype's rows start, the entity table and the component mapping. */
    private static final class Parsed {
        int tick;
        int[] generations;
        int[] free;
        ComponentType[][] archetypeTypes;
        int[] rows;
        int[] rowsAt;
    }

    private static Parsed parse(final World world, final ByteBuffer in) {
        if (in.remaining() < 10 || in.getInt() != MAGIC) {
            throw new IllegalArgumentException("not a world's bytes (bad magic)");
        }
        final Parsed p = new Parsed();
        p.tick = in.getInt();
        if (p.tick == 0) {
            throw new IllegalArgumentException("tick 0 is not a world tick");
        }
        final ComponentType[] table = componentTable(world, in);
        final int nextIndex = in.getInt();
        if (nextIndex < 0 || nextIndex > in.remaining() / 4) {
            throw new IllegalArgumentException("entity table of " + nextIndex + " does not fit the data");
        }
        p.generations = new int[nextIndex];
        for (int i = 0; i < nextIndex; i++) {
            p.generations[i] = in.getInt();
            if (p.generations[i] == 0) {
                throw new IllegalArgumentException("entity slot " + i + " has generation 0");
            }
        }
        final int freeCount = in.getInt();
        if (freeCount < 0 || freeCount > nextIndex) {
            throw new IllegalArgumentException("free list of " + freeCount + " for " + nextIndex + " slots");
        }
        // each slot below nextIndex is either free (once) or live (once)
        final byte[] state = new byte[nextIndex];
        p.free = new int[freeCount];
        for (int i = 0; i < freeCount; i++) {
            final int index = in.getInt();
            if (index < 0 || index >= nextIndex || state[index] != 0) {
                throw new IllegalArgumentException("free list names slot " + index + " badly");
            }
            state[index] = 1;
            p.free[i] = index;
        }
        final int archetypeCount = in.getShort() & 0xFFFF;
        if (archetypeCount < 1) {
            throw new IllegalArgumentException("no archetypes");
        }
        p.archetypeTypes = new ComponentType[archetypeCount][];
        p.rows = new int[archetypeCount];
        p.rowsAt = new int[archetypeCount];
        final java.util.Set<String> seen = new java.util.HashSet<>();
        int live = 0;
        for (int a = 0; a < archetypeCount; a++) {
            final int n = in.get() & 0xFF;
            final ComponentType[] types = new ComponentType[n];
            final long[] mask = new long[(table.length + 63) >>> 6];
            int rowBytes = 8;
            for (int k = 0; k < n; k++) {
                final int ref = in.getShort() & 0xFFFF;
                if (ref >= table.length || (mask[ref >>> 6] & (1L << ref)) != 0) {
                    throw new IllegalArgumentException("archetype " + a + " names component #" + ref + " badly");
                }
                mask[ref >>> 6] |= 1L << ref;
                types[k] = table[ref];
                for (final Field f : types[k].fields) {
                    rowBytes += f.kind.bytes();
                }
            }
            if (!seen.add(java.util.Arrays.toString(mask)) || (a == 0) != (n == 0)) {
                throw new IllegalArgumentException("archetype " + a + " repeats another or misplaces the empty one");
            }
            p.archetypeTypes[a] = types;
            final int rows = in.getInt();
            if (rows < 0 || (long) rows * rowBytes > in.remaining()) {
                throw new IllegalArgumentException("archetype " + a + " claims " + rows + " rows");
            }
            p.rows[a] = rows;
            p.rowsAt[a] = in.position();
            for (int r = 0; r < rows; r++) {
                final long entity = in.getLong();
                final int index = EntityIds.index(entity);
                if (index < 0 || index >= nextIndex || state[index] != 0
                    || p.generations[index] != EntityIds.generation(entity)) {
                    throw new IllegalArgumentException("row " + r + " of archetype " + a + " holds entity "
                        + EntityIds.toString(entity) + ", which the entity table does not have live");
                }
                state[index] = 2;
                in.position(in.position() + rowBytes - 8);
            }
            live += rows;
        }
        if (live + freeCount != nextIndex) {
            throw new IllegalArgumentException((nextIndex - live - freeCount) + " entity slots are neither live nor free");
        }
        if (in.hasRemaining()) {
            throw new IllegalArgumentException(in.remaining() + " bytes follow the last archetype");
        }
        return p;
    }

    /** The written component table mapped to the world's types, by name; kinds must match. */
    private static ComponentType[] componentTable(final World world, final ByteBuffer in) {
        final int count = in.getShort() & 0xFFFF;
        final Map<String, ComponentType> byName = new HashMap<>();
        for (final ComponentType t : world.components) {
            byName.put(t.name(), t);
        }
        final ComponentType[] table = new ComponentType[count];
        for (int i = 0; i < count; i++) {
            final byte[] name = new byte[in.getShort() & 0xFFFF];
            in.get(name);
            final String n = new String(name, StandardCharsets.UTF_8);
            final ComponentType t = byName.remove(n);
            if (t == null) {
                throw new IllegalArgumentException("component " + n + " is not registered in this world, or named twice");
            }
            final int fields = in.get() & 0xFF;
            if (fields != t.fields.length) {
                throw new IllegalArgumentException("component " + n + " has " + t.fields.length + " fields here, "
                    + fields + " in the data");
            }
            for (int f = 0; f < fields; f++) {
                final int kind = in.get();
                if (kind != t.fields[f].kind.ordinal()) {
                    throw new IllegalArgumentException("field " + t.fields[f] + " is " + t.fields[f].kind
                        + " here but kind " + kind + " in the data");
                }
            }
            table[i] = t;
        }
        return table;
    }

    private static void load(final World w, final Parsed p, final ByteBuffer in) {
        final int nextIndex = p.generations.length;
        while (w.generations.length < nextIndex) {
            w.generations = java.util.Arrays.copyOf(w.generations, w.generations.length * 2);
            w.chunkOf = java.util.Arrays.copyOf(w.chunkOf, w.generations.length);
            w.rowOf = java.util.Arrays.copyOf(w.rowOf, w.generations.length);
        }
        System.arraycopy(p.generations, 0, w.generations, 0, nextIndex);
        w.nextIndex = nextIndex;
        if (w.free.length < p.free.length) {
            w.free = new int[p.free.length];
        }
        System.arraycopy(p.free, 0, w.free, 0, p.free.length);
        w.freeCount = p.free.length;
        w.tick = p.tick;
        for (int a = 0; a < p.archetypeTypes.length; a++) {
            final Archetype archetype = w.archetype(p.archetypeTypes[a]);
            in.position(p.rowsAt[a]);
            // values come in the writer's column order (its archetype's types, then fields): map each to our column
            int columns = 0;
            for (final ComponentType t : p.archetypeTypes[a]) {
                columns += t.fields.length;
            }
            final Field[] fields = new Field[columns];
            final int[] target = new int[columns];
            int c = 0;
            for (final ComponentType t : p.archetypeTypes[a]) {
                for (final Field f : t.fields) {
                    fields[c] = f;
                    target[c++] = archetype.columnOfField[f.globalId];
                }
            }
            for (int r = 0; r < p.rows[a]; r++) {
                final Chunk chunk = archetype.chunkForAppend();
                final int row = chunk.size++;
                archetype.size++;
                final long entity = in.getLong();
                chunk.entities[row] = entity;
                for (int col = 0; col < columns; col++) {
                    final FieldKind kind = fields[col].kind;
                    final long bits = kind.get(in);
                    if (kind != FieldKind.REF) {
                        kind.setBits(chunk.columns[target[col]], row, bits);
                    }
                }
                chunk.stampNew(row, w.tick);
                final int index = EntityIds.index(entity);
                w.chunkOf[index] = chunk;
                w.rowOf[index] = row;
            }
        }
    }
}

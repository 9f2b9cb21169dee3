package org.mmosdk.ecs;

import java.util.Arrays;

/**
 * Up to {@code chunkCapacity} entities of one {@link Archetype}, with one primitive array per field: the fast
 * path. Rows {@code [0, size())} are live; the arrays may be longer.
 *
 * <pre>{@code
 * query.forEachChunk(chunk -> {
 *     float[] x = chunk.writeFloats(Position.X);   // marks Position changed for every row
 *     float[] vx = chunk.floats(Velocity.X);
 *     for (int i = 0, n = chunk.size(); i < n; i++) {
 *         x[i] += vx[i] * dt;
 *     }
 * });
 * }</pre>
 *
 * <p>Writing through an array from {@link #floats(FloatField)} (and the other read accessors) does <em>not</em> stamp
 * change ticks: use the {@code write*} accessors (which stamp every row), or call {@link #markChanged} for the rows
 * you changed. Arrays are valid until the next structural change of the world (create, destroy, add, remove).
 *
 * <p>Threads: owned by its {@link World}'s thread.
 */
public final class Chunk {
    private static final int FIRST_ALLOCATION = 64;

    final Archetype archetype;
    final int index;
    final int capacity;
    int allocated;
    int size;
    long[] entities;
    final Object[] columns;
    final int[][] changed;
    final int[][] added;
    final int[] maxChanged;
    final int[] maxAdded;

    Chunk(final Archetype archetype, final int index, final int capacity) {
        this.archetype = archetype;
        this.index = index;
        this.capacity = capacity;
        final int slots = archetype.types.length;
        this.columns = new Object[archetype.columnKinds.length];
        this.changed = new int[slots][];
        this.added = new int[slots][];
        this.maxChanged = new int[slots];
        this.maxAdded = new int[slots];
        allocate(Math.min(FIRST_ALLOCATION, capacity));
    }

    private void allocate(final int length) {
        if (entities == null) {
            entities = new long[length];
            for (int c = 0; c < columns.length; c++) {
                columns[c] = archetype.columnKinds[c].newColumn(length);
            }
            for (int s = 0; s < changed.length; s++) {
                changed[s] = new int[length];
                added[s] = new int[length];
            }
        } else {
            entities = Arrays.copyOf(entities, length);
            for (int c = 0; c < columns.length; c++) {
                columns[c] = archetype.columnKinds[c].grow(columns[c], length);
            }
            for (int s = 0; s < changed.length; s++) {
                changed[s] = Arrays.copyOf(changed[s], length);
                added[s] = Arrays.copyOf(added[s], length);
            }
        }
        allocated = length;
    }

    void ensureAllocated(final int rows) {
        if (rows > allocated) {
            int length = allocated;
            while (length < rows) {
                length = Math.min(capacity, length * 2);
            }
            allocate(length);
        }
    }

    /**
     * Live rows.
     *
     * @return the number of entities in this chunk
     */
    public int size() {
        return size;
    }

    /**
     * The archetype this chunk belongs to.
     *
     * @return the archetype
     */
    public Archetype archetype() {
        return archetype;
    }

    /**
     * Position of this chunk in its archetype.
     *
     * @return the index
     */
    public int index() {
        return index;
    }

    /**
     * The entity handle of a row.
     *
     * @param row in [0, size())
     * @return the handle
     */
    public long entity(final int row) {
        return entities[row];
    }

    /**
     * The entity handles of this chunk, rows {@code [0, size())}. Do not modify.
     *
     * @return the array
     */
    public long[] entities() {
        return entities;
    }

    /**
     * The {@code float} column of a field, for reading (writes are not stamped).
     *
     * @param field a field of a component of this archetype
     * @return the column
     */
    public float[] floats(final FloatField field) {
        return (float[]) columns[column(field)];
    }

    /**
     * The {@code float} column of a field, for writing: stamps the field's component changed for every row.
     *
     * @param field a field of a component of this archetype
     * @return the column
     */
    public float[] writeFloats(final FloatField field) {
        final int c = column(field);
        markAllChanged(archetype.columnSlot[c]);
        return (float[]) columns[c];
    }

    /**
     * The {@code double} column of a field, for reading.
     *
     * @param field a field of a component of this archetype
     * @return the column
     */
    public double[] doubles(final DoubleField field) {
        return (double[]) columns[column(field)];
    }

    /**
     * The {@code double} column of a field, for writing (stamps every row).
     *
     * @param field a field of a component of this archetype
     * @return the column
     */
    public double[] writeDoubles(final DoubleField field) {
        final int c = column(field);
        markAllChanged(archetype.columnSlot[c]);
        return (double[]) columns[c];
    }

    /**
     * The {@code int} column of a field, for reading.
     *
     * @param field a field of a component of this archetype
     * @return the column
     */
    public int[] ints(final IntField field) {
        return (int[]) columns[column(field)];
    }

    /**
     * The {@code int} column of a field, for writing (stamps every row).
     *
     * @param field a field of a component of this archetype
     * @return the column
     */
    public int[] writeInts(final IntField field) {
        final int c = column(field);
        markAllChanged(archetype.columnSlot[c]);
        return (int[]) columns[c];
    }

    /**
     * The {@code long} column of a field, for reading.
     *
     * @param field a field of a component of this archetype
     * @return the column
     */
    public long[] longs(final LongField field) {
        return (long[]) columns[column(field)];
    }

    /**
     * The {@code long} column of a field, for writing (stamps every row).
     *
     * @param field a field of a component of this archetype
     * @return the column
     */
    public long[] writeLongs(final LongField field) {
        final int c = column(field);
        markAllChanged(archetype.columnSlot[c]);
        return (long[]) columns[c];
    }

    /**
     * The {@code short} column of a field, for reading.
     *
     * @param field a field of a component of this archetype
     * @return the column
     */
    public short[] shorts(final ShortField field) {
        return (short[]) columns[column(field)];
    }

    /**
     * The {@code byte} column of a field, for reading.
     *
     * @param field a field of a component of this archetype
     * @return the column
     */
    public byte[] bytes(final ByteField field) {
        return (byte[]) columns[column(field)];
    }

    /**
     * The {@code boolean} column of a field, for reading.
     *
     * @param field a field of a component of this archetype
     * @return the column
     */
    public boolean[] bools(final BoolField field) {
        return (boolean[]) columns[column(field)];
    }

    /**
     * The object column of a field.
     *
     * @param field a field of a component of this archetype
     * @param <T> the values' type
     * @return the column
     */
    public <T> Object[] refs(final RefField<T> field) {
        return (Object[]) columns[column(field)];
    }

    /**
     * Stamps {@code type} changed at the world's current tick for one row (after writing through a raw array).
     *
     * @param type a component of this archetype
     * @param row in [0, size())
     */
    public void markChanged(final ComponentType type, final int row) {
        final int slot = slot(type);
        final int tick = archetype.world.tick;
        changed[slot][row] = tick;
        maxChanged[slot] = tick;
    }

    /**
     * Stamps {@code type} changed for every row.
     *
     * @param type a component of this archetype
     */
    public void markAllChanged(final ComponentType type) {
        markAllChanged(slot(type));
    }

    void markAllChanged(final int slot) {
        final int tick = archetype.world.tick;
        Arrays.fill(changed[slot], 0, size, tick);
        maxChanged[slot] = tick;
    }

    /**
     * The tick at which a row's {@code type} was last changed.
     *
     * @param type a component of this archetype
     * @param row in [0, size())
     * @return the tick
     */
    public int changeTick(final ComponentType type, final int row) {
        return changed[slot(type)][row];
    }

    /**
     * The tick at which a row's {@code type} was added (or the entity created with it).
     *
     * @param type a component of this archetype
     * @param row in [0, size())
     * @return the tick
     */
    public int addedTick(final ComponentType type, final int row) {
        return added[slot(type)][row];
    }

    /**
     * Collects the rows whose {@code type} changed after tick {@code since} (the fast path of "changed since T":
     * one branch-free pass over the chunk's tick column; a chunk with no such change is skipped without a pass).
     *
     * @param type a component of this archetype
     * @param since a tick; rows with change tick {@code > since} are collected
     * @param rows receives row indices in ascending order; needs {@code size()} room
     * @return the number of rows written
     */
    public int changedSince(final ComponentType type, final int since, final int[] rows) {
        final int slot = slot(type);
        return maxChanged[slot] - since <= 0 ? 0 : collect(changed[slot], since, rows);
    }

    /**
     * Collects the rows whose {@code type} was added after tick {@code since}.
     *
     * @param type a component of this archetype
     * @param since a tick
     * @param rows receives row indices in ascending order; needs {@code size()} room
     * @return the number of rows written
     */
    public int addedSince(final ComponentType type, final int since, final int[] rows) {
        final int slot = slot(type);
        return maxAdded[slot] - since <= 0 ? 0 : collect(added[slot], since, rows);
    }

    private int collect(final int[] ticks, final int since, final int[] rows) {
        int n = 0;
        for (int i = 0, size = this.size; i < size; i++) {
            rows[n] = i;
            n += (since - ticks[i]) >>> 31; // 1 when ticks[i] > since (tick arithmetic is wrap-safe)
        }
        return n;
    }

    int column(final Field field) {
        final int[] map = archetype.columnOfField;
        final int id = field.globalId;
        final int c = id < map.length ? map[id] : -1;
        if (c < 0) {
            throw noSuchField(field);
        }
        return c;
    }

    int slot(final ComponentType type) {
        final int s = archetype.slotOf(type);
        if (s < 0) {
            throw new IllegalArgumentException("chunk of " + archetype + " has no component " + type);
        }
        return s;
    }

    private IllegalArgumentException noSuchField(final Field field) {
        return new IllegalArgumentException("chunk of " + archetype + " has no field " + field);
    }

    @Override
    public String toString() {
        return "Chunk{" + archetype + " #" + index + ", size=" + size + "}";
    }
}

package org.mmosdk.ecs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongConsumer;

import org.mmosdk.core.id.EntityIds;

/**
 * The authoritative state of one zone: entities with components, stored as archetype tables of struct-of-arrays
 * chunks. Every write through the world stamps the component's change tick for that entity; queries can ask for
 * what changed or was added since a tick, and {@link #forEachDestroyedSince} reports destroyed entities — the raw
 * material of state-sync deltas.
 *
 * <h2>Determinism</h2>
 * The same sequence of operations gives the same entity handles, the same iteration order (archetypes in creation
 * order, chunks in order, rows in order; a destroyed row is filled with the archetype's last entity), the same
 * {@link #stateHash()} and the same serialized bytes, on every JVM.
 *
 * <h2>Threads</h2>
 * A world belongs to one thread: the first thread that uses it, until {@link #releaseThread()}. Calls from another
 * thread are caught by assertions ({@code -ea}, on in tests). Structural changes (create, destroy, add, remove)
 * while a query iterates throw {@link IllegalStateException}; record them in a {@link CommandBuffer}.
 */
public final class World {
    final ComponentType[] components;
    private final int[] localIndexByGlobalId;
    final int fieldIdLimit;
    final int chunkCapacity;

    // entity table, indexed by entity index
    int[] generations;
    Chunk[] chunkOf;
    int[] rowOf;
    int nextIndex;
    int[] free;
    int freeCount;

    final List<Archetype> archetypes = new ArrayList<>();
    private final Map<MaskKey, Archetype> archetypeByMask = new HashMap<>();
    final List<Query> queries = new ArrayList<>();
    private final Archetype empty;

    int tick = 1;
    int iterating;

    long[] destroyedHandles = new long[64];
    int[] destroyedTicks = new int[64];
    int destroyedCount;

    long[] removedHandles = new long[64];
    ComponentType[] removedTypes = new ComponentType[64];
    int[] removedTicks = new int[64];
    int removedCount;

    private Thread owner;

    private World(final Builder b) {
        this.components = b.components.toArray(new ComponentType[0]);
        int maxGlobal = 0;
        int maxField = 0;
        for (final ComponentType t : components) {
            maxGlobal = Math.max(maxGlobal, t.globalId + 1);
            for (final Field f : t.fields) {
                maxField = Math.max(maxField, f.globalId + 1);
            }
        }
        this.localIndexByGlobalId = new int[maxGlobal];
        Arrays.fill(localIndexByGlobalId, -1);
        for (int i = 0; i < components.length; i++) {
            localIndexByGlobalId[components[i].globalId] = i;
        }
        this.fieldIdLimit = maxField;
        this.chunkCapacity = b.chunkCapacity;
        final int initial = b.initialEntities;
        this.generations = new int[initial];
        this.chunkOf = new Chunk[initial];
        this.rowOf = new int[initial];
        this.free = new int[Math.max(16, initial / 4)];
        this.empty = archetypeFor(new long[words()]);
    }

    /**
     * A builder; register every component type the world will use.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    // ------------------------------------------------------------------ archetypes

    /**
     * The archetype with exactly these component types (created if needed). Cache it: creating entities from an
     * archetype allocates nothing.
     *
     * @param types registered component types; order does not matter
     * @return the archetype
     */
    public Archetype archetype(final ComponentType... types) {
        assert ownedByCurrentThread() : wrongThread();
        final long[] mask = new long[words()];
        for (final ComponentType t : types) {
            final int local = localIndex(t);
            mask[local >>> 6] |= 1L << local;
        }
        return archetypeFor(mask);
    }

    private int words() {
        return Math.max(1, (components.length + 63) >>> 6);
    }

    private Archetype archetypeFor(final long[] mask) {
        final MaskKey key = new MaskKey(mask);
        Archetype a = archetypeByMask.get(key);
        if (a == null) {
            final List<ComponentType> types = new ArrayList<>();
            for (int i = 0; i < components.length; i++) {
                if ((mask[i >>> 6] & (1L << i)) != 0) {
                    types.add(components[i]);
                }
            }
            a = new Archetype(this, archetypes.size(), mask.clone(), types.toArray(new ComponentType[0]));
            archetypes.add(a);
            archetypeByMask.put(new MaskKey(a.mask), a);
            for (final Query q : queries) {
                q.offer(a);
            }
        }
        return a;
    }

    private Archetype.MoveMap withComponent(final Archetype from, final int local) {
        Archetype.MoveMap map = from.addMoves[local];
        if (map == null) {
            final long[] mask = from.mask.clone();
            mask[local >>> 6] |= 1L << local;
            final Archetype to = archetypeFor(mask);
            from.addEdges[local] = to;
            map = new Archetype.MoveMap(from, to);
            from.addMoves[local] = map;
        }
        return map;
    }

    private Archetype.MoveMap withoutComponent(final Archetype from, final int local) {
        Archetype.MoveMap map = from.removeMoves[local];
        if (map == null) {
            final long[] mask = from.mask.clone();
            mask[local >>> 6] &= ~(1L << local);
            final Archetype to = archetypeFor(mask);
            from.removeEdges[local] = to;
            map = new Archetype.MoveMap(from, to);
            from.removeMoves[local] = map;
        }
        return map;
    }

    /**
     * Archetypes created so far, in creation order (the first is the empty archetype).
     *
     * @return an unmodifiable view
     */
    public List<Archetype> archetypes() {
        return java.util.Collections.unmodifiableList(archetypes);
    }

    // ------------------------------------------------------------------ entities

    /**
     * Creates an entity with the archetype's components, every field 0 (false, null). Allocation-free once the
     * entity table and the archetype's chunks have grown.
     *
     * @param archetype from {@link #archetype(ComponentType...)}
     * @return the new entity's handle
     */
    public long create(final Archetype archetype) {
        assert ownedByCurrentThread() : wrongThread();
        checkNotIterating();
        if (archetype.world != this) {
            throw new IllegalArgumentException(archetype + " belongs to another world");
        }
        final int index = takeIndex();
        final long entity = EntityIds.of(index, generations[index]);
        final Chunk chunk = archetype.chunkForAppend();
        final int row = chunk.size++;
        archetype.size++;
        chunk.entities[row] = entity;
        final Object[] columns = chunk.columns;
        final FieldKind[] kinds = archetype.columnKinds;
        for (int c = 0; c < columns.length; c++) {
            kinds[c].clear(columns[c], row);
        }
        chunk.stampNew(row, tick);
        chunkOf[index] = chunk;
        rowOf[index] = row;
        return entity;
    }

    /**
     * Creates {@code count} entities with the archetype's components, every field 0, and writes their handles to
     * {@code out[offset, offset + count)} in creation order. The same result as calling {@link #create(Archetype)}
     * {@code count} times (same handles, same rows), at a lower cost per entity: columns are cleared and change ticks
     * stamped a range at a time. Allocation-free once the entity table and the archetype's chunks have grown.
     *
     * @param archetype from {@link #archetype(ComponentType...)}
     * @param out receives the new handles
     * @param offset first index of {@code out} written
     * @param count how many entities to create
     */
    public void create(final Archetype archetype, final long[] out, final int offset, final int count) {
        assert ownedByCurrentThread() : wrongThread();
        checkNotIterating();
        if (archetype.world != this) {
            throw new IllegalArgumentException(archetype + " belongs to another world");
        }
        Objects.checkFromIndexSize(offset, count, out.length);
        int done = 0;
        while (done < count) {
            final Chunk chunk = archetype.chunkForAppend();
            final int from = chunk.size;
            final int to = from + Math.min(count - done, chunk.capacity - from);
            chunk.ensureAllocated(to);
            final long[] entities = chunk.entities;
            for (int row = from; row < to; row++) {
                final int index = takeIndex();
                final long entity = EntityIds.of(index, generations[index]);
                entities[row] = entity;
                chunkOf[index] = chunk;
                rowOf[index] = row;
                out[offset + done++] = entity;
            }
            final Object[] columns = chunk.columns;
            final FieldKind[] kinds = archetype.columnKinds;
            for (int c = 0; c < columns.length; c++) {
                kinds[c].clear(columns[c], from, to);
            }
            chunk.stampNew(from, to, tick);
            chunk.size = to;
            archetype.size += to - from;
        }
    }

    /**
     * Creates an entity with no components.
     *
     * @return the new entity's handle
     */
    public long create() {
        return create(empty);
    }

    /** An entity slot for a new entity: the last one freed, or a new one (generation 1). */
    private int takeIndex() {
        if (freeCount > 0) {
            return free[--freeCount];
        }
        final int index = nextIndex++;
        if (index == generations.length) {
            growEntityTable();
        }
        generations[index] = 1;
        return index;
    }

    private void growEntityTable() {
        final int length = generations.length * 2;
        generations = Arrays.copyOf(generations, length);
        chunkOf = Arrays.copyOf(chunkOf, length);
        rowOf = Arrays.copyOf(rowOf, length);
    }

    /**
     * Destroys an entity; its handle becomes stale. The archetype's last entity moves into its row.
     *
     * @param entity a live handle
     * @throws StaleEntityException if the handle is not live
     */
    public void destroy(final long entity) {
        assert ownedByCurrentThread() : wrongThread();
        checkNotIterating();
        final int index = liveIndex(entity);
        final Chunk chunk = chunkOf[index];
        removeRow(chunk, rowOf[index]);
        chunkOf[index] = null;
        int generation = generations[index] + 1;
        if (generation == 0) {
            generation = 1;
        }
        generations[index] = generation;
        if (freeCount == free.length) {
            free = Arrays.copyOf(free, free.length * 2);
        }
        free[freeCount++] = index;
        if (destroyedCount == destroyedHandles.length) {
            destroyedHandles = Arrays.copyOf(destroyedHandles, destroyedCount * 2);
            destroyedTicks = Arrays.copyOf(destroyedTicks, destroyedCount * 2);
        }
        destroyedHandles[destroyedCount] = entity;
        destroyedTicks[destroyedCount] = tick;
        destroyedCount++;
    }

    /**
     * Destroys {@code handles[offset, offset + count)}; their handles become stale and are reported by the destroyed
     * journal in the given order, as if {@link #destroy(long)} had been called for each. Cheaper per entity than
     * one at a time when many entities of an archetype go at once (a despawn wave, a zone unloading): a destroyed row
     * is filled from the archetype's last <em>surviving</em> row, so rows that are destroyed anyway are never copied.
     * The surviving entities may end in other rows than after one-at-a-time destroys (still deterministic: the same
     * calls give the same rows). A handle given twice is destroyed once.
     *
     * @param handles live handles
     * @param offset first index of {@code handles} read
     * @param count how many handles
     * @throws StaleEntityException if any handle is not live; then nothing is destroyed
     */
    public void destroy(final long[] handles, final int offset, final int count) {
        assert ownedByCurrentThread() : wrongThread();
        checkNotIterating();
        Objects.checkFromIndexSize(offset, count, handles.length);
        final int end = offset + count;
        for (int i = offset; i < end; i++) {
            liveIndex(handles[i]);
        }
        // 1. mark each dying row: its entity slot in the chunk becomes NONE
        for (int i = offset; i < end; i++) {
            final int index = EntityIds.index(handles[i]);
            chunkOf[index].entities[rowOf[index]] = EntityIds.NONE;
        }
        // 2. retire each handle and close its row's gap with the archetype's last surviving row
        if (freeCount + count > free.length) {
            free = Arrays.copyOf(free, Math.max(free.length * 2, freeCount + count));
        }
        if (destroyedCount + count > destroyedHandles.length) {
            final int length = Math.max(destroyedHandles.length * 2, destroyedCount + count);
            destroyedHandles = Arrays.copyOf(destroyedHandles, length);
            destroyedTicks = Arrays.copyOf(destroyedTicks, length);
        }
        for (int i = offset; i < end; i++) {
            final long entity = handles[i];
            final int index = EntityIds.index(entity);
            final Chunk chunk = chunkOf[index];
            if (chunk == null) {
                continue; // given twice
            }
            final int row = rowOf[index];
            chunkOf[index] = null;
            int generation = generations[index] + 1;
            if (generation == 0) {
                generation = 1;
            }
            generations[index] = generation;
            free[freeCount++] = index;
            destroyedHandles[destroyedCount] = entity;
            destroyedTicks[destroyedCount] = tick;
            destroyedCount++;

            final Archetype archetype = chunk.archetype;
            while (archetype.usedChunks > 0) {
                final Chunk last = archetype.lastUsedChunk();
                if (last.entities[last.size - 1] != EntityIds.NONE) {
                    break;
                }
                dropLastRow(archetype, last);
            }
            if (chunk.index < archetype.usedChunks && row < chunk.size) {
                final Chunk last = archetype.lastUsedChunk();
                final int lastRow = last.size - 1;
                moveRow(last, lastRow, chunk, row);
                dropLastRow(archetype, last);
            }
        }
    }

    /**
     * Whether the handle names a live entity (not destroyed, not stale).
     *
     * @param entity a handle
     * @return true if live
     */
    public boolean isAlive(final long entity) {
        final int index = EntityIds.index(entity);
        return index >= 0 && index < nextIndex && generations[index] == EntityIds.generation(entity)
            && chunkOf[index] != null;
    }

    /**
     * Live entities.
     *
     * @return the count
     */
    public int entityCount() {
        return nextIndex - freeCount;
    }

    /**
     * Whether a live entity has a component.
     *
     * @param entity a live handle
     * @param type a registered component type
     * @return true if present
     */
    public boolean has(final long entity, final ComponentType type) {
        return chunkOf[liveIndex(entity)].archetype.slotOf(type) >= 0;
    }

    /**
     * The chunk that holds a live entity (valid until the next structural change).
     *
     * @param entity a live handle
     * @return its chunk
     */
    public Chunk chunkOf(final long entity) {
        return chunkOf[liveIndex(entity)];
    }

    /**
     * The row of a live entity in {@link #chunkOf(long)} (valid until the next structural change).
     *
     * @param entity a live handle
     * @return its row
     */
    public int rowOf(final long entity) {
        return rowOf[liveIndex(entity)];
    }

    /**
     * The archetype of a live entity.
     *
     * @param entity a live handle
     * @return its archetype
     */
    public Archetype archetypeOf(final long entity) {
        return chunkOf[liveIndex(entity)].archetype;
    }

    /**
     * Adds a component (fields 0) to a live entity, moving it to another archetype; its other data is kept. Adding a
     * component it already has does nothing.
     *
     * @param entity a live handle
     * @param type a registered component type
     */
    public void add(final long entity, final ComponentType type) {
        assert ownedByCurrentThread() : wrongThread();
        checkNotIterating();
        final int index = liveIndex(entity);
        final Archetype from = chunkOf[index].archetype;
        final int local = localIndex(type);
        if (from.slotOfComponent[local] >= 0) {
            return;
        }
        move(index, withComponent(from, local));
    }

    /**
     * Removes a component from a live entity, moving it to another archetype; its other data is kept. Removing a
     * component it does not have does nothing.
     *
     * @param entity a live handle
     * @param type a registered component type
     */
    public void remove(final long entity, final ComponentType type) {
        assert ownedByCurrentThread() : wrongThread();
        checkNotIterating();
        final int index = liveIndex(entity);
        final Archetype from = chunkOf[index].archetype;
        final int local = localIndex(type);
        if (from.slotOfComponent[local] < 0) {
            return;
        }
        move(index, withoutComponent(from, local));
        if (removedCount == removedHandles.length) {
            removedHandles = Arrays.copyOf(removedHandles, removedCount * 2);
            removedTypes = Arrays.copyOf(removedTypes, removedCount * 2);
            removedTicks = Arrays.copyOf(removedTicks, removedCount * 2);
        }
        removedHandles[removedCount] = entity;
        removedTypes[removedCount] = type;
        removedTicks[removedCount] = tick;
        removedCount++;
    }

    private void move(final int index, final Archetype.MoveMap map) {
        final Archetype to = map.to;
        final Chunk src = chunkOf[index];
        final int srcRow = rowOf[index];
        final Chunk dst = to.chunkForAppend();
        final int row = dst.size++;
        to.size++;
        dst.entities[row] = src.entities[srcRow];
        final FieldKind[] kinds = to.columnKinds;
        final int[] srcColumn = map.srcColumn;
        for (int c = 0; c < kinds.length; c++) {
            final int sc = srcColumn[c];
            if (sc >= 0) {
                kinds[c].copy(src.columns[sc], srcRow, dst.columns[c], row);
            } else {
                kinds[c].clear(dst.columns[c], row);
            }
        }
        final int t = tick;
        final int[] srcSlot = map.srcSlot;
        for (int s = 0; s < srcSlot.length; s++) {
            final int ss = srcSlot[s];
            if (ss >= 0) {
                dst.receive(s, row, src.effectiveChanged(ss, srcRow), src.added[ss][srcRow]);
            } else {
                dst.receive(s, row, t, t);
            }
        }
        dst.arrived(row, t);
        removeRow(src, srcRow);
        chunkOf[index] = dst;
        rowOf[index] = row;
    }

    /** Removes a row by moving the archetype's last entity into it. */
    private void removeRow(final Chunk chunk, final int row) {
        final Archetype archetype = chunk.archetype;
        final Chunk last = archetype.lastUsedChunk();
        final int lastRow = last.size - 1;
        if (last != chunk || lastRow != row) {
            moveRow(last, lastRow, chunk, row);
        }
        dropLastRow(archetype, last);
    }

    /** Moves the entity of {@code (last, lastRow)} with its data and ticks into {@code (chunk, row)} of the same archetype. */
    private void moveRow(final Chunk last, final int lastRow, final Chunk chunk, final int row) {
        final long moved = last.entities[lastRow];
        chunk.entities[row] = moved;
        final FieldKind[] kinds = chunk.archetype.columnKinds;
        for (int c = 0; c < kinds.length; c++) {
            kinds[c].copy(last.columns[c], lastRow, chunk.columns[c], row);
        }
        if (chunk == last) {
            for (int s = 0; s < chunk.changed.length; s++) {
                chunk.moveWithin(s, lastRow, row);
            }
        } else {
            for (int s = 0; s < chunk.changed.length; s++) {
                chunk.receive(s, row, last.effectiveChanged(s, lastRow), last.added[s][lastRow]);
            }
        }
        chunk.arrived(row, tick);
        final int movedIndex = EntityIds.index(moved);
        chunkOf[movedIndex] = chunk;
        rowOf[movedIndex] = row;
    }

    /** Forgets the archetype's last row ({@code last} is its last used chunk). */
    private static void dropLastRow(final Archetype archetype, final Chunk last) {
        final int lastRow = last.size - 1;
        if (archetype.hasRefColumns) {
            final FieldKind[] kinds = archetype.columnKinds;
            for (int c = 0; c < kinds.length; c++) {
                if (kinds[c] == FieldKind.REF) {
                    kinds[c].clear(last.columns[c], lastRow);
                }
            }
        }
        last.size--;
        archetype.size--;
        if (last.size == 0) {
            archetype.usedChunks--;
            Arrays.fill(last.maxChanged, 0);
            Arrays.fill(last.maxAdded, 0);
            Arrays.fill(last.bulkChanged, 0);
        }
    }

    int liveIndex(final long entity) {
        final int index = EntityIds.index(entity);
        if (index < 0 || index >= nextIndex || generations[index] != EntityIds.generation(entity) || chunkOf[index] == null) {
            throw stale(entity);
        }
        return index;
    }

    private StaleEntityException stale(final long entity) {
        final int index = EntityIds.index(entity);
        if (entity == EntityIds.NONE) {
            return new StaleEntityException("entity handle is NONE (0)");
        }
        if (index < 0 || index >= nextIndex) {
            return new StaleEntityException("entity " + EntityIds.toString(entity) + " was never created in this world");
        }
        return new StaleEntityException("entity " + EntityIds.toString(entity) + " is stale: slot " + index
            + (chunkOf[index] == null ? " is free" : " now holds generation " + Integer.toUnsignedString(generations[index])));
    }

    // ------------------------------------------------------------------ fields

    /**
     * Reads a field.
     *
     * @param entity a live handle
     * @param field a field of a component the entity has
     * @return the value
     */
    public float get(final long entity, final FloatField field) {
        final int index = liveIndex(entity);
        final Chunk c = chunkOf[index];
        return ((float[]) c.columns[c.column(field)])[rowOf[index]];
    }

    /**
     * Writes a field and stamps its component changed at the current tick.
     *
     * @param entity a live handle
     * @param field a field of a component the entity has
     * @param value the value
     */
    public void set(final long entity, final FloatField field, final float value) {
        assert ownedByCurrentThread() : wrongThread();
        final int index = liveIndex(entity);
        final Chunk c = chunkOf[index];
        final int column = c.column(field);
        final int row = rowOf[index];
        ((float[]) c.columns[column])[row] = value;
        stamp(c, column, row);
    }

    /**
     * Reads a field.
     *
     * @param entity a live handle
     * @param field a field of a component the entity has
     * @return the value
     */
    public double get(final long entity, final DoubleField field) {
        final int index = liveIndex(entity);
        final Chunk c = chunkOf[index];
        return ((double[]) c.columns[c.column(field)])[rowOf[index]];
    }

    /**
     * Writes a field and stamps its component changed.
     *
     * @param entity a live handle
     * @param field a field of a component the entity has
     * @param value the value
     */
    public void set(final long entity, final DoubleField field, final double value) {
        assert ownedByCurrentThread() : wrongThread();
        final int index = liveIndex(entity);
        final Chunk c = chunkOf[index];
        final int column = c.column(field);
        ((double[]) c.columns[column])[rowOf[index]] = value;
        stamp(c, column, rowOf[index]);
    }

    /**
     * Reads a field.
     *
     * @param entity a live handle
     * @param field a field of a component the entity has
     * @return the value
     */
    public int get(final long entity, final IntField field) {
        final int index = liveIndex(entity);
        final Chunk c = chunkOf[index];
        return ((int[]) c.columns[c.column(field)])[rowOf[index]];
    }

    /**
     * Writes a field and stamps its component changed.
     *
     * @param entity a live handle
     * @param field a field of a component the entity has
     * @param value the value
     */
    public void set(final long entity, final IntField field, final int value) {
        assert ownedByCurrentThread() : wrongThread();
        final int index = liveIndex(entity);
        final Chunk c = chunkOf[index];
        final int column = c.column(field);
        ((int[]) c.columns[column])[rowOf[index]] = value;
        stamp(c, column, rowOf[index]);
    }

    /**
     * Reads a field.
     *
     * @param entity a live handle
     * @param field a field of a component the entity has
     * @return the value
     */
    public long get(final long entity, final LongField field) {
        final int index = liveIndex(entity);
        final Chunk c = chunkOf[index];
        return ((long[]) c.columns[c.column(field)])[rowOf[index]];
    }

    /**
     * Writes a field and stamps its component changed.
     *
     * @param entity a live handle
     * @param field a field of a component the entity has
     * @param value the value
     */
    public void set(final long entity, final LongField field, final long value) {
        assert ownedByCurrentThread() : wrongThread();
        final int index = liveIndex(entity);
        final Chunk c = chunkOf[index];
        final int column = c.column(field);
        ((long[]) c.columns[column])[rowOf[index]] = value;
        stamp(c, column, rowOf[index]);
    }

    /**
     * Reads a field.
     *
     * @param entity a live handle
     * @param field a field of a component the entity has
     * @return the value
     */
    public short get(final long entity, final ShortField field) {
        final int index = liveIndex(entity);
        final Chunk c = chunkOf[index];
        return ((short[]) c.columns[c.column(field)])[rowOf[index]];
    }

    /**
     * Writes a field and stamps its component changed.
     *
     * @param entity a live handle
     * @param field a field of a component the entity has
     * @param value the value
     */
    public void set(final long entity, final ShortField field, final short value) {
        assert ownedByCurrentThread() : wrongThread();
        final int index = liveIndex(entity);
        final Chunk c = chunkOf[index];
        final int column = c.column(field);
        ((short[]) c.columns[column])[rowOf[index]] = value;
        stamp(c, column, rowOf[index]);
    }

    /**
     * Reads a field.
     *
     * @param entity a live handle
     * @param field a field of a component the entity has
     * @return the value
     */
    public byte get(final long entity, final ByteField field) {
        final int index = liveIndex(entity);
        final Chunk c = chunkOf[index];
        return ((byte[]) c.columns[c.column(field)])[rowOf[index]];
    }

    /**
     * Writes a field and stamps its component changed.
     *
     * @param entity a live handle
     * @param field a field of a component the entity has
     * @param value the value
     */
    public void set(final long entity, final ByteField field, final byte value) {
        assert ownedByCurrentThread() : wrongThread();
        final int index = liveIndex(entity);
        final Chunk c = chunkOf[index];
        final int column = c.column(field);
        ((byte[]) c.columns[column])[rowOf[index]] = value;
        stamp(c, column, rowOf[index]);
    }

    /**
     * Reads a field.
     *
     * @param entity a live handle
     * @param field a field of a component the entity has
     * @return the value
     */
    public boolean get(final long entity, final BoolField field) {
        final int index = liveIndex(entity);
        final Chunk c = chunkOf[index];
        return ((boolean[]) c.columns[c.column(field)])[rowOf[index]];
    }

    /**
     * Writes a field and stamps its component changed.
     *
     * @param entity a live handle
     * @param field a field of a component the entity has
     * @param value the value
     */
    public void set(final long entity, final BoolField field, final boolean value) {
        assert ownedByCurrentThread() : wrongThread();
        final int index = liveIndex(entity);
        final Chunk c = chunkOf[index];
        final int column = c.column(field);
        ((boolean[]) c.columns[column])[rowOf[index]] = value;
        stamp(c, column, rowOf[index]);
    }

    /**
     * Reads an object field.
     *
     * @param entity a live handle
     * @param field a field of a component the entity has
     * @param <T> the value's type
     * @return the value, or null
     */
    public <T> T get(final long entity, final RefField<T> field) {
        final int index = liveIndex(entity);
        final Chunk c = chunkOf[index];
        return field.type.cast(((Object[]) c.columns[c.column(field)])[rowOf[index]]);
    }

    /**
     * Writes an object field and stamps its component changed.
     *
     * @param entity a live handle
     * @param field a field of a component the entity has
     * @param value the value, or null
     * @param <T> the value's type
     */
    public <T> void set(final long entity, final RefField<T> field, final T value) {
        assert ownedByCurrentThread() : wrongThread();
        final int index = liveIndex(entity);
        final Chunk c = chunkOf[index];
        final int column = c.column(field);
        ((Object[]) c.columns[column])[rowOf[index]] = value;
        stamp(c, column, rowOf[index]);
    }

    /** Sets a field from its raw bits (used by command buffers and serialization); stamps the component. */
    void setBits(final long entity, final Field field, final long bits) {
        final int index = liveIndex(entity);
        final Chunk c = chunkOf[index];
        final int column = c.column(field);
        field.kind.setBits(c.columns[column], rowOf[index], bits);
        stamp(c, column, rowOf[index]);
    }

    private void stamp(final Chunk c, final int column, final int row) {
        c.stamp(c.archetype.columnSlot[column], row, tick);
    }

    // ------------------------------------------------------------------ ticks

    /**
     * The current tick: writes now are stamped with it. Starts at 1; 0 means "never".
     *
     * @return the tick
     */
    public int tick() {
        return tick;
    }

    /**
     * Moves to the next tick (a {@link Schedule} does this after running its systems).
     *
     * @return the new tick
     */
    public int advanceTick() {
        assert ownedByCurrentThread() : wrongThread();
        return ++tick;
    }

    /**
     * Reports every entity destroyed after tick {@code since}, in the order they were destroyed.
     *
     * @param since a tick
     * @param consumer receives the stale handles
     */
    public void forEachDestroyedSince(final int since, final LongConsumer consumer) {
        int i = destroyedCount;
        while (i > 0 && destroyedTicks[i - 1] - since > 0) {
            i--;
        }
        for (; i < destroyedCount; i++) {
            consumer.accept(destroyedHandles[i]);
        }
    }

    /** Receives one component removal. */
    @FunctionalInterface
    public interface RemovalConsumer {
        /**
         * One removal.
         *
         * @param entity the entity (it may have been destroyed since)
         * @param type the component removed from it
         */
        void accept(long entity, ComponentType type);
    }

    /**
     * Reports every component removed (by {@link #remove}) after tick {@code since}, in order. Components of destroyed
     * entities are not listed here: see {@link #forEachDestroyedSince}.
     *
     * @param since a tick
     * @param consumer receives the entity and the component type
     */
    public void forEachRemovedSince(final int since, final RemovalConsumer consumer) {
        int i = removedCount;
        while (i > 0 && removedTicks[i - 1] - since > 0) {
            i--;
        }
        for (; i < removedCount; i++) {
            consumer.accept(removedHandles[i], removedTypes[i]);
        }
    }

    /**
     * Forgets destroyed entities and removed components recorded at or before {@code tick} (call it once every client
     * acknowledged a later tick, to bound memory).
     *
     * @param tick a tick
     */
    public void forgetDestroyedUpTo(final int tick) {
        int keepFrom = 0;
        while (keepFrom < destroyedCount && destroyedTicks[keepFrom] - tick <= 0) {
            keepFrom++;
        }
        System.arraycopy(destroyedHandles, keepFrom, destroyedHandles, 0, destroyedCount - keepFrom);
        System.arraycopy(destroyedTicks, keepFrom, destroyedTicks, 0, destroyedCount - keepFrom);
        destroyedCount -= keepFrom;
        int keepRemoved = 0;
        while (keepRemoved < removedCount && removedTicks[keepRemoved] - tick <= 0) {
            keepRemoved++;
        }
        System.arraycopy(removedHandles, keepRemoved, removedHandles, 0, removedCount - keepRemoved);
        System.arraycopy(removedTypes, keepRemoved, removedTypes, 0, removedCount - keepRemoved);
        System.arraycopy(removedTicks, keepRemoved, removedTicks, 0, removedCount - keepRemoved);
        Arrays.fill(removedTypes, removedCount - keepRemoved, removedCount, null);
        removedCount -= keepRemoved;
    }

    // ------------------------------------------------------------------ queries, snapshots, hashes

    /**
     * A scratch buffer for {@link Chunk#changedSince}, {@link Chunk#addedSince} and the queries' {@code *Since}
     * iteration, large enough for any chunk of this world. Allocate once and reuse.
     *
     * @return a new buffer of chunk capacity + 64 entries
     */
    public int[] newRowBuffer() {
        return new int[chunkCapacity + Chunk.ROW_SLACK];
    }

    /**
     * Starts a query.
     *
     * @return a builder
     */
    public Query.Builder query() {
        return new Query.Builder(this);
    }

    /**
     * A copy of the whole world's state (columns, change ticks, entity table, tick), into a new snapshot.
     *
     * @return the snapshot
     */
    public WorldSnapshot snapshot() {
        return snapshot(new WorldSnapshot());
    }

    /**
     * A copy of the whole world's state into {@code into}, reusing its arrays (a ring of snapshots for rollback
     * allocates nothing once its arrays have grown).
     *
     * @param into a snapshot of this world, or a new one
     * @return {@code into}
     */
    public WorldSnapshot snapshot(final WorldSnapshot into) {
        assert ownedByCurrentThread() : wrongThread();
        checkNotIterating();
        into.capture(this);
        return into;
    }

    /**
     * Puts the world back into the state of {@code snapshot}. Entities created since are gone, destroyed ones are
     * back with the same handles; archetypes created since stay (empty).
     *
     * @param snapshot a snapshot of this world
     */
    public void restore(final WorldSnapshot snapshot) {
        assert ownedByCurrentThread() : wrongThread();
        checkNotIterating();
        snapshot.restoreInto(this);
    }

    /**
     * A 64-bit hash of the state: every live entity's handle and every field of every component, in iteration
     * order, plus the current tick. Allocation-free. Equal worlds hash equal on every JVM.
     *
     * @return the hash
     */
    public long stateHash() {
        return StateHashes.hashWorld(this);
    }

    /**
     * Hashes per archetype, chunk and component, to narrow down where two worlds differ.
     *
     * @return the hashes
     */
    public StateHashes stateHashes() {
        return StateHashes.of(this);
    }

    // ------------------------------------------------------------------ threads and helpers

    /** Lets another thread take the world over (the next thread that uses it becomes its owner). */
    public void releaseThread() {
        owner = null;
    }

    boolean ownedByCurrentThread() {
        final Thread current = Thread.currentThread();
        if (owner == null) {
            owner = current;
            return true;
        }
        return owner == current;
    }

    String wrongThread() {
        return "world is owned by thread '" + owner.getName() + "', called from '" + Thread.currentThread().getName()
            + "'; hand it over with releaseThread()";
    }

    void checkNotIterating() {
        if (iterating > 0) {
            throw new IllegalStateException("structural change while a query iterates; record it in a CommandBuffer");
        }
    }

    int localIndex(final ComponentType type) {
        final int local = localIndexOrMinusOne(type);
        if (local < 0) {
            throw new IllegalArgumentException("component " + type + " is not registered in this world; register it in "
                + "World.builder().components(...)");
        }
        return local;
    }

    int localIndexOrMinusOne(final ComponentType type) {
        final int id = type.globalId;
        return id < localIndexByGlobalId.length ? localIndexByGlobalId[id] : -1;
    }

    /**
     * The registered component types, in registration order.
     *
     * @return an unmodifiable list
     */
    public List<ComponentType> components() {
        return List.of(components);
    }

    @Override
    public String toString() {
        return "World{entities=" + entityCount() + ", archetypes=" + archetypes.size() + ", tick=" + tick + "}";
    }

    private record MaskKey(long[] mask) {
        @Override
        public boolean equals(final Object o) {
            return o instanceof MaskKey k && Arrays.equals(mask, k.mask);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(mask);
        }

        @Override
        public String toString() {
            return Arrays.toString(mask);
        }
    }

    /** Settings of a {@link World}. */
    public static final class Builder {
        private final List<ComponentType> components = new ArrayList<>();
        private int chunkCapacity = 4096;
        private int initialEntities = 1024;

        private Builder() {
        }

        /**
         * Registers component types; their order is part of the world's deterministic layout.
         *
         * @param types component types, each once
         * @return this
         */
        public Builder components(final ComponentType... types) {
            for (final ComponentType t : types) {
                Objects.requireNonNull(t, "component type");
                for (final ComponentType existing : components) {
                    if (existing == t) {
                        throw new IllegalArgumentException("component " + t + " is registered twice");
                    }
                    if (existing.name().equals(t.name())) {
                        throw new IllegalArgumentException("two component types are named '" + t.name() + "'");
                    }
                }
                components.add(t);
            }
            return this;
        }

        /**
         * Entities per chunk.
         *
         * @param capacity a power of two in [64, 65536]
         * @return this
         */
        public Builder chunkCapacity(final int capacity) {
            if (capacity < 64 || capacity > 65536 || Integer.bitCount(capacity) != 1) {
                throw new IllegalArgumentException("chunkCapacity must be a power of two in [64, 65536], was " + capacity);
            }
            this.chunkCapacity = capacity;
            return this;
        }

        /**
         * Initial size of the entity table (it grows as needed).
         *
         * @param count at least 16
         * @return this
         */
        public Builder initialEntities(final int count) {
            if (count < 16) {
                throw new IllegalArgumentException("initialEntities must be >= 16, was " + count);
            }
            this.initialEntities = count;
            return this;
        }

        /**
         * Builds the world.
         *
         * @return a new, empty world
         */
        public World build() {
            return new World(this);
        }
    }
}

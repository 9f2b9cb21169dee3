package org.mmosdk.ecs;

import java.util.Arrays;
import java.util.List;

/**
 * The set of entities that have exactly the same component types, stored together in {@link Chunk}s with one
 * contiguous column per field. Archetypes are created by the world as needed and never removed; their index is
 * their creation order, which is part of the world's deterministic iteration order.
 *
 * <p>Threads: owned by its {@link World}'s thread.
 */
public final class Archetype {
    final World world;
    final int index;
    final long[] mask;
    final ComponentType[] types;
    /** per world-local component index: slot in this archetype, or -1. */
    final int[] slotOfComponent;
    final Field[] columnFields;
    final FieldKind[] columnKinds;
    final int[] columnSlot;
    /** per field global id: column index, or -1 (sized to the world's field id limit). */
    final int[] columnOfField;
    final boolean hasRefColumns;
    final Archetype[] addEdges;
    final Archetype[] removeEdges;
    /** per world-local component index: how rows move to addEdges[i] / removeEdges[i]. */
    final MoveMap[] addMoves;
    final MoveMap[] removeMoves;

    Chunk[] chunks = new Chunk[1];
    int chunkCount;
    /** chunks [0, usedChunks) hold entities; all but the last used one are full. */
    int usedChunks;
    int size;

    Archetype(final World world, final int index, final long[] mask, final ComponentType[] types) {
        this.world = world;
        this.index = index;
        this.mask = mask;
        this.types = types;
        this.slotOfComponent = new int[world.components.length];
        Arrays.fill(slotOfComponent, -1);
        int columns = 0;
        for (int s = 0; s < types.length; s++) {
            slotOfComponent[world.localIndex(types[s])] = s;
            columns += types[s].fields.length;
        }
        this.columnFields = new Field[columns];
        this.columnKinds = new FieldKind[columns];
        this.columnSlot = new int[columns];
        this.columnOfField = new int[world.fieldIdLimit];
        Arrays.fill(columnOfField, -1);
        int c = 0;
        for (int s = 0; s < types.length; s++) {
            for (final Field f : types[s].fields) {
                columnFields[c] = f;
                columnKinds[c] = f.kind;
                columnSlot[c] = s;
                columnOfField[f.globalId] = c;
                c++;
            }
        }
        boolean refs = false;
        for (final FieldKind kind : columnKinds) {
            refs |= kind == FieldKind.REF;
        }
        this.hasRefColumns = refs;
        this.addEdges = new Archetype[world.components.length];
        this.removeEdges = new Archetype[world.components.length];
        this.addMoves = new MoveMap[world.components.length];
        this.removeMoves = new MoveMap[world.components.length];
    }

    /**
     * The component types, in the world's registration order.
     *
     * @return an unmodifiable list
     */
    public List<ComponentType> types() {
        return List.of(types);
    }

    /**
     * Whether entities of this archetype have {@code type}.
     *
     * @param type a component type
     * @return true if present
     */
    public boolean has(final ComponentType type) {
        final int local = world.localIndexOrMinusOne(type);
        return local >= 0 && slotOfComponent[local] >= 0;
    }

    /**
     * The number of entities.
     *
     * @return entity count
     */
    public int size() {
        return size;
    }

    /**
     * Creation index in its world.
     *
     * @return the index
     */
    public int index() {
        return index;
    }

    /**
     * Chunks that hold entities.
     *
     * @return the count
     */
    public int chunkCount() {
        return usedChunks;
    }

    /**
     * A chunk that holds entities.
     *
     * @param i in [0, {@link #chunkCount()})
     * @return the chunk
     */
    public Chunk chunk(final int i) {
        if (i < 0 || i >= usedChunks) {
            throw new IndexOutOfBoundsException("chunk " + i + " of " + usedChunks);
        }
        return chunks[i];
    }

    int slotOf(final ComponentType type) {
        final int local = world.localIndexOrMinusOne(type);
        return local < 0 ? -1 : slotOfComponent[local];
    }

    /** The chunk that receives the next entity, creating or growing one if needed. */
    Chunk chunkForAppend() {
        if (usedChunks > 0) {
            final Chunk last = chunks[usedChunks - 1];
            if (last.size < last.capacity) {
                last.ensureAllocated(last.size + 1);
                return last;
            }
        }
        if (usedChunks == chunkCount) {
            if (chunkCount == chunks.length) {
                chunks = Arrays.copyOf(chunks, chunkCount * 2);
            }
            chunks[chunkCount] = new Chunk(this, chunkCount, world.chunkCapacity);
            chunkCount++;
        }
        final Chunk next = chunks[usedChunks++];
        next.ensureAllocated(1);
        return next;
    }

    /** Where each column and component slot of {@code to} comes from in this archetype (-1: new). */
    static final class MoveMap {
        final Archetype to;
        final int[] srcColumn;
        final int[] srcSlot;

        MoveMap(final Archetype from, final Archetype to) {
            this.to = to;
            this.srcColumn = new int[to.columnFields.length];
            for (int c = 0; c < srcColumn.length; c++) {
                srcColumn[c] = from.columnOfField[to.columnFields[c].globalId];
            }
            this.srcSlot = new int[to.types.length];
            for (int s = 0; s < srcSlot.length; s++) {
                srcSlot[s] = from.slotOf(to.types[s]);
            }
        }
    }

    Chunk lastUsedChunk() {
        return chunks[usedChunks - 1];
    }

    @Override
    public String toString() {
        return "Archetype" + Arrays.toString(types);
    }
}

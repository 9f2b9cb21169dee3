package org.mmosdk.ecs;

import java.util.Arrays;

/**
 * A copy of a {@link World}'s state: the columns, change ticks and entity handles of every chunk, the entity table
 * and the current tick — arrays, not an object graph. Reuse one for a ring of past states:
 * {@code world.snapshot(ring[frame % n])} allocates nothing once its arrays have grown.
 *
 * <p>Object ({@link RefField}) columns are copied by reference. Threads: used with its world, on its thread.
 */
public final class WorldSnapshot {
    private World world;
    private int tick;
    private int nextIndex;
    private int freeCount;
    private int destroyedCount;
    private int removedCount;
    private int[] generations = new int[0];
    private Chunk[] chunkOf = new Chunk[0];
    private int[] rowOf = new int[0];
    private int[] free = new int[0];
    private int archetypeCount;
    private int[] usedChunks = new int[0];
    private int[] archetypeSizes = new int[0];
    private ChunkCopy[][] chunks = new ChunkCopy[0][];

    /** An empty snapshot; fill it with {@link World#snapshot(WorldSnapshot)}. */
    public WorldSnapshot() {
    }

    /**
     * The tick at which it was taken.
     *
     * @return the tick
     */
    public int tick() {
        return tick;
    }

    void capture(final World w) {
        world = w;
        tick = w.tick;
        nextIndex = w.nextIndex;
        freeCount = w.freeCount;
        destroyedCount = w.destroyedCount;
        removedCount = w.removedCount;
        generations = copy(w.generations, generations, nextIndex);
        rowOf = copy(w.rowOf, rowOf, nextIndex);
        if (chunkOf.length < nextIndex) {
            chunkOf = new Chunk[w.chunkOf.length];
        }
        System.arraycopy(w.chunkOf, 0, chunkOf, 0, nextIndex);
        free = copy(w.free, free, freeCount);
        archetypeCount = w.archetypes.size();
        if (usedChunks.length < archetypeCount) {
            usedChunks = Arrays.copyOf(usedChunks, archetypeCount * 2);
            archetypeSizes = Arrays.copyOf(archetypeSizes, archetypeCount * 2);
            chunks = Arrays.copyOf(chunks, archetypeCount * 2);
        }
        for (int a = 0; a < archetypeCount; a++) {
            final Archetype archetype = w.archetypes.get(a);
            usedChunks[a] = archetype.usedChunks;
            archetypeSizes[a] = archetype.size;
            ChunkCopy[] copies = chunks[a];
            if (copies == null || copies.length < archetype.usedChunks) {
                copies = copies == null ? new ChunkCopy[Math.max(1, archetype.usedChunks)]
                    : Arrays.copyOf(copies, archetype.usedChunks);
                chunks[a] = copies;
            }
            for (int c = 0; c < archetype.usedChunks; c++) {
                if (copies[c] == null) {
                    copies[c] = new ChunkCopy();
                }
                copies[c].capture(archetype.chunks[c]);
            }
        }
    }

    void restoreInto(final World w) {
        if (world != w) {
            throw new IllegalArgumentException(world == null ? "snapshot is empty" : "snapshot belongs to another world");
        }
        w.tick = tick;
        if (w.generations.length < nextIndex) {
            throw new IllegalStateException("entity table shrank below the snapshot; cannot happen");
        }
        System.arraycopy(generations, 0, w.generations, 0, nextIndex);
        System.arraycopy(rowOf, 0, w.rowOf, 0, nextIndex);
        System.arraycopy(chunkOf, 0, w.chunkOf, 0, nextIndex);
        for (int i = nextIndex; i < w.nextIndex; i++) {
            w.chunkOf[i] = null;
        }
        w.nextIndex = nextIndex;
        if (w.free.length < freeCount) {
            w.free = Arrays.copyOf(w.free, free.length);
        }
        System.arraycopy(free, 0, w.free, 0, freeCount);
        w.freeCount = freeCount;
        w.destroyedCount = Math.min(w.destroyedCount, destroyedCount);
        w.removedCount = Math.min(w.removedCount, removedCount);
        for (int a = 0; a < w.archetypes.size(); a++) {
            final Archetype archetype = w.archetypes.get(a);
            if (a >= archetypeCount) {
                for (int c = 0; c < archetype.usedChunks; c++) {
                    archetype.chunks[c].size = 0;
                }
                archetype.usedChunks = 0;
                archetype.size = 0;
                continue;
            }
            for (int c = usedChunks[a]; c < archetype.usedChunks; c++) {
                archetype.chunks[c].size = 0;
            }
            archetype.usedChunks = usedChunks[a];
            archetype.size = archetypeSizes[a];
            for (int c = 0; c < usedChunks[a]; c++) {
                chunks[a][c].restore(archetype.chunks[c]);
            }
        }
        for (final Archetype archetype : w.archetypes) {
            for (int c = 0; c < archetype.chunkCount; c++) {
                archetype.chunks[c].afterRestore(tick);
            }
        }
    }

    private static int[] copy(final int[] from, final int[] into, final int length) {
        final int[] target = into.length >= length ? into : new int[Math.max(length, from.length)];
        System.arraycopy(from, 0, target, 0, length);
        return target;
    }

    /** The rows of one chunk. */
    private static final class ChunkCopy {
        int size;
        long[] entities = new long[0];
        Object[] columns;
        int[][] changed;
        int[][] added;
        int[] maxChanged;
        int[] maxAdded;
        int[] bulkChanged;

        void capture(final Chunk chunk) {
            size = chunk.size;
            if (entities.length < size) {
                entities = new long[chunk.allocated];
            }
            System.arraycopy(chunk.entities, 0, entities, 0, size);
            final FieldKind[] kinds = chunk.archetype.columnKinds;
            if (columns == null) {
                columns = new Object[kinds.length];
                changed = new int[chunk.changed.length][];
                added = new int[chunk.changed.length][];
                maxChanged = new int[chunk.changed.length];
                maxAdded = new int[chunk.changed.length];
                bulkChanged = new int[chunk.changed.length];
            }
            for (int c = 0; c < kinds.length; c++) {
                if (columns[c] == null || java.lang.reflect.Array.getLength(columns[c]) < size) {
                    columns[c] = kinds[c].newColumn(chunk.allocated);
                }
                System.arraycopy(chunk.columns[c], 0, columns[c], 0, size);
            }
            for (int s = 0; s < changed.length; s++) {
                if (changed[s] == null || changed[s].length < size) {
                    changed[s] = new int[chunk.allocated];
                    added[s] = new int[chunk.allocated];
                }
                System.arraycopy(chunk.changed[s], 0, changed[s], 0, size);
                System.arraycopy(chunk.added[s], 0, added[s], 0, size);
            }
            System.arraycopy(chunk.maxChanged, 0, maxChanged, 0, maxChanged.length);
            System.arraycopy(chunk.maxAdded, 0, maxAdded, 0, maxAdded.length);
            System.arraycopy(chunk.bulkChanged, 0, bulkChanged, 0, bulkChanged.length);
        }

        void restore(final Chunk chunk) {
            chunk.ensureAllocated(size);
            chunk.size = size;
            System.arraycopy(entities, 0, chunk.entities, 0, size);
            for (int c = 0; c < columns.length; c++) {
                System.arraycopy(columns[c], 0, chunk.columns[c], 0, size);
            }
            for (int s = 0; s < changed.length; s++) {
                System.arraycopy(changed[s], 0, chunk.changed[s], 0, size);
                System.arraycopy(added[s], 0, chunk.added[s], 0, size);
            }
            System.arraycopy(maxChanged, 0, chunk.maxChanged, 0, maxChanged.length);
            System.arraycopy(maxAdded, 0, chunk.maxAdded, 0, maxAdded.length);
            System.arraycopy(bulkChanged, 0, chunk.bulkChanged, 0, bulkChanged.length);
        }
    }
}

package org.mmosdk.sync;

import java.util.Arrays;

/**
 * A uniform grid rebuilt every tick: entities are added ({@link #add}), then bucketed by cell ({@link #build}: an
 * open-addressing table from cell key to a run of a cell-sorted copy of the positions, filled by a counting sort), and
 * a radius query visits only the cells the circle overlaps, scanning each cell's run in order. Cost: O(entities) to
 * rebuild plus O(cells in range + entities in them) per query. Allocation-free once grown.
 */
final class SpatialGrid {
    private final float cellSize;
    private final float inverseCell;

    private int count;
    private float[] xs = new float[256];
    private float[] ys = new float[256];
    /** Per entity, its cell's slot in the table. */
    private int[] slotOf = new int[256];
    /** The positions sorted by cell, and the dense index of each. */
    private float[] sortedXs = new float[256];
    private float[] sortedYs = new float[256];
    private int[] sortedIndex = new int[256];

    private long[] keys = new long[512];
    /** Per slot: entities in the cell while adding; after {@link #build}, the end of its run. */
    private int[] ends = new int[512];
    /** Per slot, after {@link #build}: the start of its run. */
    private int[] starts = new int[512];
    private int[] epochs = new int[512];
    private int[] usedSlots = new int[512];
    private int usedCount;
    private int epoch = 1;
    private int tableMask = 511;

    SpatialGrid(final float cellSize) {
        this.cellSize = cellSize;
        this.inverseCell = 1f / cellSize;
    }

    float cellSize() {
        return cellSize;
    }

    /** Starts a rebuild for about {@code expected} entities. */
    void clear(final int expected) {
        count = 0;
        usedCount = 0;
        if (expected * 2 > keys.length) {
            final int size = Integer.highestOneBit(Math.max(512, expected * 4 - 1)) << 1;
            keys = new long[size];
            ends = new int[size];
            starts = new int[size];
            epochs = new int[size];
            usedSlots = new int[size];
            tableMask = size - 1;
            epoch = 1;
        } else if (++epoch == 0) {
            Arrays.fill(epochs, 0);
            epoch = 1;
        }
    }

    /** Adds the entity with dense index {@code count()} at (x, y); returns its dense index. */
    int add(final float x, final float y) {
        final int i = count++;
        if (i == xs.length) {
            final int n = i * 2;
            xs = Arrays.copyOf(xs, n);
            ys = Arrays.copyOf(ys, n);
            slotOf = Arrays.copyOf(slotOf, n);
            sortedXs = new float[n];
            sortedYs = new float[n];
            sortedIndex = new int[n];
        }
        xs[i] = x;
        ys[i] = y;
        final long key = key(cell(x), cell(y));
        int slot = slot(key);
        while (epochs[slot] == epoch && keys[slot] != key) {
            slot = (slot + 1) & tableMask;
        }
        if (epochs[slot] != epoch) {
            epochs[slot] = epoch;
            keys[slot] = key;
            ends[slot] = 0;
            usedSlots[usedCount++] = slot;
        }
        ends[slot]++;
        slotOf[i] = slot;
        return i;
    }

    /** Ends a rebuild: sorts the entities added by cell (a counting sort), so that queries scan runs. */
    void build() {
        int at = 0;
        for (int u = 0; u < usedCount; u++) {
            final int slot = usedSlots[u];
            starts[slot] = at;
            at += ends[slot];
            ends[slot] = starts[slot];
        }
        for (int i = 0; i < count; i++) {
            final int p = ends[slotOf[i]]++;
            sortedXs[p] = xs[i];
            sortedYs[p] = ys[i];
            sortedIndex[p] = i;
        }
    }

    int count() {
        return count;
    }

    float x(final int i) {
        return xs[i];
    }

    float y(final int i) {
        return ys[i];
    }

    /**
     * Collects the dense indices of the entities within {@code radius} of (x, y) (after {@link #build}), and their
     * squared distances from it.
     *
     * @param out at least {@link #count()} long
     * @param outD2 at least {@link #count()} long: the squared distance of {@code out[i]} at {@code i}
     * @return how many were written
     */
    int query(final float x, final float y, final float radius, final int[] out, final float[] outD2) {
        final float r2 = radius * radius;
        final int cx0 = cell(x - radius);
        final int cx1 = cell(x + radius);
        final int cy0 = cell(y - radius);
        final int cy1 = cell(y + radius);
        final float[] sx = sortedXs;
        final float[] sy = sortedYs;
        final int[] index = sortedIndex;
        int n = 0;
        for (long cx = cx0; cx <= cx1; cx++) {
            for (long cy = cy0; cy <= cy1; cy++) {
                final long key = key((int) cx, (int) cy);
                int slot = slot(key);
                while (epochs[slot] == epoch && keys[slot] != key) {
                    slot = (slot + 1) & tableMask;
                }
                if (epochs[slot] != epoch) {
                    continue;
                }
                for (int p = starts[slot], end = ends[slot]; p < end; p++) {
                    final float dx = sx[p] - x;
                    final float dy = sy[p] - y;
                    final float d2 = dx * dx + dy * dy;
                    if (d2 <= r2) {
                        outD2[n] = d2;
                        out[n++] = index[p];
                    }
                }
            }
        }
        return n;
    }

    private int cell(final float v) {
        final float c = (float) Math.floor(v * inverseCell);
        return c >= Integer.MAX_VALUE ? Integer.MAX_VALUE : c <= Integer.MIN_VALUE ? Integer.MIN_VALUE : (int) c;
    }

    private static long key(final int cx, final int cy) {
        return ((long) cx << 32) | (cy & 0xFFFFFFFFL);
    }

    private int slot(final long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        h ^= h >>> 29;
        return (int) h & tableMask;
    }
}

package org.mmosdk.sync;

import java.util.Arrays;

/**
 * A uniform grid rebuilt every tick: entities are bucketed by cell (an open-addressing table from cell key to the
 * head of a linked list through {@code next}), and a radius query visits only the cells the circle overlaps. Cost:
 * O(entities) to rebuild plus O(cells in range + entities in them) per query. Allocation-free once grown.
 */
final class SpatialGrid {
    private final float cellSize;
    private final float inverseCell;

    private int count;
    private float[] xs = new float[256];
    private float[] ys = new float[256];
    private int[] next = new int[256];

    private long[] keys = new long[512];
    private int[] heads = new int[512];
    private int[] epochs = new int[512];
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
        if (expected * 2 > keys.length) {
            final int size = Integer.highestOneBit(Math.max(512, expected * 4 - 1)) << 1;
            keys = new long[size];
            heads = new int[size];
            epochs = new int[size];
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
            xs = Arrays.copyOf(xs, i * 2);
            ys = Arrays.copyOf(ys, i * 2);
            next = Arrays.copyOf(next, i * 2);
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
            heads[slot] = -1;
        }
        next[i] = heads[slot];
        heads[slot] = i;
        return i;
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
     * Collects the dense indices of the entities within {@code radius} of (x, y).
     *
     * @param out at least {@link #count()} long
     * @return how many were written
     */
    int query(final float x, final float y, final float radius, final int[] out) {
        final float r2 = radius * radius;
        final int cx0 = cell(x - radius);
        final int cx1 = cell(x + radius);
        final int cy0 = cell(y - radius);
        final int cy1 = cell(y + radius);
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
                for (int i = heads[slot]; i >= 0; i = next[i]) {
                    final float dx = xs[i] - x;
                    final float dy = ys[i] - y;
                    if (dx * dx + dy * dy <= r2) {
                        out[n++] = i;
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

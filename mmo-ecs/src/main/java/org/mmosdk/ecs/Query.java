package org.mmosdk.ecs;

import java.util.Arrays;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * The entities whose archetype has all of some components, at least one of others, and none of a third set.
 * Built once and kept: the world adds matching archetypes to it as they appear, so iterating never searches.
 *
 * <p>Order: archetypes in creation order, then chunks, then rows — the same on every run.
 *
 * <pre>{@code
 * Query moving = world.query().all(Position.TYPE, Velocity.TYPE).none(Frozen.TYPE).build();
 * moving.forEachChunk(chunk -> { ... raw columns ... });        // fast path
 * moving.forEachEntity(e -> world.get(e, Position.X));          // convenient path
 * }</pre>
 *
 * <p>Threads: owned by the world's thread. Structural changes during iteration throw; use a {@link CommandBuffer}.
 */
public final class Query {
    private final World world;
    private final long[] all;
    private final long[] any;
    private final long[] none;
    private Archetype[] matches = new Archetype[4];
    private int matchCount;

    private Query(final World world, final long[] all, final long[] any, final long[] none) {
        this.world = world;
        this.all = all;
        this.any = any;
        this.none = none;
        for (final Archetype a : world.archetypes) {
            offer(a);
        }
        world.queries.add(this);
    }

    void offer(final Archetype a) {
        boolean anyHit = isZero(any);
        for (int w = 0; w < a.mask.length; w++) {
            final long m = a.mask[w];
            if ((m & all[w]) != all[w] || (m & none[w]) != 0) {
                return;
            }
            anyHit |= (m & any[w]) != 0;
        }
        if (!anyHit) {
            return;
        }
        if (matchCount == matches.length) {
            matches = Arrays.copyOf(matches, matchCount * 2);
        }
        matches[matchCount++] = a;
    }

    private static boolean isZero(final long[] mask) {
        for (final long m : mask) {
            if (m != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Calls {@code consumer} for every non-empty chunk of every matching archetype.
     *
     * @param consumer receives chunks; must not change the world's structure
     */
    public void forEachChunk(final Consumer<Chunk> consumer) {
        assert world.ownedByCurrentThread() : world.wrongThread();
        world.iterating++;
        try {
            for (int a = 0; a < matchCount; a++) {
                final Archetype archetype = matches[a];
                for (int c = 0; c < archetype.usedChunks; c++) {
                    consumer.accept(archetype.chunks[c]);
                }
            }
        } finally {
            world.iterating--;
        }
    }

    /**
     * Calls {@code consumer} with the handle of every matching entity.
     *
     * @param consumer receives handles; may read and write fields, must not change the world's structure
     */
    public void forEachEntity(final LongConsumer consumer) {
        assert world.ownedByCurrentThread() : world.wrongThread();
        world.iterating++;
        try {
            for (int a = 0; a < matchCount; a++) {
                final Archetype archetype = matches[a];
                for (int c = 0; c < archetype.usedChunks; c++) {
                    final Chunk chunk = archetype.chunks[c];
                    final long[] entities = chunk.entities;
                    for (int i = 0, n = chunk.size; i < n; i++) {
                        consumer.accept(entities[i]);
                    }
                }
            }
        } finally {
            world.iterating--;
        }
    }

    /** Receives one row of a chunk. */
    @FunctionalInterface
    public interface RowConsumer {
        /**
         * One row.
         *
         * @param chunk the chunk
         * @param row the row in it
         */
        void accept(Chunk chunk, int row);
    }

    /**
     * Calls {@code consumer} for every matching entity whose {@code type} changed after tick {@code since} (chunks
     * without such a change are skipped whole).
     *
     * @param type a component every matching archetype has (one of the query's {@code all} components)
     * @param since a tick, e.g. the client's acknowledged baseline
     * @param rows scratch from {@link World#newRowBuffer()}
     * @param consumer receives the changed rows
     */
    public void forEachChangedSince(final ComponentType type, final int since, final int[] rows, final RowConsumer consumer) {
        forEachRowSince(type, since, rows, consumer, false);
    }

    /**
     * Calls {@code consumer} for every matching entity whose {@code type} was added (or that was created) after tick
     * {@code since}.
     *
     * @param type a component every matching archetype has
     * @param since a tick
     * @param rows scratch from {@link World#newRowBuffer()}
     * @param consumer receives the rows
     */
    public void forEachAddedSince(final ComponentType type, final int since, final int[] rows, final RowConsumer consumer) {
        forEachRowSince(type, since, rows, consumer, true);
    }

    private void forEachRowSince(
        final ComponentType type, final int since, final int[] rows, final RowConsumer consumer, final boolean added) {
        assert world.ownedByCurrentThread() : world.wrongThread();
        world.iterating++;
        try {
            for (int a = 0; a < matchCount; a++) {
                final Archetype archetype = matches[a];
                for (int c = 0; c < archetype.usedChunks; c++) {
                    final Chunk chunk = archetype.chunks[c];
                    final int n = added ? chunk.addedSince(type, since, rows) : chunk.changedSince(type, since, rows);
                    for (int i = 0; i < n; i++) {
                        consumer.accept(chunk, rows[i]);
                    }
                }
            }
        } finally {
            world.iterating--;
        }
    }

    /**
     * Matching entities.
     *
     * @return the count
     */
    public int count() {
        int n = 0;
        for (int a = 0; a < matchCount; a++) {
            n += matches[a].size;
        }
        return n;
    }

    /**
     * Matching archetypes so far.
     *
     * @return the count
     */
    public int archetypeCount() {
        return matchCount;
    }

    /**
     * A matching archetype, for hand-written loops without a lambda.
     *
     * @param i in [0, {@link #archetypeCount()})
     * @return the archetype
     */
    public Archetype archetype(final int i) {
        if (i < 0 || i >= matchCount) {
            throw new IndexOutOfBoundsException("archetype " + i + " of " + matchCount);
        }
        return matches[i];
    }

    /** Declares a {@link Query}. */
    public static final class Builder {
        private final World world;
        private final long[] all;
        private final long[] any;
        private final long[] none;

        Builder(final World world) {
            this.world = world;
            final int words = Math.max(1, (world.components.length + 63) >>> 6);
            this.all = new long[words];
            this.any = new long[words];
            this.none = new long[words];
        }

        private Builder set(final long[] mask, final ComponentType[] types) {
            for (final ComponentType t : types) {
                final int local = world.localIndex(t);
                mask[local >>> 6] |= 1L << local;
            }
            return this;
        }

        /**
         * Entities must have all of these.
         *
         * @param types component types
         * @return this
         */
        public Builder all(final ComponentType... types) {
            return set(all, types);
        }

        /**
         * Entities must have at least one of these.
         *
         * @param types component types
         * @return this
         */
        public Builder any(final ComponentType... types) {
            return set(any, types);
        }

        /**
         * Entities must have none of these.
         *
         * @param types component types
         * @return this
         */
        public Builder none(final ComponentType... types) {
            return set(none, types);
        }

        /**
         * Builds the query (cached by the world for its lifetime).
         *
         * @return the query
         */
        public Query build() {
            for (int w = 0; w < all.length; w++) {
                if ((all[w] & none[w]) != 0) {
                    throw new IllegalArgumentException("a component is both required (all) and excluded (none)");
                }
            }
            return new Query(world, all, any, none);
        }
    }
}

package org.mmosdk.ecs;

import java.util.ArrayList;
import java.util.List;

/**
 * Hashes of a world's state per archetype, chunk and component (plus one per chunk for the entity handles), so two
 * worlds that should be equal can be compared cheaply and, when they differ, narrowed down: first to a chunk and a
 * component with {@link #firstDifference(StateHashes)}, then to a row with {@link #rowHashes(World, int, int, String)}
 * (which each side computes for just that chunk and exchanges).
 *
 * <p>Hashes mix the raw bits of every value (floats by {@code floatToRawIntBits}) in iteration order with a fixed
 * function, so equal worlds hash equal on every JVM. Object ({@link RefField}) fields are not hashed.
 */
public final class StateHashes {
    /** Name used for the entity handles of a chunk in a {@link Difference}. */
    public static final String ENTITIES = "<entities>";

    private static final long SEED = 0x9E3779B97F4A7C15L;
    private static final long MUL = 0xFF51AFD7ED558CCDL;

    private final List<ArchetypeHashes> archetypes;
    private final long total;

    private StateHashes(final List<ArchetypeHashes> archetypes, final long total) {
        this.archetypes = archetypes;
        this.total = total;
    }

    /** Where two worlds first differ. */
    public record Difference(int archetype, String archetypeTypes, int chunk, String component) {
    }

    private record ArchetypeHashes(String types, String[] components, long[][] chunkHashes) {
    }

    /**
     * The hash of everything (equals {@link World#stateHash()}).
     *
     * @return the hash
     */
    public long total() {
        return total;
    }

    /**
     * The first archetype, chunk and component (or {@link #ENTITIES}) whose hash differs, in iteration order.
     *
     * @param other hashes of the other world
     * @return the difference, or null if none was found
     */
    public Difference firstDifference(final StateHashes other) {
        final int n = Math.max(archetypes.size(), other.archetypes.size());
        for (int a = 0; a < n; a++) {
            if (a >= archetypes.size() || a >= other.archetypes.size()) {
                return new Difference(a, a < archetypes.size() ? archetypes.get(a).types : other.archetypes.get(a).types,
                    0, ENTITIES);
            }
            final ArchetypeHashes mine = archetypes.get(a);
            final ArchetypeHashes theirs = other.archetypes.get(a);
            if (!mine.types.equals(theirs.types)) {
                return new Difference(a, mine.types + " vs " + theirs.types, 0, ENTITIES);
            }
            final int chunks = Math.max(mine.chunkHashes.length, theirs.chunkHashes.length);
            for (int c = 0; c < chunks; c++) {
                if (c >= mine.chunkHashes.length || c >= theirs.chunkHashes.length) {
                    return new Difference(a, mine.types, c, ENTITIES);
                }
                final long[] h1 = mine.chunkHashes[c];
                final long[] h2 = theirs.chunkHashes[c];
                for (int k = 0; k < h1.length; k++) {
                    if (h1[k] != h2[k]) {
                        return new Difference(a, mine.types, c, k == 0 ? ENTITIES : mine.components[k - 1]);
                    }
                }
            }
        }
        return null;
    }

    /**
     * Per-row hashes of one component (or {@link #ENTITIES}) of one chunk: what two parties exchange to find the
     * first differing entity once {@link #firstDifference} named the chunk.
     *
     * @param world the world
     * @param archetype archetype index
     * @param chunk chunk index
     * @param component component name, or {@link #ENTITIES}
     * @return one hash per row
     */
    public static long[] rowHashes(final World world, final int archetype, final int chunk, final String component) {
        final Chunk ch = world.archetypes.get(archetype).chunk(chunk);
        final long[] rows = new long[ch.size];
        final int slot = slotByName(ch.archetype, component);
        for (int r = 0; r < ch.size; r++) {
            rows[r] = slot < 0 ? mix(SEED, ch.entities[r]) : hashRow(ch, slot, r);
        }
        return rows;
    }

    /**
     * The first row whose hashes differ.
     *
     * @param mine rows of this side
     * @param theirs rows of the other side
     * @return the row, or -1 if equal
     */
    public static int firstDifferentRow(final long[] mine, final long[] theirs) {
        final int n = Math.min(mine.length, theirs.length);
        for (int i = 0; i < n; i++) {
            if (mine[i] != theirs[i]) {
                return i;
            }
        }
        return mine.length == theirs.length ? -1 : n;
    }

    static StateHashes of(final World world) {
        final List<ArchetypeHashes> list = new ArrayList<>();
        for (final Archetype a : world.archetypes) {
            final String[] names = new String[a.types.length];
            for (int s = 0; s < names.length; s++) {
                names[s] = a.types[s].name();
            }
            final long[][] chunkHashes = new long[a.usedChunks][];
            for (int c = 0; c < a.usedChunks; c++) {
                final Chunk chunk = a.chunks[c];
                final long[] h = new long[1 + a.types.length];
                h[0] = hashEntities(chunk);
                for (int s = 0; s < a.types.length; s++) {
                    h[1 + s] = hashComponent(chunk, s);
                }
                chunkHashes[c] = h;
            }
            list.add(new ArchetypeHashes(a.toString(), names, chunkHashes));
        }
        return new StateHashes(list, hashWorld(world));
    }

    static long hashWorld(final World world) {
        long h = mix(SEED, world.tick);
        for (int i = 0, n = world.archetypes.size(); i < n; i++) {
            final Archetype a = world.archetypes.get(i);
            h = mix(h, a.size);
            for (int c = 0; c < a.usedChunks; c++) {
                final Chunk chunk = a.chunks[c];
                h = mix(h, hashEntities(chunk));
                for (int s = 0; s < a.types.length; s++) {
                    h = mix(h, hashComponent(chunk, s));
                }
            }
        }
        return finish(h);
    }

    private static long hashEntities(final Chunk chunk) {
        long h = mix(SEED, chunk.size);
        final long[] entities = chunk.entities;
        for (int r = 0; r < chunk.size; r++) {
            h = mix(h, entities[r]);
        }
        return finish(h);
    }

    private static long hashComponent(final Chunk chunk, final int slot) {
        final Archetype a = chunk.archetype;
        long h = mix(SEED, slot);
        for (int c = 0; c < a.columnKinds.length; c++) {
            if (a.columnSlot[c] != slot || a.columnKinds[c] == FieldKind.REF) {
                continue;
            }
            h = hashColumn(h, a.columnKinds[c], chunk.columns[c], chunk.size);
        }
        return finish(h);
    }

    private static long hashColumn(long h, final FieldKind kind, final Object column, final int size) {
        switch (kind) {
            case FLOAT -> {
                final float[] v = (float[]) column;
                for (int r = 0; r < size; r++) {
                    h = mix(h, Float.floatToRawIntBits(v[r]));
                }
            }
            case INT -> {
                final int[] v = (int[]) column;
                for (int r = 0; r < size; r++) {
                    h = mix(h, v[r]);
                }
            }
            case LONG -> {
                final long[] v = (long[]) column;
                for (int r = 0; r < size; r++) {
                    h = mix(h, v[r]);
                }
            }
            case DOUBLE -> {
                final double[] v = (double[]) column;
                for (int r = 0; r < size; r++) {
                    h = mix(h, Double.doubleToRawLongBits(v[r]));
                }
            }
            default -> {
                for (int r = 0; r < size; r++) {
                    h = mix(h, kind.bits(column, r));
                }
            }
        }
        return h;
    }

    private static long hashRow(final Chunk chunk, final int slot, final int row) {
        final Archetype a = chunk.archetype;
        long h = mix(SEED, slot);
        for (int c = 0; c < a.columnKinds.length; c++) {
            if (a.columnSlot[c] == slot && a.columnKinds[c] != FieldKind.REF) {
                h = mix(h, a.columnKinds[c].bits(chunk.columns[c], row));
            }
        }
        return finish(h);
    }

    private static int slotByName(final Archetype a, final String component) {
        if (ENTITIES.equals(component)) {
            return -1;
        }
        for (int s = 0; s < a.types.length; s++) {
            if (a.types[s].name().equals(component)) {
                return s;
            }
        }
        throw new IllegalArgumentException(a + " has no component '" + component + "'");
    }

    private static long mix(final long h, final long v) {
        return Long.rotateLeft((h ^ v) * MUL, 29) + SEED;
    }

    private static long finish(long h) {
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        h ^= h >>> 33;
        return h;
    }
}

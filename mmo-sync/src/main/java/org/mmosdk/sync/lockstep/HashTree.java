package org.mmosdk.sync.lockstep;

import java.util.List;

import org.mmosdk.ecs.Archetype;
import org.mmosdk.ecs.ComponentType;
import org.mmosdk.ecs.StateHashes;
import org.mmosdk.ecs.World;

/**
 * Desync forensics: a world's hashes per archetype, chunk and slot (slot 0 the entity handles, slot s the
 * archetype's component s - 1), folded from {@link StateHashes#rowHashes}, so two parties can exchange them and
 * find the first differing chunk and component, then exchange row hashes of just that chunk. Cold path; allocates.
 */
final class HashTree {
    /** Two entries per archetype: chunk count, slot count. */
    final int[] shape;
    final long[] hashes;

    HashTree(final int[] shape, final long[] hashes) {
        this.shape = shape;
        this.hashes = hashes;
    }

    static HashTree of(final World world) {
        final List<Archetype> archetypes = world.archetypes();
        final int[] shape = new int[archetypes.size() * 2];
        int total = 0;
        for (int a = 0; a < archetypes.size(); a++) {
            shape[2 * a] = archetypes.get(a).chunkCount();
            shape[2 * a + 1] = 1 + archetypes.get(a).types().size();
            total += shape[2 * a] * shape[2 * a + 1];
        }
        final long[] hashes = new long[total];
        int i = 0;
        for (int a = 0; a < archetypes.size(); a++) {
            for (int c = 0; c < shape[2 * a]; c++) {
                for (int s = 0; s < shape[2 * a + 1]; s++) {
                    hashes[i++] = fold(rows(world, a, c, s));
                }
            }
        }
        return new HashTree(shape, hashes);
    }

    static long[] rows(final World world, final int archetype, final int chunk, final int slot) {
        return StateHashes.rowHashes(world, archetype, chunk, slotName(world, archetype, slot));
    }

    static String slotName(final World world, final int archetype, final int slot) {
        if (slot == 0) {
            return StateHashes.ENTITIES;
        }
        final List<ComponentType> types = world.archetypes().get(archetype).types();
        return types.get(slot - 1).name();
    }

    private static long fold(final long[] rows) {
        long h = 0x9E3779B97F4A7C15L ^ rows.length;
        for (final long r : rows) {
            h = (h ^ r) * 0xFF51AFD7ED558CCDL;
            h ^= h >>> 29;
        }
        return h;
    }

    /**
     * The first (archetype, chunk, slot) where the trees differ, or null if equal. A shape difference points at
     * the first archetype (slot 0) or chunk whose shape differs.
     */
    int[] firstDifference(final HashTree other) {
        final int archetypes = Math.min(shape.length, other.shape.length) / 2;
        int i = 0;
        int j = 0;
        for (int a = 0; a < archetypes; a++) {
            if (shape[2 * a + 1] != other.shape[2 * a + 1]) {
                return new int[] {a, 0, 0};
            }
            final int slots = shape[2 * a + 1];
            final int chunks = Math.min(shape[2 * a], other.shape[2 * a]);
            for (int c = 0; c < chunks; c++) {
                for (int s = 0; s < slots; s++) {
                    if (hashes[i + s] != other.hashes[j + s]) {
                        return new int[] {a, c, s};
                    }
                }
                i += slots;
                j += slots;
            }
            if (shape[2 * a] != other.shape[2 * a]) {
                return new int[] {a, chunks, 0};
            }
        }
        return shape.length == other.shape.length ? null : new int[] {archetypes, 0, 0};
    }

    /** Whether a received tree is consistent (shape matches the hash count; bounded). */
    static boolean valid(final int[] shape, final int hashCount) {
        if ((shape.length & 1) != 0) {
            return false;
        }
        long total = 0;
        for (int a = 0; a < shape.length; a += 2) {
            if (shape[a] < 0 || shape[a + 1] < 1 || shape[a + 1] > 256) {
                return false;
            }
            total += (long) shape[a] * shape[a + 1];
        }
        return total == hashCount;
    }
}

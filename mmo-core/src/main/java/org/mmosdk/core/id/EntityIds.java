package org.mmosdk.core.id;

/**
 * Entity handles as {@code long}: the low 32 bits are the slot index, the high 32 bits the generation of that
 * slot. A slot that is reused gets a new generation, so an old handle no longer matches (it is stale) and never
 * reads the new occupant. {@link #NONE} (0) is never a live entity: generations start at 1.
 */
public final class EntityIds {
    /** The handle that names no entity. */
    public static final long NONE = 0L;
    /** Largest slot index. */
    public static final int MAX_INDEX = Integer.MAX_VALUE;

    private EntityIds() {
    }

    /**
     * Packs a handle.
     *
     * @param index slot index, in [0, {@link #MAX_INDEX}]
     * @param generation generation of the slot, not 0
     * @return the handle
     */
    public static long of(final int index, final int generation) {
        return ((long) generation << 32) | (index & 0xFFFF_FFFFL);
    }

    /**
     * The slot index of a handle.
     *
     * @param entity a handle
     * @return its index
     */
    public static int index(final long entity) {
        return (int) entity;
    }

    /**
     * The generation of a handle.
     *
     * @param entity a handle
     * @return its generation
     */
    public static int generation(final long entity) {
        return (int) (entity >>> 32);
    }

    /**
     * Readable form, {@code index:generation} (e.g. {@code 42:3}), for logs and errors.
     *
     * @param entity a handle
     * @return the text
     */
    public static String toString(final long entity) {
        return entity == NONE ? "none" : index(entity) + ":" + Integer.toUnsignedString(generation(entity));
    }
}

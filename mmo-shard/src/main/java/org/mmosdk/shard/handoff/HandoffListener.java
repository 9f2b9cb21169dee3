package org.mmosdk.shard.handoff;

/** Life-cycle callbacks of handoffs, on the zone's thread; for metrics, logs and tests. Must not block. */
public interface HandoffListener {
    /**
     * An entity handed to this zone was inserted.
     *
     * @param entity its new handle here
     * @param gid its global id
     * @param fromZone the zone it came from
     * @param frozenNanos the source's {@link System#nanoTime()} when it was frozen (comparable on one host only)
     */
    default void onArrived(final long entity, final long gid, final int fromZone, final long frozenNanos) {
    }

    /**
     * The target acknowledged one of this zone's handoffs: the entity was destroyed here.
     *
     * @param gid its global id
     * @param toZone where it lives now
     * @param frozenNanos when it was frozen ({@link System#nanoTime()})
     */
    default void onReleased(final long gid, final int toZone, final long frozenNanos) {
    }

    /**
     * The target refused one of this zone's handoffs: the entity thawed and stays here.
     *
     * @param entity its handle
     * @param gid its global id
     * @param toZone the zone that refused it
     */
    default void onRefused(final long entity, final long gid, final int toZone) {
    }
}

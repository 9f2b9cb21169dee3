package org.mmosdk.shard.saga;

/** A participant holding player inventories: an in-memory node, or a remote one over loopback. */
public interface Inventory {
    /**
     * Adds {@code delta} of an item to a player, idempotently per id; refuses a removal below zero.
     *
     * @return true if applied (now or before), false if refused or tombstoned
     * @throws Exception on a transient failure
     */
    boolean apply(StepId id, String player, String item, int delta) throws Exception;

    /**
     * Undoes what {@code apply} applied under the id, or tombstones the id; idempotent.
     *
     * @throws Exception on a transient failure
     */
    void compensate(StepId id) throws Exception;
}

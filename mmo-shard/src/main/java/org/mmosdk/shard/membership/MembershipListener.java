package org.mmosdk.shard.membership;

/** Receives membership and ownership changes; see the package description for its thread. */
@FunctionalInterface
public interface MembershipListener {
    /**
     * Called once per change, in revision order. Must not block.
     *
     * @param event the change
     */
    void onEvent(MembershipEvent event);
}

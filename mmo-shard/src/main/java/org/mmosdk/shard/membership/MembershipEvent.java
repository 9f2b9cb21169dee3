package org.mmosdk.shard.membership;

import org.mmosdk.core.id.NodeIds;

/** A change seen by a {@link MembershipListener}. */
public sealed interface MembershipEvent {
    /**
     * The revision of the change; increases from event to event.
     *
     * @return the revision
     */
    long revision();

    /**
     * A node joined.
     *
     * @param member the new member
     * @param revision revision of the join
     */
    record Joined(Member member, long revision) implements MembershipEvent {
    }

    /**
     * A node left, or its lease expired.
     *
     * @param nodeId the node
     * @param revision revision of the removal
     */
    record Left(int nodeId, long revision) implements MembershipEvent {
    }

    /**
     * A zone's owner changed, or the zone was released ({@code nodeId == NodeIds.NONE}).
     *
     * @param zone the zone
     * @param nodeId new owner, or {@link NodeIds#NONE}
     * @param revision revision of the change (the new owner's fencing token)
     */
    record ZoneChanged(int zone, int nodeId, long revision) implements MembershipEvent {
    }
}

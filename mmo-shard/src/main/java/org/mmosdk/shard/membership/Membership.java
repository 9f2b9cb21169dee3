package org.mmosdk.shard.membership;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Cluster membership and zone ownership: the coordination SPI of mmo-shard.
 *
 * <p>Members join with a lease and renew it with {@link #keepAlive(Lease)}; a member whose lease expires (a
 * crashed node) is removed along with every zone ownership record taken with that lease. Zone ownership
 * records change only by compare-and-set on their revision, so two nodes can never both believe a CAS gave
 * them the same zone. Revisions are monotonic across the whole membership and serve as fencing tokens.
 *
 * <p>All methods may block and may be called from any thread; see the package description.
 */
public interface Membership extends AutoCloseable {
    /**
     * Joins the cluster.
     *
     * @param nodeId node id in [1, {@link org.mmosdk.core.id.NodeIds#MAX}]
     * @param address where other nodes reach this one, not empty
     * @param ttl lease time to live without keepalive; implementations may round it up (etcd: to whole
     *            seconds, at least its minimum TTL)
     * @return the lease
     * @throws IllegalStateException if the node id is already a live member
     * @throws MembershipException if the coordination service failed
     */
    Lease join(int nodeId, String address, Duration ttl);

    /**
     * Renews a lease for another {@link Lease#ttl()}.
     *
     * @param lease the lease
     * @return false if the lease had already expired or was revoked: the node is no longer a member
     * @throws MembershipException if the coordination service failed
     */
    boolean keepAlive(Lease lease);

    /**
     * Leaves: revokes the lease, removing the member and every zone ownership record it held. Idempotent.
     *
     * @param lease the lease
     * @throws MembershipException if the coordination service failed
     */
    void leave(Lease lease);

    /**
     * The live members.
     *
     * @return members by ascending node id
     */
    List<Member> members();

    /**
     * A zone's ownership record.
     *
     * @param zone zone id, at least 0
     * @return the record, or empty if the zone is unowned
     */
    Optional<ZoneOwner> zoneOwner(int zone);

    /**
     * Every zone ownership record.
     *
     * @return records by ascending zone
     */
    List<ZoneOwner> zoneOwners();

    /**
     * Makes {@code owner}'s node the owner of a zone if the zone's record is still at {@code expectedRevision}.
     *
     * @param zone zone id, at least 0
     * @param expectedRevision the current record's {@link ZoneOwner#revision()}, or 0 if the zone must be unowned
     * @param owner a live lease; the record is removed when it ends
     * @return the new record, or empty if the record had changed or the lease is no longer live
     */
    Optional<ZoneOwner> compareAndSetZoneOwner(int zone, long expectedRevision, Lease owner);

    /**
     * Removes a zone's ownership record if it is still at {@code expectedRevision}.
     *
     * @param zone zone id, at least 0
     * @param expectedRevision the current record's revision
     * @return true if removed
     */
    boolean releaseZone(int zone, long expectedRevision);

    /**
     * Delivers every later change to {@code listener}; read {@link #members()} and {@link #zoneOwners()} after
     * subscribing for the current state.
     *
     * @param listener see the package description for its thread
     * @return closes the subscription
     */
    Subscription watch(MembershipListener listener);

    /** Releases client resources; does not revoke leases (a closed node's leases expire). */
    @Override
    void close();
}

package org.mmosdk.shard.membership;

/**
 * A zone ownership record. Its {@link #revision()} is both the expected value for the next compare-and-set
 * and the owner's fencing token: it only grows, so a write stamped with an older revision comes from a
 * former owner.
 *
 * @param zone zone id, at least 0
 * @param nodeId the owning node
 * @param leaseId the owner's lease; the record disappears with it
 * @param revision the revision of the write that made this record
 */
public record ZoneOwner(int zone, int nodeId, long leaseId, long revision) {
}

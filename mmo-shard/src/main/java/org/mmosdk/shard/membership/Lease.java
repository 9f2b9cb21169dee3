package org.mmosdk.shard.membership;

import java.time.Duration;

/**
 * A node's membership lease, returned by {@link Membership#join}. Keep it alive with
 * {@link Membership#keepAlive(Lease)} more often than {@link #ttl()}; when it expires, the member and every
 * zone ownership record taken with it are removed.
 *
 * @param nodeId the member's node id
 * @param leaseId the implementation's lease id (etcd: the lease id)
 * @param fencingToken the revision at which the node joined; a later join of the same node has a higher one
 * @param ttl time to live without a keepalive, as granted
 */
public record Lease(int nodeId, long leaseId, long fencingToken, Duration ttl) {
}

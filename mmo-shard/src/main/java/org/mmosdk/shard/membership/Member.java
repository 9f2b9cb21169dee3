package org.mmosdk.shard.membership;

/**
 * A live member.
 *
 * @param nodeId node id in [1, {@link org.mmosdk.core.id.NodeIds#MAX}]
 * @param address where other nodes reach it, e.g. {@code "127.0.0.1:7001"}
 * @param leaseId the lease that keeps it a member
 * @param joinRevision the revision at which it joined (its lease's fencing token)
 */
public record Member(int nodeId, String address, long leaseId, long joinRevision) {
}

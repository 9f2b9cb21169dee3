/**
 * mmo-shard: zones spread over nodes (partitioning, membership, node links, handoff, leases, sagas).
 * Not implemented yet; see the project's issues.
 */
package org.mmosdk.shard;

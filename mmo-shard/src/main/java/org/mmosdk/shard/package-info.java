/**
 * mmo-shard: zones spread over nodes.
 *
 * <p>This round: {@link org.mmosdk.shard.partition} (cells → zones → nodes, rendezvous hashing of non-spatial
 * keys, a Caffeine route cache rebound on membership changes) and {@link org.mmosdk.shard.membership} (the
 * {@code Membership} SPI with leases, compare-and-set zone ownership and fencing tokens, and its in-memory
 * default). The etcd implementation lives in the {@code mmo-shard-etcd} module. Node links, handoff, zone
 * migration, checkpoints and sagas are not implemented yet; see the project's issues.
 *
 * <p>Threads: see each package's description.
 */
package org.mmosdk.shard;

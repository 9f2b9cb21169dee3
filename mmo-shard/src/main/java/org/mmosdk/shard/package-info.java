/**
 * mmo-shard: zones spread over nodes.
 *
 * <ul>
 *   <li>{@link org.mmosdk.shard.partition}: cells → zones → nodes, rendezvous hashing of non-spatial keys, a Caffeine
 *       route cache rebound on membership changes.</li>
 *   <li>{@link org.mmosdk.shard.membership}: the {@code Membership} SPI with leases, compare-and-set zone ownership
 *       and fencing tokens, and its in-memory default (etcd lives in the {@code mmo-shard-etcd} module).</li>
 *   <li>{@link org.mmosdk.shard.link}: node-to-node links over mmo-net (a gateway accepting, a pool connecting) with
 *       at-least-once delivery, dedupe and backpressure.</li>
 *   <li>{@link org.mmosdk.shard.handoff}: entity handoff across zone borders (also between nodes), ghosts of border
 *       entities, and live zone migration with ownership switched by compare-and-set.</li>
 *   <li>{@link org.mmosdk.shard.checkpoint}: the {@code CheckpointStore} SPI and its durable file-based default
 *       (checksummed append-only records, an explicit fsync policy, torn-tail recovery).</li>
 *   <li>{@link org.mmosdk.shard.node}: a node runtime tying membership, lease, checkpoints and zone ownership
 *       together, with takeover of a dead node's zones from their latest checkpoints.</li>
 *   <li>{@link org.mmosdk.shard.saga}: cross-shard operations as sagas with compensations, a durable saga log and
 *       recovery after a coordinator crash.</li>
 *   <li>{@link org.mmosdk.shard.cache}: a loading cache for player data in front of a studio's store.</li>
 * </ul>
 *
 * <p>Threads: see each package's description.
 */
package org.mmosdk.shard;

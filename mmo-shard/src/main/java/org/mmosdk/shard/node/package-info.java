/**
 * A small node runtime that ties the pieces of mmo-shard together: {@link org.mmosdk.shard.node.ShardNode} joins the
 * {@link org.mmosdk.shard.membership.Membership} with a lease kept alive by a
 * {@link org.mmosdk.shard.membership.LeaseKeeper}, takes zones by compare-and-set, checkpoints its zones periodically
 * into a {@link org.mmosdk.shard.checkpoint.CheckpointStore} stamped with their fencing tokens, and — when a node dies
 * and its lease expires — reassigns the orphaned zones among the survivors and restores them from their latest
 * checkpoint. The application supplies its zones through {@link org.mmosdk.shard.node.ZoneRunner}.
 *
 * <p><b>What a node crash loses.</b> A zone restored after its owner died resumes after the tick of its latest
 * checkpoint: everything simulated since (at most one checkpoint interval, plus the time the last snapshot took to
 * reach the store) is lost, as documented in {@link org.mmosdk.shard.checkpoint}. Entities that left the zone by a
 * handoff within that window may exist twice (in the restored zone and at their target): a crash-consistent cut over
 * several zones is not provided.
 *
 * <p><b>Threads.</b> {@code ShardNode}'s public methods may be called from any thread except a tick thread (some block on
 * the membership) and except a membership listener. The node runs two threads of its own: a coordination thread
 * (membership calls, reconciliation of ownership, {@link org.mmosdk.shard.node.ZoneRunner#start} and most
 * {@link org.mmosdk.shard.node.ZoneRunner#stop} calls) and a checkpoint thread (store I/O, and {@code stop} when a save
 * is refused). {@link org.mmosdk.shard.node.ZoneRunner#snapshot} is called on the checkpoint thread and should do its
 * work on the zone's thread, completing the future there. {@code ZoneSnapshot} is immutable by convention.
 */
package org.mmosdk.shard.node;

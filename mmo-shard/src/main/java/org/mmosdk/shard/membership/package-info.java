/**
 * Membership SPI: nodes join with a lease and keep it alive, leave, or crash and are removed when their lease
 * expires; zone ownership records change only by compare-and-set on their revision; revisions are monotonic
 * and serve as fencing tokens ({@link org.mmosdk.shard.membership.FencingGuard}).
 *
 * <p>Implementations: {@link org.mmosdk.shard.membership.InMemoryMembership} (one process, the embedded
 * default) and {@code org.mmosdk.shard.etcd.EtcdMembership} in the {@code mmo-shard-etcd} module. Both pass
 * the same contract test.
 *
 * <p><b>Threads.</b> Every {@link org.mmosdk.shard.membership.Membership} method may be called from any
 * thread; calls may block (for etcd, a network round trip bounded by its operation timeout), so never call
 * them from a tick thread. {@link org.mmosdk.shard.membership.MembershipListener}s are called one event at a
 * time, on a thread of the implementation (in memory: the thread whose call caused the change, under the
 * membership's lock; etcd: the watch thread); they must not block and must not call blocking membership
 * methods. Records ({@link org.mmosdk.shard.membership.Lease}, {@link org.mmosdk.shard.membership.Member},
 * {@link org.mmosdk.shard.membership.ZoneOwner}, events) are immutable. {@code FencingGuard} is lock-free and
 * thread-safe.
 */
package org.mmosdk.shard.membership;

/**
 * The etcd implementation of {@link org.mmosdk.shard.membership.Membership} on jetcd: leases are etcd leases,
 * member and zone records are keys attached to them, compare-and-set is an etcd transaction on the key's
 * mod revision, and fencing tokens are etcd revisions.
 *
 * <p><b>Threads.</b> {@link org.mmosdk.shard.etcd.EtcdMembership} is thread-safe; every call blocks for at
 * most its operation timeout, so call it from a coordination thread, never from a tick thread. Listeners run on
 * jetcd's watch thread, one event at a time, and must neither block nor call back into the membership.
 */
package org.mmosdk.shard.etcd;

/**
 * The etcd implementation of {@link org.mmosdk.shard.membership.Membership} on jetcd: leases are etcd leases,
 * member and zone records are keys attached to them, compare-and-set is an etcd transaction on the key's
 * mod revision, and fencing tokens are etcd revisions.
 *
 * <p><b>Threads.</b> {@link org.mmosdk.shard.etcd.EtcdMembership} is thread-safe; every call blocks for at
 * most its operation timeout, so call it from a coordination thread, never from a tick thread. Calls fail fast
 * while etcd is unreachable and are never sent after their timeout (no late compare-and-set). Listeners run on
 * jetcd's watch thread — or, after a watch ended (compaction, an error that jetcd does not resume from), on the
 * membership's resync thread, which tells them the difference to the current state — one event at a time per
 * subscription, and must neither block nor call back into the membership.
 */
package org.mmosdk.shard.etcd;

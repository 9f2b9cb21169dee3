package org.mmosdk.shard.membership;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.mmosdk.core.id.NodeIds;
import org.mmosdk.core.time.Clock;

/**
 * The embedded, single-process {@link Membership}: state in memory, time from a {@link Clock} (a
 * {@code VirtualClock} in tests). Mirrors etcd's model: one revision counter for every change, leases
 * with a deadline, records attached to leases.
 *
 * <p>Leases are checked for expiry at the start of every call and by {@link #expireLeases()}, which a host
 * calls periodically (e.g. once per tick or second) so that watchers learn of a crashed member even while
 * nobody else calls in.
 *
 * <p>Thread-safe (one lock). Listeners run on the calling thread under that lock, in revision order.
 */
public final class InMemoryMembership implements Membership {
    /** Shortest lease TTL accepted. */
    public static final Duration MIN_TTL = Duration.ofMillis(1);

    private final Clock clock;
    private final Map<Long, LeaseState> leases = new HashMap<>();
    private final TreeMap<Integer, Member> members = new TreeMap<>();
    private final TreeMap<Integer, ZoneOwner> zones = new TreeMap<>();
    private final List<MembershipListener> listeners = new CopyOnWriteArrayList<>();
    private long revision;
    private long nextLeaseId = 1;
    private boolean closed;

    private static final class LeaseState {
        final Lease lease;
        final long ttlNanos;
        long deadline;

        LeaseState(final Lease lease, final long ttlNanos, final long deadline) {
            this.lease = lease;
            this.ttlNanos = ttlNanos;
            this.deadline = deadline;
        }
    }

    /**
     * A membership on this clock.
     *
     * @param clock time for lease expiry, e.g. {@link Clock#system()}
     */
    public InMemoryMembership(final Clock clock) {
        if (clock == null) {
            throw new IllegalArgumentException("clock must not be null (use Clock.system() or a VirtualClock)");
        }
        this.clock = clock;
    }

    @Override
    public synchronized Lease join(final int nodeId, final String address, final Duration ttl) {
        NodeIds.check(nodeId);
        if (address == null || address.isEmpty()) {
            throw new IllegalArgumentException("address must not be empty");
        }
        if (ttl == null || ttl.compareTo(MIN_TTL) < 0) {
            throw new IllegalArgumentException("ttl must be at least " + MIN_TTL + ", was " + ttl);
        }
        ensureOpen();
        expire0();
        final Member existing = members.get(nodeId);
        if (existing != null) {
            throw new IllegalStateException("node " + nodeId + " is already a member (lease " + existing.leaseId()
                + "); leave first or wait for its lease to expire");
        }
        final long rev = ++revision;
        final Lease lease = new Lease(nodeId, nextLeaseId++, rev, ttl);
        leases.put(lease.leaseId(), new LeaseState(lease, ttl.toNanos(), clock.nanoTime() + ttl.toNanos()));
        final Member member = new Member(nodeId, address, lease.leaseId(), rev);
        members.put(nodeId, member);
        emit(new MembershipEvent.Joined(member, rev));
        return lease;
    }

    @Override
    public synchronized boolean keepAlive(final Lease lease) {
        ensureOpen();
        expire0();
        final LeaseState state = leases.get(lease.leaseId());
        if (state == null) {
            return false;
        }
        state.deadline = clock.nanoTime() + state.ttlNanos;
        return true;
    }

    @Override
    public synchronized void leave(final Lease lease) {
        ensureOpen();
        expire0();
        final LeaseState state = leases.remove(lease.leaseId());
        if (state != null) {
            removeLeaseRecords(state.lease);
        }
    }

    /**
     * Removes members whose lease has expired, with their zone ownership records, and tells the listeners.
     *
     * @return how many leases expired
     */
    public synchronized int expireLeases() {
        return closed ? 0 : expire0();
    }

    private int expire0() {
        final long now = clock.nanoTime();
        List<Lease> expired = null;
        for (final Iterator<LeaseState> it = leases.values().iterator(); it.hasNext(); ) {
            final LeaseState state = it.next();
            if (now - state.deadline >= 0) {
                it.remove();
                if (expired == null) {
                    expired = new ArrayList<>();
                }
                expired.add(state.lease);
            }
        }
        if (expired == null) {
            return 0;
        }
        expired.sort((a, b) -> Long.compare(a.leaseId(), b.leaseId()));
        for (final Lease lease : expired) {
            removeLeaseRecords(lease);
        }
        return expired.size();
    }

    private void removeLeaseRecords(final Lease lease) {
        final List<Integer> owned = new ArrayList<>();
        for (final ZoneOwner z : zones.values()) {
            if (z.leaseId() == lease.leaseId()) {
                owned.add(z.zone());
            }
        }
        for (final int zone : owned) {
            zones.remove(zone);
            emit(new MembershipEvent.ZoneChanged(zone, NodeIds.NONE, ++revision));
        }
        final Member member = members.get(lease.nodeId());
        if (member != null && member.leaseId() == lease.leaseId()) {
            members.remove(lease.nodeId());
            emit(new MembershipEvent.Left(lease.nodeId(), ++revision));
        }
    }

    @Override
    public synchronized List<Member> members() {
        ensureOpen();
        expire0();
        return List.copyOf(members.values());
    }

    @Override
    public synchronized Optional<ZoneOwner> zoneOwner(final int zone) {
        checkZone(zone);
        ensureOpen();
        expire0();
        return Optional.ofNullable(zones.get(zone));
    }

    @Override
    public synchronized List<ZoneOwner> zoneOwners() {
        ensureOpen();
        expire0();
        return List.copyOf(zones.values());
    }

    @Override
    public synchronized Optional<ZoneOwner> compareAndSetZoneOwner(final int zone, final long expectedRevision,
        final Lease owner) {
        checkZone(zone);
        ensureOpen();
        expire0();
        if (!leases.containsKey(owner.leaseId())) {
            return Optional.empty();
        }
        final ZoneOwner current = zones.get(zone);
        final long currentRevision = current == null ? 0 : current.revision();
        if (currentRevision != expectedRevision) {
            return Optional.empty();
        }
        final ZoneOwner next = new ZoneOwner(zone, owner.nodeId(), owner.leaseId(), ++revision);
        zones.put(zone, next);
        emit(new MembershipEvent.ZoneChanged(zone, owner.nodeId(), next.revision()));
        return Optional.of(next);
    }

    @Override
    public synchronized boolean releaseZone(final int zone, final long expectedRevision) {
        checkZone(zone);
        ensureOpen();
        expire0();
        final ZoneOwner current = zones.get(zone);
        if (current == null || current.revision() != expectedRevision) {
            return false;
        }
        zones.remove(zone);
        emit(new MembershipEvent.ZoneChanged(zone, NodeIds.NONE, ++revision));
        return true;
    }

    @Override
    public Subscription watch(final MembershipListener listener) {
        if (listener == null) {
            throw new IllegalArgumentException("listener must not be null");
        }
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @Override
    public synchronized void close() {
        closed = true;
        listeners.clear();
    }

    private void emit(final MembershipEvent event) {
        for (final MembershipListener listener : listeners) {
            listener.onEvent(event);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("membership is closed");
        }
    }

    private static void checkZone(final int zone) {
        if (zone < 0) {
            throw new IllegalArgumentException("zone must be >= 0, was " + zone);
        }
    }

    @Override
    public synchronized String toString() {
        return "InMemoryMembership{revision=" + revision + ", members=" + members.keySet() + ", zones=" + zones.size()
            + '}';
    }
}

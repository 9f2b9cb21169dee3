package org.mmosdk.shard.partition;

import java.util.ArrayList;
import java.util.List;

import org.mmosdk.shard.membership.Member;
import org.mmosdk.shard.membership.Membership;
import org.mmosdk.shard.membership.MembershipEvent;
import org.mmosdk.shard.membership.Subscription;
import org.mmosdk.shard.membership.ZoneOwner;

/**
 * Keeps a {@link RouteCache} in step with a {@link Membership}: members become the live nodes keys hash to,
 * zone ownership records become zone owners, and every change swaps in a new {@link PartitionMap} (which
 * invalidates the cached routes).
 *
 * <p>{@link #start(Membership, RouteCache)} subscribes first, reads the current state, applies it, and then
 * replays the events that arrived meanwhile in order, so no change is missed and the latest change of each
 * node and zone wins. Later events are applied on the membership's event thread. The binding never calls the
 * membership from its listener, so it cannot deadlock against the membership's own lock.
 */
public final class MembershipRouting implements AutoCloseable {
    private final RouteCache routes;
    private Subscription subscription;
    private List<MembershipEvent> pending = new ArrayList<>();

    private MembershipRouting(final RouteCache routes) {
        this.routes = routes;
    }

    /**
     * Starts keeping {@code routes} in step with {@code membership}.
     *
     * @param membership the source of changes
     * @param routes the cache to update
     * @return the running binding; close it to stop
     */
    public static MembershipRouting start(final Membership membership, final RouteCache routes) {
        final MembershipRouting binding = new MembershipRouting(routes);
        binding.subscription = membership.watch(binding::onEvent);
        final List<Member> members = membership.members();
        final List<ZoneOwner> owners = membership.zoneOwners();
        synchronized (binding) {
            PartitionMap map = routes.map();
            for (final Member m : members) {
                map = map.withNode(m.nodeId());
            }
            for (final ZoneOwner z : owners) {
                if (z.zone() < map.layout().zoneCount()) {
                    map = map.withZoneOwner(z.zone(), z.nodeId());
                }
            }
            routes.update(map);
            for (final MembershipEvent event : binding.pending) {
                binding.apply(event);
            }
            binding.pending = null;
        }
        return binding;
    }

    private synchronized void onEvent(final MembershipEvent event) {
        if (pending != null) {
            pending.add(event);
        } else {
            apply(event);
        }
    }

    private void apply(final MembershipEvent event) {
        final PartitionMap map = routes.map();
        final PartitionMap next;
        if (event instanceof MembershipEvent.Joined joined) {
            next = map.withNode(joined.member().nodeId());
        } else if (event instanceof MembershipEvent.Left left) {
            next = map.withoutNode(left.nodeId());
        } else if (event instanceof MembershipEvent.ZoneChanged zc && zc.zone() < map.layout().zoneCount()) {
            next = map.withZoneOwner(zc.zone(), zc.nodeId());
        } else {
            next = map;
        }
        if (next != map) {
            routes.update(next);
        }
    }

    /** Stops following changes. */
    @Override
    public void close() {
        subscription.close();
    }
}

package org.mmosdk.shard.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mmosdk.core.id.NodeIds;

/**
 * The behaviour every {@link Membership} implementation must have. Subclasses supply a fresh, isolated
 * membership per test and a way to let time pass; nothing else.
 */
public abstract class AbstractMembershipContractTest {
    /** A lease that outlives every test. */
    protected static final Duration LONG_TTL = Duration.ofSeconds(60);

    /** The membership under test, fresh for each test. */
    protected Membership membership;
    /** Every event seen since the test started. */
    protected final List<MembershipEvent> events = new CopyOnWriteArrayList<>();

    /**
     * A new, empty, isolated membership.
     *
     * @return the implementation under test
     */
    protected abstract Membership create();

    /**
     * The short TTL used by expiry tests; the implementation must grant exactly this.
     *
     * @return the TTL
     */
    protected abstract Duration shortTtl();

    /**
     * Lets {@code duration} of the implementation's time pass (advance a virtual clock, or sleep).
     *
     * @param duration how long
     */
    protected abstract void elapse(Duration duration);

    /**
     * How long to wait for an asynchronous effect (expiry, a watch event) in real time.
     *
     * @return the bound
     */
    protected Duration awaitTimeout() {
        return Duration.ofSeconds(10);
    }

    @BeforeEach
    void setUpMembership() {
        membership = create();
        membership.watch(events::add);
    }

    @AfterEach
    void closeMembership() {
        membership.close();
    }

    @Test
    void joinAddsAMemberWithItsLease() {
        final Lease lease = membership.join(1, "127.0.0.1:7001", LONG_TTL);
        assertThat(lease.nodeId()).isEqualTo(1);
        assertThat(lease.fencingToken()).isPositive();
        assertThat(lease.ttl()).isEqualTo(LONG_TTL);
        assertThat(membership.members())
            .containsExactly(new Member(1, "127.0.0.1:7001", lease.leaseId(), lease.fencingToken()));
        await(() -> events.stream().anyMatch(e -> e instanceof MembershipEvent.Joined j && j.member().nodeId() == 1),
            "Joined(1) event");
    }

    @Test
    void membersAreListedByNodeId() {
        membership.join(3, "c", LONG_TTL);
        membership.join(1, "a", LONG_TTL);
        membership.join(2, "b", LONG_TTL);
        assertThat(membership.members()).extracting(Member::nodeId).containsExactly(1, 2, 3);
    }

    @Test
    void aLiveNodeCannotJoinTwice() {
        membership.join(1, "127.0.0.1:7001", LONG_TTL);
        assertThatThrownBy(() -> membership.join(1, "127.0.0.1:7009", LONG_TTL))
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("node 1 is already a member");
        assertThatThrownBy(() -> membership.join(0, "x", LONG_TTL)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> membership.join(2, "", LONG_TTL)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void leaveRemovesTheMemberAndTheZonesItOwned() {
        final Lease one = membership.join(1, "a", LONG_TTL);
        final Lease two = membership.join(2, "b", LONG_TTL);
        membership.compareAndSetZoneOwner(5, 0, one).orElseThrow();
        membership.compareAndSetZoneOwner(6, 0, two).orElseThrow();
        membership.leave(one);
        assertThat(membership.members()).extracting(Member::nodeId).containsExactly(2);
        assertThat(membership.zoneOwner(5)).isEmpty();
        assertThat(membership.zoneOwners()).extracting(ZoneOwner::zone).containsExactly(6);
        assertThat(membership.keepAlive(one)).isFalse();
        membership.leave(one); // idempotent
        await(() -> events.stream().anyMatch(e -> e instanceof MembershipEvent.Left l && l.nodeId() == 1)
            && events.stream().anyMatch(e -> e instanceof MembershipEvent.ZoneChanged z && z.zone() == 5
                && z.nodeId() == NodeIds.NONE), "Left(1) and ZoneChanged(5, NONE) events");
    }

    @Test
    void aCrashedNodeIsRemovedWhenItsLeaseExpires() {
        final Lease crashed = membership.join(1, "a", shortTtl());
        final Lease alive = membership.join(2, "b", LONG_TTL);
        membership.compareAndSetZoneOwner(1, 0, crashed).orElseThrow();
        membership.compareAndSetZoneOwner(2, 0, alive).orElseThrow();

        elapse(shortTtl().multipliedBy(3).dividedBy(2));
        await(() -> membership.members().stream().noneMatch(m -> m.nodeId() == 1), "node 1 removed after lease expiry");
        assertThat(membership.members()).extracting(Member::nodeId).containsExactly(2);
        assertThat(membership.zoneOwner(1)).as("the crashed node's zone is free again").isEmpty();
        assertThat(membership.zoneOwner(2)).isPresent();
        assertThat(membership.keepAlive(crashed)).isFalse();
        assertThat(membership.compareAndSetZoneOwner(3, 0, crashed)).as("an expired lease cannot own").isEmpty();
        await(() -> events.stream().anyMatch(e -> e instanceof MembershipEvent.Left l && l.nodeId() == 1),
            "Left(1) event");
    }

    @Test
    void keepAliveKeepsAMemberPastItsTtl() {
        final Lease lease = membership.join(1, "a", shortTtl());
        for (int i = 0; i < 3; i++) {
            elapse(shortTtl().dividedBy(2));
            assertThat(membership.keepAlive(lease)).as("keepalive %d", i).isTrue();
        }
        assertThat(membership.members()).extracting(Member::nodeId).containsExactly(1);
    }

    @Test
    void watchDeliversChangesInRevisionOrderUntilClosed() {
        final List<MembershipEvent> mine = new CopyOnWriteArrayList<>();
        final Subscription subscription = membership.watch(mine::add);
        final Lease one = membership.join(1, "a", LONG_TTL);
        membership.compareAndSetZoneOwner(0, 0, one).orElseThrow();
        await(() -> mine.size() >= 2, "two events");
        assertThat(mine.get(0)).isInstanceOf(MembershipEvent.Joined.class);
        assertThat(mine.get(1)).isEqualTo(new MembershipEvent.ZoneChanged(0, 1, mine.get(1).revision()));
        assertThat(mine.get(1).revision()).isGreaterThan(mine.get(0).revision());
        subscription.close();
        membership.join(2, "b", LONG_TTL);
        await(() -> events.stream().anyMatch(e -> e instanceof MembershipEvent.Joined j && j.member().nodeId() == 2),
            "Joined(2) on the other listener");
        assertThat(mine).hasSize(2);
    }

    @Test
    void zoneOwnershipChangesOnlyByCompareAndSet() {
        final Lease one = membership.join(1, "a", LONG_TTL);
        final Lease two = membership.join(2, "b", LONG_TTL);
        final ZoneOwner first = membership.compareAndSetZoneOwner(7, 0, one).orElseThrow();
        assertThat(first.nodeId()).isEqualTo(1);
        assertThat(first.leaseId()).isEqualTo(one.leaseId());
        assertThat(membership.compareAndSetZoneOwner(7, 0, two)).as("zone 7 is taken").isEmpty();
        assertThat(membership.compareAndSetZoneOwner(7, first.revision() + 1000, two)).isEmpty();
        assertThat(membership.zoneOwner(7)).contains(first);

        final ZoneOwner second = membership.compareAndSetZoneOwner(7, first.revision(), two).orElseThrow();
        assertThat(second.nodeId()).isEqualTo(2);
        assertThat(second.revision()).isGreaterThan(first.revision());
        assertThat(membership.compareAndSetZoneOwner(7, first.revision(), one)).as("stale revision").isEmpty();

        assertThat(membership.releaseZone(7, first.revision())).isFalse();
        assertThat(membership.releaseZone(7, second.revision())).isTrue();
        assertThat(membership.zoneOwner(7)).isEmpty();
        assertThat(membership.compareAndSetZoneOwner(7, 0, one)).isPresent();
    }

    @Test
    void racingClaimsOfOneZoneHaveExactlyOneWinner() throws Exception {
        final int nodes = 4;
        final Lease[] leases = new Lease[nodes];
        for (int i = 0; i < nodes; i++) {
            leases[i] = membership.join(i + 1, "n" + (i + 1), LONG_TTL);
        }
        final java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(nodes);
        try {
            final java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(nodes);
            final List<java.util.concurrent.Future<Optional<ZoneOwner>>> claims = new java.util.ArrayList<>();
            for (final Lease lease : leases) {
                claims.add(pool.submit(() -> {
                    start.await(10, java.util.concurrent.TimeUnit.SECONDS);
                    return membership.compareAndSetZoneOwner(9, 0, lease);
                }));
            }
            final List<ZoneOwner> winners = new java.util.ArrayList<>();
            for (final java.util.concurrent.Future<Optional<ZoneOwner>> claim : claims) {
                claim.get(10, java.util.concurrent.TimeUnit.SECONDS).ifPresent(winners::add);
            }
            assertThat(winners).hasSize(1);
            assertThat(membership.zoneOwner(9)).contains(winners.get(0));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void revisionsAreFencingTokensThatRejectTheFormerOwner() {
        final Lease one = membership.join(1, "a", LONG_TTL);
        final Lease two = membership.join(2, "b", LONG_TTL);
        final FencingGuard zoneStore = new FencingGuard();
        final ZoneOwner former = membership.compareAndSetZoneOwner(4, 0, one).orElseThrow();
        assertThat(zoneStore.tryAccept(former.revision())).isTrue();
        final ZoneOwner current = membership.compareAndSetZoneOwner(4, former.revision(), two).orElseThrow();
        assertThat(zoneStore.tryAccept(current.revision())).isTrue();
        assertThat(zoneStore.tryAccept(current.revision())).as("the owner writes again").isTrue();
        assertThat(zoneStore.tryAccept(former.revision())).as("the former owner is fenced off").isFalse();

        membership.leave(one);
        final Lease again = membership.join(1, "a", LONG_TTL);
        assertThat(again.fencingToken()).isGreaterThan(one.fencingToken());
        assertThat(again.leaseId()).isNotEqualTo(one.leaseId());
    }

    @Test
    void routesFollowMembershipAndOwnershipChanges() {
        final org.mmosdk.shard.partition.ZoneLayout layout = org.mmosdk.shard.partition.ZoneLayout.builder()
            .cellSize(10).cells(8, 8).zones(2, 2).build();
        final org.mmosdk.shard.partition.RouteCache routes = org.mmosdk.shard.partition.RouteCache
            .builder(org.mmosdk.shard.partition.PartitionMap.of(layout)).build();
        final Lease one = membership.join(1, "a", LONG_TTL);
        final org.mmosdk.shard.partition.MembershipRouting binding =
            org.mmosdk.shard.partition.MembershipRouting.start(membership, routes);
        try {
            assertThat(routes.route("guild:7")).isEqualTo(1);
            final Lease two = membership.join(2, "b", LONG_TTL);
            final ZoneOwner z = membership.compareAndSetZoneOwner(3, 0, one).orElseThrow();
            await(() -> routes.routeZone(3) == 1 && routes.map().nodes().size() == 2, "zone 3 on node 1, two nodes");
            membership.compareAndSetZoneOwner(3, z.revision(), two).orElseThrow();
            await(() -> routes.routeZone(3) == 2, "zone 3 re-routed to node 2");
            membership.leave(two);
            await(() -> routes.routeZone(3) == NodeIds.NONE && routes.route("guild:7") == 1,
                "node 2's zone unrouted and its keys back on node 1");
        } finally {
            binding.close();
        }
    }

    @Test
    void unknownZonesAreUnowned() {
        assertThat(membership.zoneOwner(123)).isEqualTo(Optional.empty());
        assertThat(membership.zoneOwners()).isEmpty();
        assertThat(membership.releaseZone(123, 0)).isFalse();
        assertThatThrownBy(() -> membership.zoneOwner(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * Polls {@code condition} every 10 ms of real time until it holds or {@link #awaitTimeout()} passes.
     *
     * @param condition what to wait for
     * @param what named in the failure
     */
    protected final void await(final BooleanSupplier condition, final String what) {
        final long deadline = System.nanoTime() + awaitTimeout().toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + awaitTimeout() + " waiting for " + what + "; events: "
                    + events);
            }
            try {
                Thread.sleep(10);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
    }
}

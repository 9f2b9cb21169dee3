package org.mmosdk.shard.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.mmosdk.core.id.NodeIds;
import org.mmosdk.core.stats.Counter;
import org.mmosdk.core.stats.StatsRegistry;
import org.mmosdk.core.time.VirtualClock;
import org.mmosdk.shard.membership.InMemoryMembership;
import org.mmosdk.shard.membership.Lease;
import org.mmosdk.shard.membership.ZoneOwner;

class PartitionTest {
    private static final ZoneLayout LAYOUT = ZoneLayout.builder().origin(-100, -100).cellSize(10).cells(20, 10)
        .zones(4, 2).build();

    @Test
    void positionsMapToCellsAndZones() {
        assertThat(LAYOUT.zoneCount()).isEqualTo(8);
        assertThat(LAYOUT.cellX(-100)).isZero();
        assertThat(LAYOUT.cellX(99.9)).isEqualTo(19);
        assertThat(LAYOUT.cellX(100)).isEqualTo(ZoneLayout.NO_ZONE);
        assertThat(LAYOUT.zoneAt(-100, -100)).isZero();
        assertThat(LAYOUT.zoneAt(-50.1, -100)).isZero(); // cell 4 of 20, zone column 0 of 4
        assertThat(LAYOUT.zoneAt(-50, -100)).isEqualTo(1); // cell 5
        assertThat(LAYOUT.zoneAt(99, -50.1)).isEqualTo(3);
        assertThat(LAYOUT.zoneAt(99, -50)).isEqualTo(7);
        assertThat(LAYOUT.zoneAt(99, 0)).as("the world ends at y = 0").isEqualTo(ZoneLayout.NO_ZONE);
        assertThat(LAYOUT.zoneAt(-101, 0)).isEqualTo(ZoneLayout.NO_ZONE);
        assertThat(LAYOUT.zoneAt(Double.NaN, 0)).isEqualTo(ZoneLayout.NO_ZONE);
        assertThat(LAYOUT.zoneOfCell(20, 0)).isEqualTo(ZoneLayout.NO_ZONE);
    }

    @Test
    void layoutBuilderNamesTheBadValue() {
        assertThatThrownBy(() -> ZoneLayout.builder().cells(10, 10).zones(1, 1).build())
            .hasMessageContaining("cellSize must be finite and > 0, was NaN");
        assertThatThrownBy(() -> ZoneLayout.builder().cellSize(1).cells(10, 10).zones(11, 1).build())
            .hasMessage("zones x must be in [1, 10], was 11");
        assertThatThrownBy(() -> ZoneLayout.builder().cellSize(1).cells(0, 10).zones(1, 1).build())
            .hasMessage("cells x must be in [1, 1048576], was 0");
    }

    @Test
    void mapRoutesZonesPositionsAndKeys() {
        PartitionMap map = PartitionMap.of(LAYOUT);
        assertThat(map.nodeForKey("guild:1")).isEqualTo(NodeIds.NONE);
        map = map.withNode(1).withNode(2).withZoneOwner(7, 2);
        assertThat(map.epoch()).isEqualTo(3);
        assertThat(map.nodeAt(99, -1)).isEqualTo(2);
        assertThat(map.nodeOfZone(0)).isEqualTo(NodeIds.NONE);
        assertThat(map.nodeOfZone(99)).isEqualTo(NodeIds.NONE);
        assertThat(map.nodeForKey("guild:1")).isIn(1, 2);
        assertThat(map.withNode(1)).isSameAs(map);
        assertThat(map.withoutNode(2).nodeForKey("guild:1")).isEqualTo(1);
        assertThatThrownBy(() -> PartitionMap.of(LAYOUT).withZoneOwner(8, 1))
            .hasMessage("zone must be in [0, 8), was 8");
        assertThatThrownBy(() -> RendezvousHash.of(0)).hasMessageContaining("nodeId must be in [1, 65535], was 0");
    }

    @Test
    void keyHashIsStable() {
        // fixed values: every node and gateway must agree on routes across JVMs and releases
        assertThat(KeyHash.of("guild:42")).isEqualTo(KeyHash.of(new StringBuilder("guild:42")));
        assertThat(KeyHash.of("guild:42")).isNotEqualTo(KeyHash.of("guild:43"));
        assertThat(RendezvousHash.of(3, 1, 2, 2).nodes()).containsExactly(1, 2, 3);
    }

    @Test
    void routeCacheServesCachedRoutesUntilTheMapChanges() {
        final StatsRegistry stats = new StatsRegistry();
        final RouteCache routes = RouteCache.builder(PartitionMap.of(LAYOUT).withNode(1)).stats(stats).build();
        final Counter misses = stats.counter("shard.route.misses", "");
        assertThat(routes.route("chat:world")).isEqualTo(1);
        assertThat(routes.route("chat:world")).isEqualTo(1);
        assertThat(misses.get()).isEqualTo(1);

        final PartitionMap two = routes.map().withNode(2);
        assertThat(routes.update(two)).isTrue();
        final int expected = two.nodeForKey("chat:world");
        assertThat(routes.route("chat:world")).isEqualTo(expected);
        assertThat(misses.get()).isEqualTo(2);
        assertThat(routes.update(PartitionMap.of(LAYOUT))).as("older epoch is ignored").isFalse();
        assertThatThrownBy(() -> RouteCache.builder(two).maxRoutes(0).build())
            .hasMessage("maxRoutes must be in [1, 2^40], was 0");
    }

    @Test
    void membershipChangesRebindRoutes() {
        final VirtualClock clock = new VirtualClock();
        try (InMemoryMembership membership = new InMemoryMembership(clock)) {
            final Lease one = membership.join(1, "127.0.0.1:7001", Duration.ofSeconds(5));
            final RouteCache routes = RouteCache.builder(PartitionMap.of(LAYOUT)).build();
            final MembershipRouting binding = MembershipRouting.start(membership, routes);
            try {
                assertThat(routes.route("home:alice")).isEqualTo(1);
                final ZoneOwner z = membership.compareAndSetZoneOwner(3, 0, one).orElseThrow();
                assertThat(routes.routeZone(3)).isEqualTo(1);

                final Lease two = membership.join(2, "127.0.0.1:7002", Duration.ofSeconds(60));
                assertThat(routes.route("home:alice")).isEqualTo(routes.map().nodeForKey("home:alice"));
                membership.compareAndSetZoneOwner(3, z.revision(), two).orElseThrow();
                assertThat(routes.routeZone(3)).as("player in zone 3 re-routed").isEqualTo(2);

                clock.advance(Duration.ofSeconds(6));
                membership.expireLeases();
                assertThat(routes.map().nodes().nodes()).containsExactly(2);
                assertThat(routes.route("home:alice")).isEqualTo(2);
            } finally {
                binding.close();
            }
        }
    }
}

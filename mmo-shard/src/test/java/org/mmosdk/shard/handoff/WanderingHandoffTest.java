package org.mmosdk.shard.handoff;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

import org.agrona.collections.LongHashSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mmosdk.shard.link.NodeLinks;
import org.mmosdk.shard.partition.PartitionMap;
import org.mmosdk.shard.partition.RouteCache;

/**
 * 1,000 entities wander over four zones on two nodes (zones 0 and 2 on node 1, 1 and 3 on node 2, linked over
 * loopback) while a stand-in gateway sends inputs by stale routes and the links are dropped every two seconds. At the
 * end every entity exists exactly once and every input was applied exactly once. Runs 10 s; set
 * {@code -Dshard.wander.seconds=60} for the one-minute run.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class WanderingHandoffTest {
    static final int ENTITIES = 1000;
    private final List<WanderZone> zones = new ArrayList<>();
    private final List<NodeLinks> links = new ArrayList<>();

    @AfterEach
    void close() throws InterruptedException {
        for (final WanderZone z : zones) {
            z.stop();
        }
        for (final NodeLinks l : links) {
            l.close();
        }
    }

    @Test
    void everyEntityEndsInExactlyOneZoneAndEveryInputIsAppliedOnce() throws Exception {
        final long seconds = Long.getLong("shard.wander.seconds", 10);
        PartitionMap map = PartitionMap.of(WanderZone.LAYOUT).withNode(1).withNode(2);
        map = map.withZoneOwner(0, 1).withZoneOwner(2, 1).withZoneOwner(1, 2).withZoneOwner(3, 2);
        final RouteCache routes = RouteCache.builder(map).build();
        final HandoffService[] services = new HandoffService[3];
        for (int node = 1; node <= 2; node++) {
            services[node] = HandoffService.builder(node, routes::routeZone).build();
            final NodeLinks l = services[node].install(NodeLinks.builder(node).maxInFlight(512)
                .retransmitAfter(Duration.ofMillis(100))).build().start();
            services[node].bind(l);
            links.add(l);
        }
        links.get(0).addPeer(2, links.get(1).address());
        links.get(1).addPeer(1, links.get(0).address());

        // the stand-in gateway's routes: the zone where each entity arrived last (stale while it moves)
        final AtomicIntegerArray routeOf = new AtomicIntegerArray(ENTITIES + 1);
        for (int z = 0; z < 4; z++) {
            final WanderZone zone = new WanderZone(z, 42 + z, 20, 30);
            zone.ghostMargin = 5;
            final int zoneId = z;
            zone.host(services[routes.routeZone(z)], new HandoffListener() {
                @Override
                public void onArrived(final long entity, final long gid, final int fromZone, final long frozenNanos) {
                    routeOf.set((int) gid, zoneId);
                }
            });
            zones.add(zone);
        }
        for (int z = 0; z < 4; z++) {
            zones.get(z).spawn(1 + z * (ENTITIES / 4), ENTITIES / 4);
            for (long gid = 1 + z * (ENTITIES / 4); gid <= (z + 1) * (ENTITIES / 4); gid++) {
                routeOf.set((int) gid, z);
            }
        }
        zones.forEach(WanderZone::start);

        final SplittableRandom random = new SplittableRandom(7);
        final AtomicLong inputsSent = new AtomicLong();
        final AtomicLong inputsUnroutable = new AtomicLong();
        final long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long nextDrop = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        int drops = 0;
        while (System.nanoTime() < end) {
            for (int i = 0; i < 20; i++) {
                final long gid = 1 + random.nextInt(ENTITIES);
                final WanderZone target = zones.get(routeOf.get((int) gid));
                inputsSent.incrementAndGet();
                target.call(z -> z.handoff.routeInput(gid, ByteBuffer.wrap(new byte[] {1, 2, 3, 4})))
                    .thenAccept(rc -> {
                        if (rc == ZoneHandoff.UNKNOWN) {
                            inputsUnroutable.incrementAndGet();
                        }
                    });
            }
            if (System.nanoTime() > nextDrop) {
                links.get(drops % 2).dropConnection(drops % 2 == 0 ? 2 : 1);
                if (drops % 3 == 2) {
                    links.get(1).dropInbound();
                }
                drops++;
                nextDrop += TimeUnit.SECONDS.toNanos(2);
            }
            Thread.sleep(10);
        }
        for (final WanderZone z : zones) {
            z.wander = false;
        }
        // quiesce: no handoff pending anywhere, nothing in flight on the links
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int quiet = 0;
        while (quiet < 5) {
            assertThat(System.nanoTime()).as("handoffs settle within 30 s").isLessThan(deadline);
            int pending = 0;
            for (final WanderZone z : zones) {
                pending += z.await(x -> x.handoff.pendingHandoffs());
            }
            pending += links.get(0).inFlight(2) + links.get(1).inFlight(1);
            quiet = pending == 0 ? quiet + 1 : 0;
            Thread.sleep(50);
        }

        final LongHashSet seen = new LongHashSet();
        long total = 0;
        long duplicates = 0;
        long inputsApplied = 0;
        long handoffs = 0;
        long ghosts = 0;
        final java.util.Map<Integer, LongHashSet> ownedBy = new java.util.HashMap<>();
        for (final WanderZone z : zones) {
            final long[] gids = z.await(WanderZone::gids);
            final LongHashSet own = new LongHashSet();
            for (final long g : gids) {
                own.add(g);
            }
            ownedBy.put(z.zone, own);
            total += gids.length;
            for (final long gid : gids) {
                if (!seen.add(gid)) {
                    duplicates++;
                }
            }
            inputsApplied += z.await(WanderZone::inputs);
            assertThat(z.await(WanderZone::frozen)).as("frozen entities in zone " + z.zone).isZero();
        }
        for (final WanderZone z : zones) {
            final long[] ghostGids = z.await(WanderZone::ghostGids);
            ghosts += ghostGids.length;
            for (final long g : ghostGids) {
                assertThat(ownedBy.get(z.zone).contains(g)).as("zone " + z.zone + " holds a ghost of its own entity " + g).isFalse();
                assertThat(seen.contains(g)).as("ghost " + g + " is a copy of a live entity").isTrue();
            }
            final int held = z.await(x -> x.handoff.ghostCount());
            assertThat(held).isEqualTo(ghostGids.length);
        }
        for (final HandoffService s : new HandoffService[] {services[1], services[2]}) {
            for (int z = 0; z < 4; z++) {
                final ZoneHandoff h = s.zone(z);
                if (h != null) {
                    handoffs += h.counters().sent();
                }
            }
        }
        System.out.printf("wandering %d s: %d entities in the end, %d distinct, %d duplicated, %d handoffs, "
                + "%d inputs sent, %d applied, %d unroutable, %d link drops, %d ghosts held at the end, link counters %s / %s%n",
            seconds, total, seen.size(), duplicates, handoffs, inputsSent.get(), inputsApplied, inputsUnroutable.get(), drops, ghosts,
            links.get(0).counters(), links.get(1).counters());
        assertThat(duplicates).as("duplicated entities").isZero();
        assertThat(total).as("entities at the end").isEqualTo(ENTITIES);
        for (long gid = 1; gid <= ENTITIES; gid++) {
            assertThat(seen.contains(gid)).as("entity " + gid + " exists").isTrue();
        }
        assertThat(handoffs).as("entities crossed borders").isGreaterThan(ENTITIES / 2);
        assertThat(ghosts).as("entities near borders are visible across them").isPositive();
        assertThat(inputsUnroutable.get()).as("inputs with nowhere to go").isZero();
        assertThat(inputsApplied).as("inputs applied exactly once").isEqualTo(inputsSent.get());
    }
}

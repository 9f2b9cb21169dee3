package org.mmosdk.shard.handoff;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

import com.google.flatbuffers.FlatBufferBuilder;
import io.netty.channel.EventLoopGroup;
import org.agrona.collections.LongHashSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mmosdk.core.peer.Delivery;
import org.mmosdk.core.stats.StatsRegistry;
import org.mmosdk.core.time.Clock;
import org.mmosdk.core.wire.EnvelopeWriter;
import org.mmosdk.core.wire.MessageRegistry;
import org.mmosdk.core.wire.MessageTypes;
import org.mmosdk.ecs.World;
import org.mmosdk.net.Authenticator;
import org.mmosdk.net.Gateway;
import org.mmosdk.net.Session;
import org.mmosdk.net.client.ClientListener;
import org.mmosdk.net.client.GameClient;
import org.mmosdk.shard.link.NodeLinks;
import org.mmosdk.shard.link.SessionRelay;
import org.mmosdk.shard.link.ShardMessageTypes;
import org.mmosdk.shard.membership.InMemoryMembership;
import org.mmosdk.shard.membership.Lease;
import org.mmosdk.shard.membership.ZoneOwner;
import org.mmosdk.shard.partition.MembershipRouting;
import org.mmosdk.shard.partition.PartitionMap;
import org.mmosdk.shard.partition.RouteCache;
import org.mmosdk.shard.wire.fb.ForwardedInput;

/**
 * Two nodes on loopback share an in-memory membership; entities wander over four zones; a client connected to node
 * 1's gateway keeps sending inputs for ten entities. Zone 0 moves from node 1 to node 2 and back, live. The session
 * stays connected, ownership moves by compare-and-set with growing fencing tokens, routes follow, and in the end
 * every entity exists once and every input the client sent was applied once.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ZoneMigrationTest {
    private static final int ENTITIES = 1000;
    private static final int INPUT_TYPE = MessageTypes.APP_FIRST;
    private static final int SNAPSHOT_TYPE = MessageTypes.APP_FIRST + 1;

    private final List<WanderZone> zones = new CopyOnWriteArrayList<>();
    private final AtomicIntegerArray routeOf = new AtomicIntegerArray(ENTITIES + 1);
    private final List<Long> pauses = new CopyOnWriteArrayList<>();
    private final Node[] nodes = new Node[3];
    private InMemoryMembership membership;
    private Gateway gateway;
    private EventLoopGroup clients;

    private final class Node {
        final int id;
        final RouteCache routes = RouteCache.builder(PartitionMap.of(WanderZone.LAYOUT)).build();
        final HandoffService handoffs;
        final ZoneMigration migration;
        final NodeLinks links;
        final MembershipRouting routing;
        final Lease lease;
        final SessionRelay relay;
        volatile long hostDelayMillis;

        Node(final int id) {
            this.id = id;
            handoffs = HandoffService.builder(id, routes::routeZone).build();
            lease = membership.join(id, "127.0.0.1:0", Duration.ofMinutes(5));
            migration = ZoneMigration.create(handoffs, membership, lease, new ZoneHost() {
                @Override
                public World newWorld(final int zone) {
                    if (hostDelayMillis > 0) {
                        try {
                            Thread.sleep(hostDelayMillis); // a target too slow to answer in time
                        } catch (final InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    return WanderZone.newWorld();
                }

                @Override
                public void start(final int zone, final World world, final long fencingToken, final long pausedNanos) {
                    final WanderZone z = WanderZone.arrived(zone, world, 100 + zone, 20, 30);
                    z.ghostMargin = 5;
                    host(z);
                    run(z);
                    pauseWatch(z, pausedNanos);
                }
            }, Duration.ofSeconds(3));
            relay = SessionRelay.create(id, (session, envelope) -> {
                final Gateway g = gateway;
                final Session s = id == 1 && g != null ? g.sessions().get(session) : null;
                if (s == null || !s.send(envelope, Delivery.DROPPABLE)) {
                    return false;
                }
                s.flush();
                return true;
            }, new StatsRegistry());
            links = relay.install(migration.install(handoffs.install(NodeLinks.builder(id)
                .retransmitAfter(Duration.ofMillis(100))))).build().start();
            handoffs.bind(links);
            relay.bind(links);
            migration.bind(links);
            routing = MembershipRouting.start(membership, routes);
        }

        void host(final WanderZone z) {
            z.host(handoffs, new HandoffListener() {
                @Override
                public void onArrived(final long entity, final long gid, final int fromZone, final long frozenNanos) {
                    routeOf.set((int) gid, z.zone);
                }
            });
        }

        void run(final WanderZone z) {
            z.afterTick = zone -> snapshots(this, zone);
            z.attach(migration);
            zones.add(z);
            z.start();
        }

        void close() {
            routing.close();
            migration.close();
            links.close();
        }
    }

    private volatile long playerSession;
    private final EnvelopeWriter[] snapshotWriters = new EnvelopeWriter[8];

    /** Every tick, each zone sends the client a small snapshot of the player entities (gids 1-10) it holds. */
    private void snapshots(final Node node, final WanderZone zone) {
        final long session = playerSession;
        if (session == 0) {
            return;
        }
        EnvelopeWriter w = snapshotWriters[zone.zone];
        if (w == null) {
            w = new EnvelopeWriter();
            snapshotWriters[zone.zone] = w;
        }
        for (long gid = 1; gid <= 10; gid++) {
            if (zone.handoff.entityOf(gid) != org.mmosdk.core.id.EntityIds.NONE) {
                final FlatBufferBuilder b = w.begin(SNAPSHOT_TYPE);
                final int v = ForwardedInput.createInputVector(b, new byte[] {(byte) node.id});
                node.relay.send(1, session, w.finish(ForwardedInput.createForwardedInput(b, gid, zone.zone, v)));
            }
        }
    }

    private void pauseWatch(final WanderZone z, final long pausedNanos) {
        final Thread t = new Thread(() -> {
            while (z.firstTickNanos == 0) {
                Thread.onSpinWait();
            }
            pauses.add(z.firstTickNanos - pausedNanos);
        });
        t.setDaemon(true);
        t.start();
    }

    @AfterEach
    void close() throws InterruptedException {
        for (final WanderZone z : zones) {
            z.stop();
        }
        if (gateway != null) {
            gateway.shutdown(Duration.ZERO);
        }
        if (clients != null) {
            clients.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
        for (final Node n : nodes) {
            if (n != null) {
                n.close();
            }
        }
        if (membership != null) {
            membership.close();
        }
    }

    @Test
    void aLiveZoneMovesToAnotherNodeAndBackWithoutLossAndSessionsStayConnected() throws Exception {
        membership = new InMemoryMembership(Clock.system());
        nodes[1] = new Node(1);
        nodes[2] = new Node(2);
        nodes[1].links.addPeer(2, nodes[2].links.address());
        nodes[2].links.addPeer(1, nodes[1].links.address());
        for (int z = 0; z < 4; z++) {
            final Node owner = nodes[z % 2 == 0 ? 1 : 2];
            assertThat(owner.migration.acquire(z)).as("zone " + z + " acquired").isPresent();
        }
        for (int z = 0; z < 4; z++) {
            final Node owner = nodes[z % 2 == 0 ? 1 : 2];
            final WanderZone zone = new WanderZone(z, 42 + z, 20, 30);
            zone.ghostMargin = 5; // ghosts must neither move with a zone nor count as entities
            owner.host(zone);
            zone.spawn(1 + z * (ENTITIES / 4), ENTITIES / 4);
            for (long gid = 1 + z * (ENTITIES / 4); gid <= (z + 1) * (ENTITIES / 4); gid++) {
                routeOf.set((int) gid, z);
            }
            owner.run(zone);
        }

        // the client-facing gateway of node 1 sends each input to the zone of its entity, wherever that zone runs
        final AtomicLong refusedInputs = new AtomicLong();
        gateway = Gateway.builder().authenticator(Authenticator.allowAll())
            .messages(MessageRegistry.<Session>builder()
                .register(INPUT_TYPE, ShardMessageTypes.schema().table(ForwardedInput.class), 512, (session, type, p) -> {
                    final ForwardedInput in = ForwardedInput.getRootAsForwardedInput(p);
                    final long gid = in.gid();
                    if (gid < 1 || gid > ENTITIES || !nodes[1].handoffs.sendInput(routeOf.get((int) gid), gid, in.inputAsByteBuffer())) {
                        refusedInputs.incrementAndGet();
                    }
                })
                .build())
            .build().start();
        clients = GameClient.newEventLoopGroup(1);
        final java.util.concurrent.ConcurrentHashMap<String, AtomicLong> snapshotsFrom = new java.util.concurrent.ConcurrentHashMap<>();
        final GameClient client = GameClient.builder().group(clients).tcp(gateway.tcpAddress()).clientName("player")
            .listener(new ClientListener() {
                @Override
                public void onMessage(final GameClient c, final int typeId, final io.netty.buffer.ByteBuf envelope) {
                    if (typeId == SNAPSHOT_TYPE) {
                        final ByteBuffer p = ByteBuffer.allocate(envelope.readableBytes() - 2);
                        envelope.getBytes(envelope.readerIndex() + 2, p);
                        p.flip();
                        final ForwardedInput s = ForwardedInput.getRootAsForwardedInput(p);
                        snapshotsFrom.computeIfAbsent("zone " + s.toZone() + " on node " + s.input(0), k -> new AtomicLong())
                            .incrementAndGet();
                    }
                }
            }).build();
        client.connect().get(5, TimeUnit.SECONDS);
        playerSession = client.sessionId();
        final AtomicLong inputsSent = new AtomicLong();
        final Thread sender = new Thread(() -> {
            final EnvelopeWriter w = new EnvelopeWriter();
            long n = 0;
            while (!Thread.currentThread().isInterrupted() && client.isOpen()) {
                final long gid = 1 + (n++ % 10);
                final FlatBufferBuilder b = w.begin(INPUT_TYPE);
                final int v = ForwardedInput.createInputVector(b, new byte[] {7});
                if (client.send(w.finish(ForwardedInput.createForwardedInput(b, gid, 0, v)))) {
                    inputsSent.incrementAndGet();
                }
                client.flush();
                try {
                    Thread.sleep(10); // 100 inputs/s: under the gateway's default rate limit
                } catch (final InterruptedException e) {
                    return;
                }
            }
        }, "client-inputs");
        sender.start();

        Thread.sleep(2000);
        final long before = membership.zoneOwner(0).orElseThrow().revision();
        final MigrationResult there = nodes[1].migration.migrate(0, 2).get(20, TimeUnit.SECONDS);
        assertThat(there.moved()).as(there.reason()).isTrue();
        final ZoneOwner afterFirst = membership.zoneOwner(0).orElseThrow();
        assertThat(afterFirst.nodeId()).isEqualTo(2);
        assertThat(afterFirst.revision()).as("new fencing token").isGreaterThan(before).isEqualTo(there.revision());
        assertThat(nodes[1].routes.routeZone(0)).as("node 1 routes zone 0 to node 2").isEqualTo(2);
        assertThat(nodes[1].handoffs.zone(0)).isNull();
        assertThat(nodes[2].migration.fencingToken(0)).isEqualTo(there.revision());

        Thread.sleep(1000);
        final MigrationResult back = nodes[2].migration.migrate(0, 1).get(20, TimeUnit.SECONDS);
        assertThat(back.moved()).as(back.reason()).isTrue();
        assertThat(membership.zoneOwner(0).orElseThrow().nodeId()).isEqualTo(1);
        assertThat(back.revision()).isGreaterThan(there.revision());

        // more round trips while entities keep crossing into the moving zone
        for (int i = 0; i < 3; i++) {
            Thread.sleep(400);
            assertThat(nodes[1].migration.migrate(0, 2).get(20, TimeUnit.SECONDS).moved()).isTrue();
            Thread.sleep(400);
            assertThat(nodes[2].migration.migrate(0, 1).get(20, TimeUnit.SECONDS).moved()).isTrue();
        }
        Thread.sleep(1000);
        sender.interrupt();
        sender.join(5000);
        System.out.println("snapshots the client received, by zone and node: " + new java.util.TreeMap<>(snapshotsFrom));
        assertThat(snapshotsFrom).as("the client saw its entities in zone 0 while zone 0 ran on node 2")
            .containsKey("zone 0 on node 2").containsKey("zone 0 on node 1");
        assertThat(client.isOpen()).as("the session stayed connected through both moves: "
            + (client.closeFuture().isDone() ? client.closeFuture().join() : "")).isTrue();

        for (final WanderZone z : zones) {
            z.wander = false;
        }
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int quiet = 0;
        while (quiet < 5) {
            assertThat(System.nanoTime()).as("settles within 30 s").isLessThan(deadline);
            int pending = nodes[1].links.inFlight(2) + nodes[2].links.inFlight(1);
            for (final WanderZone z : zones) {
                if (!z.gone) {
                    pending += z.await(x -> x.handoff.pendingHandoffs());
                }
            }
            quiet = pending == 0 ? quiet + 1 : 0;
            Thread.sleep(50);
        }
        final LongHashSet seen = new LongHashSet();
        long total = 0;
        long duplicates = 0;
        long applied = 0;
        int live = 0;
        for (final WanderZone z : zones) {
            if (z.gone) {
                continue;
            }
            live++;
            for (final long gid : z.await(WanderZone::gids)) {
                total++;
                if (!seen.add(gid)) {
                    duplicates++;
                }
            }
            applied += z.await(WanderZone::inputs);
        }
        System.out.printf("migration: there %s, back %s, pauses (source pause -> target's first tick) %s ms, "
                + "%d entities, %d duplicated, inputs sent %d applied %d refused %d%n", there, back,
            pauses.stream().map(n -> String.format("%.1f", n / 1e6)).toList(), total, duplicates, inputsSent.get(), applied,
            refusedInputs.get());
        assertThat(live).as("live zones").isEqualTo(4);
        assertThat(duplicates).isZero();
        assertThat(total).isEqualTo(ENTITIES);
        assertThat(seen.size()).isEqualTo(ENTITIES);
        assertThat(refusedInputs.get()).isZero();
        assertThat(applied).as("every input the client sent was applied once").isEqualTo(inputsSent.get());
        assertThat(there.entities() + back.entities()).isPositive();
    }

    @Test
    void aTargetThatCannotTakeOwnershipLeavesTheZoneRunningAtTheSource() throws Exception {
        membership = new InMemoryMembership(Clock.system());
        nodes[1] = new Node(1);
        nodes[2] = new Node(2);
        nodes[1].links.addPeer(2, nodes[2].links.address());
        nodes[2].links.addPeer(1, nodes[1].links.address());
        assertThat(nodes[1].migration.acquire(0)).isPresent();
        final WanderZone zone = new WanderZone(0, 1, 20, 30);
        nodes[1].host(zone);
        zone.spawn(1, 100);
        nodes[1].run(zone);
        // someone else moves the record on behind node 1's back: node 1's token is stale now
        final ZoneOwner stolen = membership.compareAndSetZoneOwner(0, nodes[1].migration.fencingToken(0), nodes[2].lease)
            .orElseThrow();
        final MigrationResult r = nodes[1].migration.migrate(0, 2).get(20, TimeUnit.SECONDS);
        assertThat(r.moved()).isFalse();
        assertThat(r.reason()).contains("no longer at revision");
        assertThat(zone.gone).isFalse();
        assertThat(zone.await(WanderZone::gids)).hasSize(100);
        assertThat(nodes[2].handoffs.zone(0)).as("the target did not start it").isNull();
        assertThat(membership.zoneOwner(0).orElseThrow().revision()).isEqualTo(stolen.revision());
    }

    @Test
    void aTargetThatDoesNotAnswerInTimeIsFencedOffAndTheZoneResumesAtTheSource() throws Exception {
        membership = new InMemoryMembership(Clock.system());
        nodes[1] = new Node(1);
        nodes[2] = new Node(2);
        nodes[1].links.addPeer(2, nodes[2].links.address());
        nodes[2].links.addPeer(1, nodes[1].links.address());
        assertThat(nodes[1].migration.acquire(0)).isPresent();
        final long token = nodes[1].migration.fencingToken(0);
        final WanderZone zone = new WanderZone(0, 1, 20, 30);
        nodes[1].host(zone);
        zone.spawn(1, 100);
        nodes[1].run(zone);
        nodes[2].hostDelayMillis = 4500; // longer than the 3 s ack timeout
        final MigrationResult r = nodes[1].migration.migrate(0, 2).get(20, TimeUnit.SECONDS);
        assertThat(r.moved()).isFalse();
        assertThat(r.reason()).contains("fenced");
        assertThat(nodes[1].migration.fencingToken(0)).as("the source holds a new token").isGreaterThan(token)
            .isEqualTo(membership.zoneOwner(0).orElseThrow().revision());
        assertThat(membership.zoneOwner(0).orElseThrow().nodeId()).isEqualTo(1);
        Thread.sleep(2500); // the slow target wakes up: its CAS expects the old revision and fails
        assertThat(nodes[2].handoffs.zone(0)).as("the target did not start it").isNull();
        assertThat(membership.zoneOwner(0).orElseThrow().nodeId()).isEqualTo(1);
        assertThat(zone.gone).isFalse();
        assertThat(zone.await(WanderZone::gids)).hasSize(100);
    }
}

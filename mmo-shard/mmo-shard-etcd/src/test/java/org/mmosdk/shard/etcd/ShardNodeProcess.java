package org.mmosdk.shard.etcd;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import com.google.flatbuffers.FlatBufferBuilder;
import org.agrona.collections.LongArrayList;
import org.mmosdk.core.stats.StatsRegistry;
import org.mmosdk.core.tick.TickLoop;
import org.mmosdk.core.tick.Tickable;
import org.mmosdk.core.wire.EnvelopeWriter;
import org.mmosdk.core.wire.MessageTypes;
import org.mmosdk.ecs.ComponentType;
import org.mmosdk.ecs.DoubleField;
import org.mmosdk.ecs.EntitySerializer;
import org.mmosdk.ecs.IntField;
import org.mmosdk.ecs.LongField;
import org.mmosdk.ecs.Query;
import org.mmosdk.ecs.World;
import org.mmosdk.shard.checkpoint.Checkpoint;
import org.mmosdk.shard.checkpoint.FileCheckpointStore;
import org.mmosdk.shard.handoff.HandoffService;
import org.mmosdk.shard.handoff.InputSink;
import org.mmosdk.shard.handoff.MigratingZone;
import org.mmosdk.shard.handoff.MigrationResult;
import org.mmosdk.shard.handoff.ZoneHandoff;
import org.mmosdk.shard.handoff.ZoneHost;
import org.mmosdk.shard.handoff.ZoneMigration;
import org.mmosdk.shard.link.NodeLinks;
import org.mmosdk.shard.link.SessionRelay;
import org.mmosdk.shard.membership.Member;
import org.mmosdk.shard.membership.MembershipEvent;
import org.mmosdk.shard.membership.ZoneOwner;
import org.mmosdk.shard.node.ShardNode;
import org.mmosdk.shard.node.ZoneRunner;
import org.mmosdk.shard.node.ZoneSnapshot;
import org.mmosdk.shard.partition.MembershipRouting;
import org.mmosdk.shard.partition.PartitionMap;
import org.mmosdk.shard.partition.RouteCache;
import org.mmosdk.shard.partition.ZoneLayout;
import org.mmosdk.shard.wire.fb.ForwardedInput;

/**
 * One node process of the failure tests: a {@link ShardNode} on etcd with shared file checkpoints, node links, handoff
 * (inputs from the test's gateway reach zones through it) and zone migration. Its zones hold {@link #PER_ZONE} entities
 * bouncing inside the zone at {@link #HZ} Hz; entities {@code zone * 1000 + 1 .. + PLAYERS_PER_ZONE} are the zone's
 * players. A player's input ({@code [u64 session][u64 seq]} little-endian, forwarded by the test's gateway) is applied to
 * its entity and answered with an {@link #ECHO_TYPE} message to the player's session through the {@link SessionRelay}:
 * a {@code ForwardedInput} of the player's gid and zone whose input is {@code [i32 node][i64 fencing token][i64 tick]
 * [i64 seq]}, so the bot sees which owner (and which ownership) runs its zone.
 *
 * <p>Arguments: {@code nodeId etcdUrl cluster checkpointDir}. Reads commands on stdin and answers on stdout, one line each
 * (see {@link #command(String)}; {@code GATEWAY port} gives it the link address of the gateway node
 * {@link ShardProcessHarness#GATEWAY_NODE}); events: {@code READY node port}, {@code UP zone token restoredTick entities nanos},
 * {@code BACK zone gid nanos} (first input applied by a restored zone), {@code TICK zone tick}, {@code STOPPED zone}.
 */
public final class ShardNodeProcess {
    static final int ZONES = 6;
    static final int PER_ZONE = 100;
    static final int HZ = 20;
    static final Duration TTL = Duration.ofSeconds(2);
    static final Duration CHECKPOINT_EVERY = Duration.ofMillis(500);
    /** Players per zone: entities {@code zone * 1000 + 1 ..}, one bot each. */
    static final int PLAYERS_PER_ZONE = 3;
    /** Client → gateway: a player's input, a {@code ForwardedInput} of its gid, home zone and {@code [i64 seq]}. */
    static final int INPUT_TYPE = MessageTypes.APP_FIRST;
    /** Zone → client (relayed): the answer to an input, see the class comment. */
    static final int ECHO_TYPE = MessageTypes.APP_FIRST + 1;
    static final int ECHO_BYTES = 4 + 8 + 8 + 8;
    /** Six zones side by side, 100 × 100 each. */
    static final ZoneLayout LAYOUT = ZoneLayout.builder().cellSize(10).cells(60, 10).zones(ZONES, 1).build();

    private static final ComponentType.Builder B = ComponentType.builder("bouncer");
    static final LongField GID = B.longField("gid");
    static final DoubleField X = B.doubleField("x");
    static final DoubleField Y = B.doubleField("y");
    static final DoubleField VX = B.doubleField("vx");
    static final DoubleField VY = B.doubleField("vy");
    static final IntField INPUTS = B.intField("inputs");
    static final ComponentType BOUNCER = B.build();

    private final int nodeId;
    private final PrintStream out;
    private final EtcdMembership membership;
    private final FileCheckpointStore store;
    private final RouteCache routes = RouteCache.builder(PartitionMap.of(LAYOUT)).build();
    private final HandoffService handoffs;
    private final Map<Integer, Zone> zones = new ConcurrentHashMap<>();
    private final ShardNode node;
    private final ZoneMigration migration;
    private final NodeLinks links;
    private final MembershipRouting routing;
    /** Sends the zones' answers to the players' sessions, held by the gateway node; this node holds no sessions. */
    private final SessionRelay relay;

    static World newWorld() {
        return World.builder().components(BOUNCER, ZoneHandoff.FROZEN, ZoneHandoff.GHOST).build();
    }

    private ShardNodeProcess(final int nodeId, final String etcd, final String cluster, final Path dir,
                             final PrintStream out) throws IOException {
        this.nodeId = nodeId;
        this.out = out;
        this.membership = EtcdMembership.builder().endpoints(etcd).cluster(cluster)
            .operationTimeout(Duration.ofSeconds(1)).build();
        this.store = FileCheckpointStore.builder(dir).maxFileBytes(256 * 1024).build();
        this.handoffs = HandoffService.builder(nodeId, routes::routeZone).build();
        final int port = freePort();
        this.node = startNode(ShardNode.builder(nodeId, "127.0.0.1:" + port, membership, store, new Runner()).zones(ZONES)
            .leaseTtl(TTL).checkpointEvery(CHECKPOINT_EVERY).reconcileEvery(Duration.ofMillis(250)).releaseAfterSave(true)
            .build());
        this.migration = ZoneMigration.create(handoffs, membership, node.lease(), new Host(), Duration.ofSeconds(3));
        this.relay = SessionRelay.create(nodeId, (session, envelope) -> false, new StatsRegistry());
        this.links = relay.install(migration.install(handoffs.install(NodeLinks.builder(nodeId).host("127.0.0.1").port(port)
            .retransmitAfter(Duration.ofMillis(200))))).build().start();
        handoffs.bind(links);
        relay.bind(links);
        migration.bind(links);
        this.routing = MembershipRouting.start(membership, routes);
        membership.watch(e -> {
            if (e instanceof MembershipEvent.Joined j) {
                addPeer(j.member());
            }
        });
        membership.members().forEach(this::addPeer);
        out.println("READY " + nodeId + ' ' + port);
    }

    /**
     * Starts the node, retrying for up to 30 s: on a loaded machine the first etcd call of a fresh JVM (connection,
     * class loading) can outlast the 1 s operation timeout, and a join that timed out but happened makes the next
     * attempt fail until its lease expires.
     */
    private static ShardNode startNode(final ShardNode node) {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                return node.start();
            } catch (final RuntimeException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                System.err.println("start of node " + node.nodeId() + " failed, retrying: " + e);
                try {
                    Thread.sleep(250);
                } catch (final InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private void addPeer(final Member m) {
        if (m.nodeId() != nodeId) {
            final int colon = m.address().lastIndexOf(':');
            links.addPeer(m.nodeId(), new InetSocketAddress(m.address().substring(0, colon),
                Integer.parseInt(m.address().substring(colon + 1))));
        }
    }

    /** The zones of this process, as {@link ShardNode} sees them. */
    private final class Runner implements ZoneRunner {
        @Override
        public void start(final int zone, final Optional<Checkpoint> restored, final long fencingToken) {
            final World world = newWorld();
            final Zone z;
            if (restored.isPresent()) {
                final long[] read = EntitySerializer.read(world, restored.get().stateBytes());
                z = new Zone(zone, world, restored.get().tick(), true, fencingToken);
                out.println("UP " + zone + ' ' + fencingToken + ' ' + restored.get().tick() + ' ' + read.length + ' '
                    + System.nanoTime());
            } else {
                z = new Zone(zone, world, 0, false, fencingToken);
                z.spawn();
                out.println("UP " + zone + ' ' + fencingToken + " -1 " + PER_ZONE + ' ' + System.nanoTime());
            }
            migration.owned(zone, fencingToken);
            run(z);
        }

        @Override
        public CompletableFuture<ZoneSnapshot> snapshot(final int zone) {
            final Zone z = zones.get(zone);
            return z == null ? CompletableFuture.completedFuture(null) : z.call(Zone::snapshot);
        }

        @Override
        public void leaseChanged(final org.mmosdk.shard.membership.Lease lease) {
            migration.useLease(lease);
        }

        @Override
        public void tokenChanged(final int zone, final long fencingToken) {
            migration.owned(zone, fencingToken);
            final Zone z = zones.get(zone);
            if (z != null) {
                z.token = fencingToken;
            }
            out.println("TOKEN " + zone + ' ' + fencingToken);
        }

        @Override
        public void stop(final int zone, final String reason) {
            final Zone z = zones.remove(zone);
            if (z != null) {
                z.loop.stop();
                out.println("STOPPED " + zone + ' ' + reason.replace('\n', ' '));
            }
        }
    }

    /** Zones that arrive here by migration. */
    private final class Host implements ZoneHost {
        @Override
        public World newWorld(final int zone) {
            return ShardNodeProcess.newWorld();
        }

        @Override
        public void start(final int zone, final World world, final long fencingToken, final long pausedNanos) {
            final int count = world.entityCount();
            final Zone z = new Zone(zone, world, 0, true, fencingToken);
            run(z);
            node.adopt(zone, fencingToken);
            out.println("UP " + zone + ' ' + fencingToken + " -2 " + count + ' ' + System.nanoTime());
        }
    }

    private void run(final Zone z) {
        z.handoff = handoffs.host(z.zone, z.world, GID, z, null);
        z.migrating = migration.attach(z.handoff);
        zones.put(z.zone, z);
        z.world.releaseThread();
        z.loop = TickLoop.builder(z).name("zone-" + z.zone).tickRate(HZ).build().start();
    }

    /** A zone of bouncing entities on its own tick thread. */
    private final class Zone implements Tickable, InputSink {
        final int zone;
        final World world;
        final boolean adopt;
        final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
        final SplittableRandom random;
        final EnvelopeWriter echoes = new EnvelopeWriter(128);
        final ByteBuffer echo = ByteBuffer.allocate(ECHO_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        /** The fencing token this zone runs under, for the players' answers. */
        volatile long token;
        Query all;
        ZoneHandoff handoff;
        MigratingZone migrating;
        TickLoop loop;
        long tick;
        boolean back;
        boolean gone;

        Zone(final int zone, final World world, final long tick, final boolean adopt, final long token) {
            this.zone = zone;
            this.token = token;
            this.world = world;
            this.tick = tick;
            this.adopt = adopt;
            this.random = new SplittableRandom(zone * 31L + tick);
        }

        void spawn() {
            for (int i = 1; i <= PER_ZONE; i++) {
                final long e = world.create(world.archetype(BOUNCER));
                world.set(e, GID, zone * 1000L + i);
                world.set(e, X, zone * 100 + random.nextDouble() * 100);
                world.set(e, Y, random.nextDouble() * 100);
                world.set(e, VX, random.nextDouble() * 2 - 1);
                world.set(e, VY, random.nextDouble() * 2 - 1);
            }
        }

        @Override
        public void onStart() {
            all = world.query().all(BOUNCER).none(ZoneHandoff.GHOST).build();
            if (adopt) {
                handoff.adoptAll();
            } else {
                all.forEachEntity(handoff::adopt);
            }
        }

        @Override
        public void onStop() {
            if (!gone) {
                handoffs.unhost(zone);
            }
        }

        <T> CompletableFuture<T> call(final Function<Zone, T> task) {
            final CompletableFuture<T> f = new CompletableFuture<>();
            tasks.add(() -> {
                try {
                    f.complete(task.apply(this));
                } catch (final RuntimeException e) {
                    f.completeExceptionally(e);
                }
            });
            return f;
        }

        @Override
        public void onTick(final long loopTick) {
            if (gone) {
                return;
            }
            handoff.drain();
            final int step = migrating.step();
            if (step == MigratingZone.GONE) {
                gone = true;
                zones.remove(zone, this);
                node.release(zone);
                loop.stop();
                out.println("GONE " + zone);
                return;
            }
            if (step == MigratingZone.PAUSED) {
                return;
            }
            tick++;
            Runnable r;
            while ((r = tasks.poll()) != null) {
                r.run();
            }
            final double minX = zone * 100;
            all.forEachEntity(e -> {
                double x = world.get(e, X) + world.get(e, VX);
                double y = world.get(e, Y) + world.get(e, VY);
                if (x < minX || x >= minX + 100) {
                    world.set(e, VX, -world.get(e, VX));
                    x = Math.max(minX, Math.min(minX + 100 - 1e-6, x));
                }
                if (y < 0 || y >= 100) {
                    world.set(e, VY, -world.get(e, VY));
                    y = Math.max(0, Math.min(100 - 1e-6, y));
                }
                world.set(e, X, x);
                world.set(e, Y, y);
            });
            if (tick % 10 == 0) {
                out.println("TICK " + zone + ' ' + tick);
            }
        }

        @Override
        public void onInput(final long entity, final long gid, final ByteBuffer input) {
            world.set(entity, INPUTS, world.get(entity, INPUTS) + 1);
            if (adopt && !back) {
                back = true;
                out.println("BACK " + zone + ' ' + gid + ' ' + System.nanoTime());
            }
            if (input.remaining() >= 16) {
                final ByteBuffer in = input.duplicate().order(ByteOrder.LITTLE_ENDIAN);
                final long session = in.getLong(in.position());
                echo.clear();
                echo.putInt(0, nodeId).putLong(4, token).putLong(12, tick).putLong(20, in.getLong(in.position() + 8));
                final FlatBufferBuilder b = echoes.begin(ECHO_TYPE);
                final int v = ForwardedInput.createInputVector(b, echo);
                relay.send(ShardProcessHarness.GATEWAY_NODE, session,
                    echoes.finish(ForwardedInput.createForwardedInput(b, gid, zone, v)));
            }
        }

        ZoneSnapshot snapshot() {
            final LongArrayList handles = new LongArrayList();
            all.forEachEntity(handles::addLong);
            return new ZoneSnapshot(tick, EntitySerializer.write(world, handles.toLongArray()));
        }

        String report() {
            final StringJoiner gids = new StringJoiner(",");
            all.forEachEntity(e -> gids.add(Long.toString(world.get(e, GID))));
            return "ZONE " + zone + ' ' + tick + ' ' + node.fencingToken(zone) + ' ' + gids;
        }
    }

    /**
     * Answers one command: {@code CLAIM z}, {@code MIGRATE z target}, {@code STATUS}, {@code ROUTE z},
     * {@code STALE z token}, {@code REPORT}, {@code GATEWAY port}.
     */
    private void command(final String line) throws Exception {
        final String[] w = line.split(" ");
        switch (w[0]) {
            case "CLAIM" -> out.println("CLAIMED " + w[1] + ' ' + node.claim(Integer.parseInt(w[1])));
            case "MIGRATE" -> {
                final int zone = Integer.parseInt(w[1]);
                String answer;
                try {
                    final MigrationResult r = migration.migrate(zone, Integer.parseInt(w[2])).get(30, TimeUnit.SECONDS);
                    answer = r.moved() + " " + r.revision() + ' ' + TimeUnit.NANOSECONDS.toMillis(r.pauseNanos()) + ' '
                        + r.reason().replace(' ', '_');
                } catch (final java.util.concurrent.ExecutionException e) {
                    answer = "false 0 0 " + e.getCause().toString().replace(' ', '_');
                }
                out.println("MIGRATED " + zone + ' ' + answer);
            }
            case "STATUS" -> out.println("STATUS " + node.isConnected() + ' ' + node.zones().toString().replace(" ", "")
                + ' ' + node.lease().leaseId() + ' ' + node.rejoins());
            case "GATEWAY" -> {
                links.addPeer(ShardProcessHarness.GATEWAY_NODE, new InetSocketAddress("127.0.0.1", Integer.parseInt(w[1])));
                out.println("GATEWAY " + w[1]);
            }
            case "ROUTE" -> out.println("ROUTE " + w[1] + ' ' + routes.routeZone(Integer.parseInt(w[1])));
            case "STALE" -> {
                final int zone = Integer.parseInt(w[1]);
                final long token = Long.parseLong(w[2]);
                final boolean saved = store.save(zone, Long.MAX_VALUE / 2, token, ByteBuffer.wrap(new byte[] {1, 2, 3}));
                final Optional<ZoneOwner> cas = membership.compareAndSetZoneOwner(zone, token, node.lease());
                out.println("STALE " + zone + ' ' + (saved ? "accepted" : "refused") + ' ' + (cas.isPresent() ? "cas-won" : "cas-refused"));
            }
            case "REPORT" -> {
                for (final Zone z : zones.values()) {
                    out.println(z.call(Zone::report).get(10, TimeUnit.SECONDS));
                }
                out.println("END");
            }
            default -> out.println("UNKNOWN " + line);
        }
    }

    private void close() throws Exception {
        node.close();
        routing.close();
        migration.close();
        links.close();
        membership.close();
        store.close();
    }

    public static void main(final String[] args) throws Exception {
        final PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err); // stdout carries the protocol only
        final ShardNodeProcess p = new ShardNodeProcess(Integer.parseInt(args[0]), args[1], args[2], Path.of(args[3]), out);
        try {
            final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null && !line.equals("EXIT")) {
                p.command(line);
            }
        } finally {
            p.close();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}

package org.mmosdk.shard.etcd;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongPredicate;

import com.google.flatbuffers.FlatBufferBuilder;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoopGroup;
import org.agrona.collections.LongHashSet;
import org.junit.jupiter.api.Assumptions;
import org.mmosdk.core.peer.Delivery;
import org.mmosdk.core.stats.StatsRegistry;
import org.mmosdk.core.wire.EnvelopeWriter;
import org.mmosdk.core.wire.MessageRegistry;
import org.mmosdk.net.Authenticator;
import org.mmosdk.net.CloseCodes;
import org.mmosdk.net.CloseReason;
import org.mmosdk.net.Gateway;
import org.mmosdk.net.Session;
import org.mmosdk.net.client.ClientListener;
import org.mmosdk.net.client.GameClient;
import org.mmosdk.shard.handoff.HandoffService;
import org.mmosdk.shard.link.NodeLinks;
import org.mmosdk.shard.link.SessionRelay;
import org.mmosdk.shard.link.ShardMessageTypes;
import org.mmosdk.shard.membership.Member;
import org.mmosdk.shard.membership.MembershipEvent;
import org.mmosdk.shard.partition.MembershipRouting;
import org.mmosdk.shard.partition.PartitionMap;
import org.mmosdk.shard.partition.RouteCache;
import org.mmosdk.shard.wire.fb.ForwardedInput;

/**
 * Shared parts of the process failure tests: a real etcd, node processes, and in the test JVM a real mmo-net
 * {@link Gateway} (TCP on loopback) with {@link ShardNodeProcess#PLAYERS_PER_ZONE} bots ({@link GameClient}s) per zone.
 * Each bot plays one entity of its home zone and sends an input at 20 Hz; the gateway routes it to the zone's owner
 * (routes from etcd watches, inputs over node links as node {@link #GATEWAY_NODE}); the zone answers each input
 * through its {@link SessionRelay} to the gateway, which hands the answer to the bot's session.
 */
final class ShardProcessHarness implements AutoCloseable {
    static final int GATEWAY_NODE = 50;

    final EtcdProcess etcd;
    final String cluster;
    final Path checkpoints;
    final Path logs;
    final List<NodeChild> nodes = new ArrayList<>();
    private EtcdMembership gatewayMembership;
    private NodeLinks gatewayLinks;
    private MembershipRouting gatewayRouting;
    private ScheduledExecutorService inputs;
    private volatile Gateway clientGateway;
    private EventLoopGroup botGroup;
    final List<Bot> bots = new ArrayList<>();
    /** Inputs the gateway forwarded to a zone's owner. */
    final AtomicLong inputsSent = new AtomicLong();
    /** Inputs the gateway could not forward: the zone had no owner, or the link to it was full. */
    final AtomicLong inputsRefused = new AtomicLong();
    /** Inputs the bots could not send (their connection refused them). */
    final AtomicLong botSendsRefused = new AtomicLong();

    private ShardProcessHarness(final EtcdProcess etcd, final String cluster, final Path dir) throws IOException {
        this.etcd = etcd;
        this.cluster = cluster;
        this.checkpoints = java.nio.file.Files.createDirectories(dir.resolve("checkpoints"));
        this.logs = java.nio.file.Files.createDirectories(dir.resolve("logs"));
    }

    /** Starts etcd, or skips the test loudly if it is not on PATH (fails under CI=true). */
    static ShardProcessHarness start(final String cluster, final Path dir) throws Exception {
        final Optional<Path> binary = EtcdProcess.findBinary();
        if (binary.isEmpty()) {
            final String message = "etcd NOT FOUND on PATH: the process failure tests did NOT run. "
                + "Install it with: apt-get install -y etcd-server etcd-client";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new IllegalStateException(message + " (CI=true, so this is a failure)");
            }
            System.err.println("\n********************************************************************\n"
                + message + "\n********************************************************************\n");
            Assumptions.abort(message);
        }
        return new ShardProcessHarness(EtcdProcess.start(binary.get()), cluster, dir);
    }

    NodeChild startNode(final int nodeId) throws IOException {
        final NodeChild n = NodeChild.start(nodeId, etcd.clientUrl(), cluster, checkpoints, logs);
        nodes.add(n);
        if (gatewayLinks != null) {
            n.send("GATEWAY " + gatewayLinks.address().getPort()); // read once the node is up
        }
        return n;
    }

    /**
     * The gateway and its bots: follows ownership in etcd, connects {@link ShardNodeProcess#PLAYERS_PER_ZONE} bots per
     * zone over TCP and starts their inputs (every 50 ms); returns once every bot has had an answer from its zone.
     */
    void startGateway() throws Exception {
        gatewayMembership = EtcdMembership.builder().endpoints(etcd.clientUrl()).cluster(cluster)
            .operationTimeout(Duration.ofSeconds(1)).build();
        final RouteCache routes = RouteCache.builder(PartitionMap.of(ShardNodeProcess.LAYOUT)).build();
        final HandoffService gateway = HandoffService.builder(GATEWAY_NODE, routes::routeZone).build();
        final SessionRelay relay = SessionRelay.create(GATEWAY_NODE, (session, envelope) -> {
            final Gateway g = clientGateway;
            final Session s = g == null ? null : g.sessions().get(session);
            if (s == null || !s.send(envelope, Delivery.DROPPABLE)) {
                return false;
            }
            s.flush();
            return true;
        }, new StatsRegistry());
        gatewayLinks = relay.install(gateway.install(NodeLinks.builder(GATEWAY_NODE).host("127.0.0.1")
            .port(ShardNodeProcess.freePort()).retransmitAfter(Duration.ofMillis(200)))).build().start();
        gateway.bind(gatewayLinks);
        relay.bind(gatewayLinks);
        gatewayMembership.watch(e -> {
            if (e instanceof MembershipEvent.Joined j) {
                addPeer(j.member());
            }
        });
        gatewayMembership.members().forEach(this::addPeer);
        gatewayRouting = MembershipRouting.start(gatewayMembership, routes);
        for (final NodeChild n : nodes) {
            if (n.isAlive()) {
                n.request("GATEWAY " + gatewayLinks.address().getPort(), "GATEWAY ", Duration.ofSeconds(30));
            }
        }

        // the client-facing gateway: a session's input goes to the owner of its player's home zone, tagged with the
        // session id so that the zone can answer through the relay
        final ThreadLocal<ByteBuffer> forwarded = ThreadLocal.withInitial(
            () -> ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN));
        clientGateway = Gateway.builder().host("127.0.0.1").tcpPort(0).threads(1, 2)
            .authenticator(Authenticator.allowAll())
            .messages(MessageRegistry.<Session>builder()
                .register(ShardNodeProcess.INPUT_TYPE, ShardMessageTypes.schema().table(ForwardedInput.class), 256,
                    (session, type, p) -> {
                        final ForwardedInput in = ForwardedInput.getRootAsForwardedInput(p);
                        final ByteBuffer seq = in.inputAsByteBuffer();
                        final long gid = in.gid();
                        final int zone = (int) (gid / 1000);
                        if (seq == null || seq.remaining() < 8 || zone < 0 || zone >= ShardNodeProcess.ZONES) {
                            session.close(CloseCodes.BAD_MESSAGE, "bad input");
                            return;
                        }
                        final ByteBuffer f = forwarded.get();
                        f.clear();
                        f.putLong(0, session.id()).putLong(8, seq.order(ByteOrder.LITTLE_ENDIAN).getLong(seq.position()));
                        if (gateway.sendInput(zone, gid, f)) {
                            inputsSent.incrementAndGet();
                        } else {
                            inputsRefused.incrementAndGet();
                        }
                    })
                .build())
            .build().start();

        botGroup = GameClient.newEventLoopGroup(2);
        for (int zone = 0; zone < ShardNodeProcess.ZONES; zone++) {
            for (int i = 1; i <= ShardNodeProcess.PLAYERS_PER_ZONE; i++) {
                final Bot bot = new Bot(zone, zone * 1000L + i);
                bot.client = GameClient.builder().group(botGroup).tcp(clientGateway.tcpAddress())
                    .clientName("bot-" + bot.gid).listener(bot).build();
                bots.add(bot);
            }
        }
        for (final Bot bot : bots) {
            bot.client.connect().get(10, TimeUnit.SECONDS);
            bot.sessionId = bot.client.sessionId();
        }
        inputs = Executors.newSingleThreadScheduledExecutor(r -> {
            final Thread t = new Thread(r, "bot-inputs");
            t.setDaemon(true);
            return t;
        });
        final EnvelopeWriter w = new EnvelopeWriter(128);
        final ByteBuffer seq = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        final long[] next = {0};
        inputs.scheduleAtFixedRate(() -> {
            next[0]++;
            for (final Bot bot : bots) {
                final FlatBufferBuilder b = w.begin(ShardNodeProcess.INPUT_TYPE);
                final int v = ForwardedInput.createInputVector(b, seq.clear().putLong(0, next[0]));
                if (!bot.client.send(w.finish(ForwardedInput.createForwardedInput(b, bot.gid, bot.zone, v)))) {
                    botSendsRefused.incrementAndGet();
                }
                bot.client.flush();
            }
        }, 50, 50, TimeUnit.MILLISECONDS);
        final long started = System.nanoTime();
        for (final Bot bot : bots) {
            bot.awaitInPlay(started, n -> true, Duration.ofSeconds(30));
        }
    }

    /**
     * A player: a {@link GameClient} whose entity is {@code gid} in zone {@code zone}. It records every change of the
     * node or fencing token its zone's answers come from ({@code {nanos, node, token, tick}}, in order), the last
     * answer, answers meant for another player, and closes of its connection.
     */
    static final class Bot implements ClientListener {
        final int zone;
        final long gid;
        GameClient client;
        long sessionId;
        final AtomicLong answers = new AtomicLong();
        final AtomicLong misdelivered = new AtomicLong();
        final AtomicLong closes = new AtomicLong();
        volatile CloseReason closeReason;
        private final List<long[]> changes = new ArrayList<>();
        private long lastNode = -1;
        private long lastToken = -1;
        private long lastNanos;

        Bot(final int zone, final long gid) {
            this.zone = zone;
            this.gid = gid;
        }

        @Override
        public void onMessage(final GameClient c, final int typeId, final ByteBuf envelope) {
            if (typeId != ShardNodeProcess.ECHO_TYPE) {
                return;
            }
            final long now = System.nanoTime();
            final ByteBuffer p = ByteBuffer.allocate(envelope.readableBytes() - 2);
            envelope.getBytes(envelope.readerIndex() + 2, p);
            p.flip();
            final ForwardedInput echo = ForwardedInput.getRootAsForwardedInput(p);
            final ByteBuffer in = echo.inputAsByteBuffer();
            if (echo.gid() != gid || echo.toZone() != zone || in == null
                || in.remaining() < ShardNodeProcess.ECHO_BYTES) {
                misdelivered.incrementAndGet();
                return;
            }
            in.order(ByteOrder.LITTLE_ENDIAN);
            final long node = in.getInt(in.position());
            final long token = in.getLong(in.position() + 4);
            final long tick = in.getLong(in.position() + 12);
            answers.incrementAndGet();
            synchronized (changes) {
                if (node != lastNode || token != lastToken) {
                    changes.add(new long[] {now, node, token, tick});
                    lastNode = node;
                    lastToken = token;
                }
                lastNanos = now;
                changes.notifyAll();
            }
        }

        @Override
        public void onClose(final GameClient c, final CloseReason reason) {
            closeReason = reason;
            closes.incrementAndGet();
        }

        /**
         * The first change of owner at or after {@code since} to a node that {@code node} accepts under a token that
         * {@code token} accepts: {@code {nanos, node, token, tick}}.
         */
        long[] awaitOwner(final long since, final LongPredicate node, final LongPredicate token, final Duration timeout)
            throws InterruptedException {
            final long deadline = System.nanoTime() + timeout.toNanos();
            synchronized (changes) {
                while (true) {
                    for (final long[] c : changes) {
                        if (c[0] >= since && node.test(c[1]) && token.test(c[2])) {
                            return c;
                        }
                    }
                    final long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new AssertionError(this + ": no answer from a new owner within " + timeout);
                    }
                    TimeUnit.NANOSECONDS.timedWait(changes, left);
                }
            }
        }

        /** Waits for an answer received after {@code since} from a node {@code node} accepts. */
        void awaitInPlay(final long since, final LongPredicate node, final Duration timeout) throws InterruptedException {
            final long deadline = System.nanoTime() + timeout.toNanos();
            synchronized (changes) {
                while (lastNanos < since || !node.test(lastNode)) {
                    final long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new AssertionError(this + ": not in play within " + timeout);
                    }
                    TimeUnit.NANOSECONDS.timedWait(changes, left);
                }
            }
        }

        @Override
        public String toString() {
            synchronized (changes) {
                return "bot " + gid + " (zone " + zone + ", session " + sessionId + ", answers " + answers.get()
                    + ", last from node " + lastNode + " token " + lastToken + ", closes " + closes.get() + ' '
                    + closeReason + ')';
            }
        }
    }

    /**
     * Every bot still on its first connection: no close seen, open, and its session the gateway's; throws otherwise.
     *
     * @return a summary line
     */
    String checkBotsConnected() {
        final Gateway g = clientGateway;
        final List<String> bad = new ArrayList<>();
        long answers = 0;
        long misdelivered = 0;
        for (final Bot bot : bots) {
            answers += bot.answers.get();
            misdelivered += bot.misdelivered.get();
            if (bot.closes.get() != 0 || !bot.client.isOpen() || bot.client.sessionId() != bot.sessionId
                || g.sessions().get(bot.sessionId) == null) {
                bad.add(bot.toString());
            }
        }
        final String summary = String.format("bots: %d connected to the gateway from start to end (%d sessions open "
                + "there), %d answers received, %d meant for another player; inputs: bots refused %d, gateway forwarded %d, "
                + "refused (no owner / window full) %d", bots.size() - bad.size(), g.sessions().sessionCount(), answers,
            misdelivered, botSendsRefused.get(), inputsSent.get(), inputsRefused.get());
        if (!bad.isEmpty() || misdelivered != 0) {
            throw new AssertionError(summary + "; not connected throughout: " + bad);
        }
        return summary;
    }

    private void addPeer(final Member m) {
        final int colon = m.address().lastIndexOf(':');
        gatewayLinks.addPeer(m.nodeId(), new InetSocketAddress(m.address().substring(0, colon),
            Integer.parseInt(m.address().substring(colon + 1))));
    }

    /** Every entity of every zone exactly once, counted over the live nodes' reports; returns a summary line. */
    static String checkEntities(final Map<Integer, List<String>> reports) {
        final LongHashSet seen = new LongHashSet();
        final Map<Integer, Integer> zoneSeen = new HashMap<>();
        int duplicates = 0;
        int total = 0;
        for (final Map.Entry<Integer, List<String>> e : reports.entrySet()) {
            for (final String line : e.getValue()) {
                final String[] w = line.split(" ");
                zoneSeen.merge(Integer.parseInt(w[1]), 1, Integer::sum);
                if (w.length > 4 && !w[4].isEmpty()) {
                    for (final String g : w[4].split(",")) {
                        total++;
                        duplicates += seen.add(Long.parseLong(g)) ? 0 : 1;
                    }
                }
            }
        }
        int missing = 0;
        for (int zone = 0; zone < ShardNodeProcess.ZONES; zone++) {
            for (int i = 1; i <= ShardNodeProcess.PER_ZONE; i++) {
                missing += seen.contains(zone * 1000L + i) ? 0 : 1;
            }
        }
        final String summary = String.format("entities: %d reported, %d distinct, %d duplicated, %d missing; zones hosted %s",
            total, seen.size(), duplicates, missing, zoneSeen);
        if (duplicates != 0 || missing != 0 || total != ShardNodeProcess.ZONES * ShardNodeProcess.PER_ZONE) {
            throw new AssertionError(summary);
        }
        for (int zone = 0; zone < ShardNodeProcess.ZONES; zone++) {
            if (zoneSeen.getOrDefault(zone, 0) != 1) {
                throw new AssertionError("zone " + zone + " hosted " + zoneSeen.getOrDefault(zone, 0) + " times; " + summary);
            }
        }
        return summary;
    }

    @Override
    public void close() throws IOException {
        if (inputs != null) {
            inputs.shutdownNow();
        }
        if (clientGateway != null) {
            clientGateway.shutdown(Duration.ZERO);
        }
        if (botGroup != null) {
            botGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
        for (final NodeChild n : nodes) {
            n.close();
        }
        if (gatewayRouting != null) {
            gatewayRouting.close();
        }
        if (gatewayLinks != null) {
            gatewayLinks.close();
        }
        if (gatewayMembership != null) {
            gatewayMembership.close();
        }
        etcd.close();
    }
}

package org.mmosdk.shard.link;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.mmosdk.core.id.NodeIds;
import org.mmosdk.core.stats.Counter;
import org.mmosdk.core.stats.StatsRegistry;
import org.mmosdk.core.wire.MessageHandler;
import org.mmosdk.core.wire.MessageRegistry;
import org.mmosdk.core.wire.MessageTypes;
import org.mmosdk.core.wire.TableSchema;
import org.mmosdk.net.AuthResult;
import org.mmosdk.net.Authenticator;
import org.mmosdk.net.CloseCodes;
import org.mmosdk.net.Gateway;
import org.mmosdk.net.HandshakeRequest;
import org.mmosdk.net.RateLimitPolicy;
import org.mmosdk.net.Session;
import org.mmosdk.shard.wire.fb.LinkData;

/**
 * The node-to-node links of one node: an accepting side (an mmo-net {@link Gateway} on its own port) and, per peer,
 * one outbound connection from an mmo-net {@link org.mmosdk.net.pool.ConnectionPool}. Both speak the gateway's TCP
 * wire format ({@code [u32 LE length][u16 type][FlatBuffers payload]}, Hello/Welcome handshake, Ping/Pong).
 *
 * <pre>{@code
 * NodeLinks links = NodeLinks.builder(1)
 *     .handler(ShardMessageTypes.HANDOFF, schema.table(Handoff.class), 65_536, (from, type, payload) -> ...)
 *     .build().start();
 * links.addPeer(2, new InetSocketAddress("127.0.0.1", 7102));
 * ByteBuffer envelope = writer.finish(Handoff.createHandoff(b, ...));
 * if (!links.send(2, envelope)) { ... the window to node 2 is full: try again next tick ... }
 * }</pre>
 *
 * <p><b>Delivery.</b> {@link #send} wraps the envelope in a {@code LinkData} with the next id of that peer and keeps
 * it until the peer acknowledges it; it is written at once if the link is up, again after every
 * {@code retransmitAfter} without acknowledgement, and again after a reconnect. The receiver verifies the wrapped
 * envelope against the handler's schema, delivers each (sender incarnation, id) once, and acknowledges it (also
 * when it was a duplicate). So every message sent reaches its handler at least once in total and at most once per
 * receiving process, in any order across reconnects. A message whose handler throws is not acknowledged: the link
 * closes with a logged reason and the message is delivered again after the reconnect.
 *
 * <p><b>Backpressure.</b> At most {@code maxInFlight} messages per peer are unacknowledged; {@link #send} returns
 * false beyond that (and for an unknown peer) without queueing. Malformed input closes only the link it came on, with
 * a logged reason.
 *
 * <p>Threads: every public method may be called from any thread; {@link #send} does not block. Handlers run on an
 * I/O thread of the accepting gateway, one message at a time per connection, and must not block; the payload is
 * valid only for the call.
 */
public final class NodeLinks implements AutoCloseable {
    /** Default maximum unacknowledged messages per peer. */
    public static final int MAX_IN_FLIGHT_DEFAULT = 4096;
    /** Default time without acknowledgement after which a message is sent again. */
    public static final Duration RETRANSMIT_AFTER_DEFAULT = Duration.ofMillis(200);
    /** Largest envelope {@link #send} carries (the {@code LinkData.message} cap of the schema). */
    public static final int MAX_MESSAGE_BYTES = 4 * 1024 * 1024;
    /** Default frame cap: large enough for a zone transfer. */
    public static final int MAX_FRAME_BYTES_DEFAULT = 8 * 1024 * 1024;

    final int nodeId;
    final long incarnation;
    final int maxInFlight;
    final long retransmitNanos;
    final int maxFrameBytes;
    final long silentNanos;
    final byte[] secret;
    final EventLoopGroup outboundGroup;
    final LinkStats stats;
    private final LinkReceiver receiver;
    private final Gateway gateway;
    private final Map<Integer, PeerLink> peers = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private NodeLinks(final Builder b) {
        this.nodeId = b.nodeId;
        this.incarnation = new SecureRandom().nextLong() & Long.MAX_VALUE | 1L;
        this.maxInFlight = b.maxInFlight;
        this.retransmitNanos = b.retransmitAfter.toNanos();
        this.maxFrameBytes = b.maxFrameBytes;
        this.silentNanos = b.heartbeat.multipliedBy(10).toNanos();
        this.secret = b.secret;
        this.stats = new LinkStats(b.stats, b.nodeId);
        final MessageRegistry.Builder<LinkSource> wrapped = MessageRegistry.<LinkSource>builder()
            .maxPayloadBytes(Math.min(b.maxFrameBytes, MessageRegistry.MAX_PAYLOAD_BYTES_LIMIT));
        for (final HandlerEntry h : b.handlers) {
            wrapped.register(h.type, h.schema, h.maxBytes, h.handler);
        }
        this.receiver = new LinkReceiver(wrapped.build(), stats, b.maxAhead);
        final MessageRegistry<Session> outer = MessageRegistry.<Session>builder()
            .maxPayloadBytes(Math.min(b.maxFrameBytes, MessageRegistry.MAX_PAYLOAD_BYTES_LIMIT))
            .register(ShardMessageTypes.LINK_DATA, ShardMessageTypes.schema().table(LinkData.class), b.maxFrameBytes,
                receiver::onData)
            .build();
        this.gateway = Gateway.builder()
            .host(b.host).tcpPort(b.port).webSocketPort(-1)
            .nodeId(b.nodeId)
            .maxFrameBytes(b.maxFrameBytes)
            .rateLimit(1_000_000, 1_000_000, RateLimitPolicy.CLOSE)
            .maxConnections(1024, 1024)
            .writeBufferWaterMark(256 * 1024, 1024 * 1024)
            .maxQueuedReliableBytes(16L * 1024 * 1024)
            .heartbeat(b.heartbeat, b.heartbeat.multipliedBy(10))
            .threads(1, b.ioThreads)
            .authenticator(this::authenticate)
            .messages(outer)
            .stats(b.stats)
            .build();
        this.outboundGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("mmo-shard-link-" + b.nodeId, true),
            NioIoHandler.newFactory());
    }

    /**
     * A builder for the links of node {@code nodeId}.
     *
     * @param nodeId this node, in [1, {@link NodeIds#MAX}]
     * @return a builder with defaults: 127.0.0.1, an ephemeral port, {@value #MAX_IN_FLIGHT_DEFAULT} messages in
     *     flight per peer, retransmission after 200 ms, 8 MiB frames, no shared secret
     */
    public static Builder builder(final int nodeId) {
        return new Builder(NodeIds.check(nodeId));
    }

    /**
     * Starts accepting links.
     *
     * @return this
     */
    public NodeLinks start() {
        gateway.start();
        return this;
    }

    /**
     * Where other nodes reach this one (publish it in {@link org.mmosdk.shard.membership.Member#address()}).
     *
     * @return the bound address, or null before {@link #start()}
     */
    public InetSocketAddress address() {
        return gateway.tcpAddress();
    }

    /**
     * This node.
     *
     * @return the node id
     */
    public int nodeId() {
        return nodeId;
    }

    /**
     * Adds (or re-addresses) a peer and starts connecting to it; messages to it may be sent at once (they are
     * delivered when the link is up). Re-addressing keeps the unacknowledged messages.
     *
     * @param peerNodeId the peer, not this node
     * @param address its link address, see {@link #address()}
     */
    public void addPeer(final int peerNodeId, final InetSocketAddress address) {
        NodeIds.check(peerNodeId);
        if (peerNodeId == nodeId) {
            throw new IllegalArgumentException("a node does not link to itself (node " + nodeId + ")");
        }
        if (closed) {
            throw new IllegalStateException("links of node " + nodeId + " are closed");
        }
        peers.compute(peerNodeId, (id, old) -> {
            if (old != null && old.address().equals(address)) {
                return old;
            }
            final PeerLink link = old == null ? new PeerLink(this, id, address) : old.readdress(address);
            link.start();
            return link;
        });
    }

    /**
     * Sends a message to a peer, at least once (see the class description).
     *
     * @param peerNodeId the peer
     * @param envelope {@code [u16 type][payload]} between position and limit; copied, not consumed
     * @return false if the peer is unknown, the links are closed, or {@code maxInFlight} messages to it are
     *     unacknowledged (backpressure: try again later)
     * @throws IllegalArgumentException if the envelope is larger than {@link #MAX_MESSAGE_BYTES} or the frame cap (it
     *     could never be delivered)
     */
    public boolean send(final int peerNodeId, final ByteBuffer envelope) {
        if (envelope.remaining() > MAX_MESSAGE_BYTES || envelope.remaining() + 64 > maxFrameBytes) {
            throw new IllegalArgumentException("link message of " + envelope.remaining() + " bytes is larger than "
                + Math.min(MAX_MESSAGE_BYTES, maxFrameBytes - 64));
        }
        final PeerLink link = peers.get(peerNodeId);
        return link != null && !closed && link.send(envelope);
    }

    /**
     * Messages sent to a peer and not acknowledged yet.
     *
     * @param peerNodeId the peer
     * @return the count, 0 for an unknown peer
     */
    public int inFlight(final int peerNodeId) {
        final PeerLink link = peers.get(peerNodeId);
        return link == null ? 0 : link.inFlight();
    }

    /**
     * Whether the link to a peer is connected and past its handshake.
     *
     * @param peerNodeId the peer
     * @return true if messages to it are written now
     */
    public boolean isConnected(final int peerNodeId) {
        final PeerLink link = peers.get(peerNodeId);
        return link != null && link.isReady();
    }

    /**
     * Drops the outbound connection to a peer (it reconnects after a short backoff); for tests and for an operator
     * who knows a link is wedged.
     *
     * @param peerNodeId the peer
     * @return completes when the connection is closed
     */
    public CompletableFuture<Void> dropConnection(final int peerNodeId) {
        final PeerLink link = peers.get(peerNodeId);
        return link == null ? CompletableFuture.completedFuture(null) : link.dropConnection();
    }

    /**
     * Closes every inbound link (the senders reconnect), keeping the acceptor; for tests.
     */
    public void dropInbound() {
        gateway.sessions().forEach(s -> s.close(CloseCodes.SHUTDOWN, "links dropped"));
    }

    /**
     * This node's link counters ({@code shard.link.*}).
     *
     * @return sent, retransmitted, delivered, duplicates and refused counts
     */
    public LinkCounters counters() {
        return stats.snapshot();
    }

    /** Closes every link and the acceptor; unacknowledged messages are dropped. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        final List<PeerLink> all = new ArrayList<>(peers.values());
        peers.clear();
        for (final PeerLink link : all) {
            link.close();
        }
        gateway.shutdown(Duration.ZERO);
        outboundGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5000);
    }

    /** Accepts a Hello from {@code "node:<id>"} presenting the shared secret (if one is set). */
    private CompletableFuture<AuthResult> authenticate(final HandshakeRequest request) {
        final int peer = parseNode(request.clientName());
        if (peer == NodeIds.NONE) {
            return CompletableFuture.completedFuture(AuthResult.reject(CloseCodes.AUTH_FAILED,
                "a node link must name itself node:<id>, was '" + request.clientName() + "'"));
        }
        if (secret.length > 0 && !MessageDigest.isEqual(secret, request.credentials())) {
            return CompletableFuture.completedFuture(AuthResult.reject(CloseCodes.AUTH_FAILED, "wrong link secret"));
        }
        return CompletableFuture.completedFuture(AuthResult.accept("node:" + peer));
    }

    /**
     * The node id in {@code "node:<id>"}.
     *
     * @param name a client name or principal
     * @return the id, or {@link NodeIds#NONE} if malformed
     */
    static int parseNode(final String name) {
        if (name == null || !name.startsWith("node:") || name.length() > 10 || name.length() < 6) {
            return NodeIds.NONE;
        }
        int id = 0;
        for (int i = 5; i < name.length(); i++) {
            final char c = name.charAt(i);
            if (c < '0' || c > '9') {
                return NodeIds.NONE;
            }
            id = id * 10 + (c - '0');
        }
        return id >= 1 && id <= NodeIds.MAX ? id : NodeIds.NONE;
    }

    private record HandlerEntry(int type, TableSchema schema, int maxBytes, MessageHandler<? super LinkSource> handler) {
    }

    /** Settings of {@link NodeLinks}, validated by {@link #build()}. Not thread-safe. */
    public static final class Builder {
        private final int nodeId;
        private final List<HandlerEntry> handlers = new ArrayList<>();
        private String host = "127.0.0.1";
        private int port;
        private int maxInFlight = MAX_IN_FLIGHT_DEFAULT;
        private long maxAhead = 1 << 20;
        private Duration retransmitAfter = RETRANSMIT_AFTER_DEFAULT;
        private Duration heartbeat = Duration.ofSeconds(1);
        private int maxFrameBytes = MAX_FRAME_BYTES_DEFAULT;
        private int ioThreads = 1;
        private byte[] secret = new byte[0];
        private StatsRegistry stats = new StatsRegistry();

        private Builder(final int nodeId) {
            this.nodeId = nodeId;
        }

        /**
         * Registers the handler of a message type carried over the links.
         *
         * @param type the type id; mmo-shard's own in [0x0410, 0x04FF], the application's at least
         *     {@link MessageTypes#APP_FIRST}
         * @param schema what payloads are verified against
         * @param maxBytes largest payload accepted
         * @param handler called on an I/O thread; must not block
         * @return this
         */
        public Builder handler(final int type, final TableSchema schema, final int maxBytes,
                               final MessageHandler<? super LinkSource> handler) {
            if (!(type >= ShardMessageTypes.HANDOFF && type <= ShardMessageTypes.SHARD_LAST) && type < MessageTypes.APP_FIRST) {
                throw new IllegalArgumentException("link message type must be in [0x0410, 0x04FF] or at least 0x1000, was 0x"
                    + Integer.toHexString(type));
            }
            handlers.add(new HandlerEntry(type, schema, maxBytes, handler));
            return this;
        }

        /**
         * Address to accept links on.
         *
         * @param host default 127.0.0.1
         * @return this
         */
        public Builder host(final String host) {
            this.host = host;
            return this;
        }

        /**
         * Port to accept links on.
         *
         * @param port 0 for any free port (default)
         * @return this
         */
        public Builder port(final int port) {
            this.port = port;
            return this;
        }

        /**
         * Unacknowledged messages per peer at most; {@link NodeLinks#send} returns false beyond.
         *
         * @param max in [1, 1048576]; default {@value NodeLinks#MAX_IN_FLIGHT_DEFAULT}
         * @return this
         */
        public Builder maxInFlight(final int max) {
            this.maxInFlight = max;
            return this;
        }

        /**
         * How long a message waits for its acknowledgement before it is sent again.
         *
         * @param after in [1 ms, 1 min]; default 200 ms
         * @return this
         */
        public Builder retransmitAfter(final Duration after) {
            this.retransmitAfter = after;
            return this;
        }

        /**
         * Ping interval on accepted links; a link silent for ten intervals is closed, on both sides (use the same
         * value on every node).
         *
         * @param interval in [10 ms, 1 min]; default 1 s
         * @return this
         */
        public Builder heartbeat(final Duration interval) {
            this.heartbeat = interval;
            return this;
        }

        /**
         * Largest frame on a link.
         *
         * @param bytes in [1024, 16 MiB]; default 8 MiB
         * @return this
         */
        public Builder maxFrameBytes(final int bytes) {
            this.maxFrameBytes = bytes;
            return this;
        }

        /**
         * I/O threads of the accepting side.
         *
         * @param threads in [1, 64]; default 1
         * @return this
         */
        public Builder ioThreads(final int threads) {
            this.ioThreads = threads;
            return this;
        }

        /**
         * A secret every node of the cluster presents when it links; links without it are refused.
         *
         * @param secret UTF-8, at most 1024 bytes; default none (links on a private network)
         * @return this
         */
        public Builder secret(final String secret) {
            this.secret = secret.getBytes(StandardCharsets.UTF_8);
            return this;
        }

        /**
         * Where the link stats go ({@code shard.link.*}, and the acceptor's {@code net.*}).
         *
         * @param registry the registry
         * @return this
         */
        public Builder stats(final StatsRegistry registry) {
            this.stats = registry;
            return this;
        }

        /**
         * Validates and builds (nothing is bound until {@link NodeLinks#start()}).
         *
         * @return the links
         * @throws IllegalArgumentException naming the first invalid setting
         */
        public NodeLinks build() {
            require(maxInFlight >= 1 && maxInFlight <= 1 << 20, "maxInFlight must be in [1, 1048576], was " + maxInFlight);
            require(retransmitAfter != null && retransmitAfter.toMillis() >= 1 && retransmitAfter.compareTo(Duration.ofMinutes(1)) <= 0,
                "retransmitAfter must be in [1 ms, 1 min], was " + retransmitAfter);
            require(heartbeat != null && heartbeat.toMillis() >= 10 && heartbeat.compareTo(Duration.ofMinutes(1)) <= 0,
                "heartbeat must be in [10 ms, 1 min], was " + heartbeat);
            require(maxFrameBytes >= 1024 && maxFrameBytes <= Gateway.Builder.MAX_FRAME_BYTES,
                "maxFrameBytes must be in [1024, 16777216], was " + maxFrameBytes);
            require(ioThreads >= 1 && ioThreads <= 64, "ioThreads must be in [1, 64], was " + ioThreads);
            require(secret.length <= 1024, "secret must be at most 1024 UTF-8 bytes, was " + secret.length);
            require(host != null && !host.isEmpty(), "host must not be empty");
            require(stats != null, "stats registry must not be null");
            return new NodeLinks(this);
        }

        private static void require(final boolean ok, final String message) {
            if (!ok) {
                throw new IllegalArgumentException(message);
            }
        }
    }

    /** Counters of one node's links, registered in its {@link StatsRegistry}. Thread-safe. */
    static final class LinkStats {
        final Counter sent;
        final Counter retransmitted;
        final Counter refused;
        final Counter acked;
        final Counter delivered;
        final Counter duplicates;
        final Counter reconnects;
        final Counter protocolErrors;

        LinkStats(final StatsRegistry r, final int nodeId) {
            final String n = Integer.toString(nodeId);
            sent = r.counter("shard.link.sent", "link messages sent (first time)", "node", n);
            retransmitted = r.counter("shard.link.retransmitted", "link messages sent again", "node", n);
            refused = r.counter("shard.link.refused", "sends refused: window full", "node", n);
            acked = r.counter("shard.link.acked", "link messages acknowledged", "node", n);
            delivered = r.counter("shard.link.delivered", "link messages delivered to a handler", "node", n);
            duplicates = r.counter("shard.link.duplicates", "link messages received again and not delivered", "node", n);
            reconnects = r.counter("shard.link.connects", "outbound link connections made", "node", n);
            protocolErrors = r.counter("shard.link.protocol.errors", "links closed for bad input", "node", n);
        }

        LinkCounters snapshot() {
            return new LinkCounters(sent.get(), retransmitted.get(), refused.get(), acked.get(), delivered.get(),
                duplicates.get(), reconnects.get(), protocolErrors.get());
        }
    }
}

package org.mmosdk.shard.link;

import java.nio.ByteBuffer;

import com.google.flatbuffers.FlatBufferBuilder;
import org.mmosdk.core.stats.Counter;
import org.mmosdk.core.stats.StatsRegistry;
import org.mmosdk.core.wire.EnvelopeWriter;
import org.mmosdk.shard.wire.fb.ToSession;

/**
 * Carries messages for client sessions between nodes: a zone that runs on one node sends its snapshots to players
 * whose connection is held by another node's gateway. The player keeps one connection while its entity or its zone
 * moves; the zone only needs the gateway node and the session id.
 *
 * <pre>{@code
 * SessionRelay relay = SessionRelay.create(nodeId, (session, envelope) -> {
 *     Session s = gateway.sessions().get(session);          // on the gateway node
 *     return s != null && s.send(envelope, Delivery.DROPPABLE);
 * });
 * NodeLinks links = relay.install(NodeLinks.builder(nodeId)).build().start();
 * relay.bind(links);
 * relay.send(gatewayNode, sessionId, snapshotEnvelope);     // on any zone's thread, any node
 * }</pre>
 *
 * <p>Messages cross the link at least once and reach the sink once per gateway process; a message for a session that
 * is gone is dropped (counted). Threads: {@link #send} from any thread, no blocking; the sink runs on a link I/O
 * thread (or, for the local node, on the sender's thread) and must not block.
 */
public final class SessionRelay {
    /** Largest message relayed (the schema's {@code max_len}). */
    public static final int MAX_MESSAGE_BYTES = 1 << 20;

    private final int nodeId;
    private final SessionSink sink;
    private final Counter dropped;
    private final ThreadLocal<EnvelopeWriter> writers = ThreadLocal.withInitial(() -> new EnvelopeWriter(1024));
    private final ThreadLocal<ToSession> tables = ThreadLocal.withInitial(ToSession::new);
    private volatile NodeLinks links;

    /** Delivers a relayed message to a session of this node's gateway. */
    @FunctionalInterface
    public interface SessionSink {
        /**
         * A message for a local session.
         *
         * @param sessionId the gateway's session id
         * @param envelope the message between position and limit, valid during the call only
         * @return false if the session is gone or refused it (counted as dropped)
         */
        boolean deliver(long sessionId, ByteBuffer envelope);
    }

    private SessionRelay(final int nodeId, final SessionSink sink, final StatsRegistry stats) {
        this.nodeId = nodeId;
        this.sink = sink;
        this.dropped = stats.counter("shard.relay.dropped", "relayed session messages with no session to take them",
            "node", Integer.toString(nodeId));
    }

    /**
     * A relay.
     *
     * @param nodeId this node
     * @param sink delivers messages to this node's sessions (a node without a gateway may refuse everything)
     * @param stats where {@code shard.relay.dropped} goes
     * @return the relay
     */
    public static SessionRelay create(final int nodeId, final SessionSink sink, final StatsRegistry stats) {
        if (sink == null || stats == null) {
            throw new IllegalArgumentException("sink and stats must not be null");
        }
        return new SessionRelay(nodeId, sink, stats);
    }

    /**
     * Registers the relay's handler on the links being built.
     *
     * @param builder this node's links
     * @return the same builder
     */
    public NodeLinks.Builder install(final NodeLinks.Builder builder) {
        return builder.handler(ShardMessageTypes.TO_SESSION, ShardMessageTypes.schema().table(ToSession.class),
            MAX_MESSAGE_BYTES + 64, (from, type, payload) -> onMessage(payload));
    }

    /**
     * Sends through these links from now on.
     *
     * @param nodeLinks this node's links, built from {@link #install}
     */
    public void bind(final NodeLinks nodeLinks) {
        this.links = nodeLinks;
    }

    /**
     * Sends a message to a session held by a node's gateway (delivered directly if that node is this one).
     *
     * @param gatewayNode the node whose gateway holds the session
     * @param sessionId the session
     * @param envelope the client message between position and limit, at most {@link #MAX_MESSAGE_BYTES}; copied
     * @return false if not sent: the link window is full (skip this snapshot), or the local session is gone
     */
    public boolean send(final int gatewayNode, final long sessionId, final ByteBuffer envelope) {
        if (envelope.remaining() > MAX_MESSAGE_BYTES) {
            throw new IllegalArgumentException("relayed message of " + envelope.remaining() + " bytes, at most "
                + MAX_MESSAGE_BYTES);
        }
        if (gatewayNode == nodeId) {
            final boolean ok = sink.deliver(sessionId, envelope.duplicate());
            if (!ok) {
                dropped.increment();
            }
            return ok;
        }
        final NodeLinks l = links;
        if (l == null) {
            return false;
        }
        final EnvelopeWriter w = writers.get();
        final FlatBufferBuilder b = w.begin(ShardMessageTypes.TO_SESSION);
        final int m = ToSession.createMessageVector(b, envelope.duplicate());
        return l.send(gatewayNode, w.finish(ToSession.createToSession(b, sessionId, m)));
    }

    private void onMessage(final ByteBuffer payload) {
        final ToSession t = ToSession.getRootAsToSession(payload, tables.get());
        final ByteBuffer message = t.messageAsByteBuffer();
        if (message == null || message.remaining() < 2 || !sink.deliver(t.session(), message)) {
            dropped.increment();
        }
    }

    /**
     * Messages that found no session.
     *
     * @return the count
     */
    public long dropped() {
        return dropped.get();
    }
}

package org.mmosdk.shard.link;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentHashMap;

import com.google.flatbuffers.FlatBufferBuilder;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.FastThreadLocal;
import org.mmosdk.core.id.NodeIds;
import org.mmosdk.core.wire.EnvelopeWriter;
import org.mmosdk.core.wire.MessageDispatcher;
import org.mmosdk.core.wire.MessageRegistry;
import org.mmosdk.core.wire.WireError;
import org.mmosdk.net.CloseCodes;
import org.mmosdk.net.Session;
import org.mmosdk.shard.wire.fb.LinkAck;
import org.mmosdk.shard.wire.fb.LinkData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The accepting side of the links: receives {@code LinkData} on the gateway's I/O threads, admits each (sender,
 * incarnation, id) once through the sender's {@link Dedupe}, dispatches the wrapped envelope (verified) to the
 * registered handlers, and acknowledges it. Bad input closes that link only, with a logged reason.
 *
 * <p>Thread-safe: one instance serves every I/O thread; per-thread state lives in thread locals.
 */
final class LinkReceiver {
    private static final Logger LOG = LoggerFactory.getLogger(LinkReceiver.class);
    private static final AttributeKey<LinkSource> SOURCE = AttributeKey.valueOf(LinkReceiver.class, "source");

    /** {@link #deliver}: delivered to its handler; acknowledge it. */
    static final int DELIVERED = 0;
    /** {@link #deliver}: delivered before; acknowledge it again. */
    static final int DUPLICATE = 1;
    /** {@link #deliver}: malformed; close the link. */
    static final int BAD = -1;
    /** {@link #deliver}: the handler threw; close the link, do not acknowledge. */
    static final int HANDLER_FAILED = -2;

    private final MessageRegistry<LinkSource> wrapped;
    private final NodeLinks.LinkStats stats;
    private final long maxAhead;
    private final ConcurrentHashMap<Integer, Dedupe> dedupes = new ConcurrentHashMap<>();
    private final FastThreadLocal<IoState> states = new FastThreadLocal<>() {
        @Override
        protected IoState initialValue() {
            return new IoState(wrapped.newDispatcher());
        }
    };

    private static final class IoState {
        final MessageDispatcher<LinkSource> dispatcher;
        final LinkData data = new LinkData();
        final EnvelopeWriter writer = new EnvelopeWriter(256);
        String error;

        IoState(final MessageDispatcher<LinkSource> dispatcher) {
            this.dispatcher = dispatcher;
        }
    }

    LinkReceiver(final MessageRegistry<LinkSource> wrapped, final NodeLinks.LinkStats stats, final long maxAhead) {
        this.wrapped = wrapped;
        this.stats = stats;
        this.maxAhead = maxAhead;
    }

    /** The handler of {@link ShardMessageTypes#LINK_DATA} in the gateway's registry (payload already verified). */
    void onData(final Session session, final int type, final ByteBuffer payload) {
        LinkSource source = session.attr(SOURCE).get();
        if (source == null) {
            final int node = NodeLinks.parseNode(session.principal());
            if (node == NodeIds.NONE) {
                reject(session, null, "principal '" + session.principal() + "' is not a node");
                return;
            }
            source = new LinkSource(node);
            session.attr(SOURCE).set(source);
        }
        final IoState t = states.get();
        final int rc = deliver(source, payload, t);
        if (rc == DELIVERED || rc == DUPLICATE) {
            final FlatBufferBuilder b = t.writer.begin(ShardMessageTypes.LINK_ACK);
            LinkAck.startIdsVector(b, 1);
            b.addLong(t.data.id());
            final int ids = b.endVector();
            session.sendAndFlush(t.writer.finish(LinkAck.createLinkAck(b, t.data.incarnation(), ids)));
        } else if (rc == HANDLER_FAILED) {
            LOG.warn("closing link from {}: {}", source, t.error, t.dispatcher.lastHandlerError());
            session.close(CloseCodes.INTERNAL_ERROR, "handler failed");
        } else {
            reject(session, source, t.error);
        }
    }

    /**
     * Admits and delivers one verified {@code LinkData} payload of {@code source}, on the calling I/O thread.
     *
     * @return {@link #DELIVERED}, {@link #DUPLICATE}, {@link #BAD} or {@link #HANDLER_FAILED}; the id and the reason of
     *     a failure are left in the thread's state
     */
    int deliver(final LinkSource source, final ByteBuffer payload) {
        return deliver(source, payload, states.get());
    }

    private int deliver(final LinkSource source, final ByteBuffer payload, final IoState t) {
        final LinkData data = LinkData.getRootAsLinkData(payload, t.data);
        final long incarnation = data.incarnation();
        final long id = data.id();
        final ByteBuffer message = data.messageAsByteBuffer();
        if (message == null || message.remaining() < 2) {
            t.error = "LinkData " + id + " carries no message";
            return BAD;
        }
        final Dedupe dedupe = dedupes.computeIfAbsent(source.nodeId(), n -> new Dedupe(maxAhead));
        final int admitted = dedupe.tryBegin(incarnation, id);
        if (admitted == Dedupe.INVALID) {
            t.error = "LinkData id " + id + " is 0 or more than " + maxAhead + " above the delivered ones";
            return BAD;
        }
        if (admitted == Dedupe.DUPLICATE) {
            stats.duplicates.increment();
            return DUPLICATE;
        }
        final int rc = t.dispatcher.dispatch(source, message, message.position(), message.remaining());
        if (rc == WireError.OK) {
            stats.delivered.increment();
            return DELIVERED;
        }
        dedupe.undo(incarnation, id);
        if (rc == WireError.HANDLER_FAILED) {
            t.error = "handler of type 0x" + Integer.toHexString(t.dispatcher.lastTypeId()) + " failed on message " + id;
            return HANDLER_FAILED;
        }
        t.error = "wrapped message " + id + ": " + t.dispatcher.lastError();
        return BAD;
    }

    /** The reason of the calling thread's last failed {@link #deliver} (tests). */
    String lastError() {
        return states.get().error;
    }

    private void reject(final Session session, final LinkSource source, final String reason) {
        stats.protocolErrors.increment();
        LOG.warn("closing link from {} ({}): {}", source, session, reason);
        session.close(CloseCodes.BAD_MESSAGE, reason.length() > 200 ? reason.substring(0, 200) : reason);
    }

    /** The dedupe state of a sending node (tests). */
    Dedupe dedupe(final int node) {
        return dedupes.get(node);
    }
}

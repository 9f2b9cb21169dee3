package org.mmosdk.shard.link;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.google.flatbuffers.FlatBufferBuilder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import org.agrona.collections.Long2ObjectHashMap;
import org.mmosdk.core.wire.EnvelopeWriter;
import org.mmosdk.core.wire.MessageDispatcher;
import org.mmosdk.core.wire.MessageRegistry;
import org.mmosdk.core.wire.MessageTypes;
import org.mmosdk.core.wire.WireError;
import org.mmosdk.core.wire.fb.Close;
import org.mmosdk.core.wire.fb.Ping;
import org.mmosdk.core.wire.fb.Pong;
import org.mmosdk.net.NetMessageTypes;
import org.mmosdk.net.pool.ConnectionPool;
import org.mmosdk.net.wire.fb.Hello;
import org.mmosdk.net.wire.fb.Reject;
import org.mmosdk.net.wire.fb.Seq;
import org.mmosdk.net.wire.fb.Welcome;
import org.mmosdk.shard.wire.fb.LinkAck;
import org.mmosdk.shard.wire.fb.LinkData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbound link to one peer: one channel from a {@link ConnectionPool} of size one, the Hello handshake, Pong
 * answers, and the unacknowledged messages with their retransmission.
 *
 * <p>Threads: {@link #send}, {@link #inFlight()}, {@link #isReady()}, {@link #dropConnection()} and {@link #close()}
 * from any thread; everything else runs on the links' single outbound event loop, which owns the channel, the queue
 * and the id map.
 */
final class PeerLink {
    private static final Logger LOG = LoggerFactory.getLogger(PeerLink.class);
    private static final long MIN_BACKOFF_MS = 20;
    private static final long MAX_BACKOFF_MS = 1000;
    private static final ThreadLocal<EnvelopeWriter> WRITERS = ThreadLocal.withInitial(() -> new EnvelopeWriter(512));
    private static final MessageRegistry<PeerLink> CONTROL = MessageRegistry.<PeerLink>builder()
        .register(NetMessageTypes.WELCOME, NetMessageTypes.schema().table(Welcome.class), 512, (l, t, p) -> l.onWelcome())
        .register(NetMessageTypes.REJECT, NetMessageTypes.schema().table(Reject.class), 512, (l, t, p) -> l.onReject(p))
        .register(NetMessageTypes.SEQ, NetMessageTypes.schema().table(Seq.class), 64, (l, t, p) -> { })
        .register(MessageTypes.PING, MessageTypes.coreSchema().table(Ping.class), 64, (l, t, p) -> l.onPing(p))
        .register(MessageTypes.PONG, MessageTypes.coreSchema().table(Pong.class), 64, (l, t, p) -> { })
        .register(MessageTypes.CLOSE, MessageTypes.coreSchema().table(Close.class), 512, (l, t, p) -> l.onClose(p))
        .register(ShardMessageTypes.LINK_ACK, ShardMessageTypes.schema().table(LinkAck.class), 16 * 1024,
            (l, t, p) -> l.onAck(p))
        .build();

    private final NodeLinks owner;
    private final int peer;
    private final InetSocketAddress address;
    private final ConnectionPool pool;
    private final EventLoop loop;
    private final AtomicInteger inFlight;
    private final AtomicLong nextId;
    private final MessageDispatcher<PeerLink> dispatcher = CONTROL.newDispatcher();
    private final LinkAck ack = new LinkAck();
    private final EnvelopeWriter loopWriter = new EnvelopeWriter(256);

    // ---- event loop state
    private final ArrayDeque<Pending> queue;
    private final Long2ObjectHashMap<Pending> byId;
    private Channel channel;
    private volatile boolean ready;
    private boolean connecting;
    private long backoffMs = MIN_BACKOFF_MS;
    private ScheduledFuture<?> timer;
    private volatile boolean closed;

    private static final class Pending {
        final long id;
        byte[] envelope;
        long sentAt;
        boolean acked;

        Pending(final long id, final byte[] envelope) {
            this.id = id;
            this.envelope = envelope;
        }
    }

    PeerLink(final NodeLinks owner, final int peer, final InetSocketAddress address) {
        this(owner, peer, address, new AtomicInteger(), new AtomicLong(1), new ArrayDeque<>(), new Long2ObjectHashMap<>());
    }

    private PeerLink(final NodeLinks owner, final int peer, final InetSocketAddress address, final AtomicInteger inFlight,
                     final AtomicLong nextId, final ArrayDeque<Pending> queue, final Long2ObjectHashMap<Pending> byId) {
        this.owner = owner;
        this.peer = peer;
        this.address = address;
        this.inFlight = inFlight;
        this.nextId = nextId;
        this.queue = queue;
        this.byId = byId;
        this.loop = owner.outboundGroup.next();
        this.pool = ConnectionPool.builder(address)
            .group(owner.outboundGroup)
            .maxConnections(1).maxIdle(1)
            .acquireTimeout(Duration.ofSeconds(2))
            .connectTimeout(Duration.ofSeconds(1))
            .handler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(final Channel ch) {
                    ch.pipeline().addLast("frames", new LengthFieldBasedFrameDecoder(ByteOrder.LITTLE_ENDIAN,
                        owner.maxFrameBytes, 0, 4, 0, 4, true));
                    ch.pipeline().addLast("prefix", new LengthFieldPrepender(ByteOrder.LITTLE_ENDIAN, 4, 0, false));
                    ch.pipeline().addLast("silence", new IdleStateHandler(owner.silentNanos, 0, 0, TimeUnit.NANOSECONDS));
                    ch.pipeline().addLast("link", new Handler());
                }
            })
            .build();
    }

    /** A link to a new address that takes over this one's unacknowledged messages; this one is closed. */
    PeerLink readdress(final InetSocketAddress to) {
        final CompletableFuture<PeerLink> next = new CompletableFuture<>();
        loop.execute(() -> {
            closeOnLoop();
            next.complete(new PeerLink(owner, peer, to, inFlight, nextId, queue, byId));
        });
        final PeerLink link = next.join();
        pool.close();
        return link;
    }

    InetSocketAddress address() {
        return address;
    }

    void start() {
        loop.execute(() -> {
            final long period = Math.max(1, owner.retransmitNanos / 2);
            timer = loop.scheduleAtFixedRate(this::retransmit, period, period, TimeUnit.NANOSECONDS);
            connect();
        });
    }

    boolean send(final ByteBuffer envelope) {
        if (closed) {
            return false;
        }
        if (inFlight.incrementAndGet() > owner.maxInFlight) {
            inFlight.decrementAndGet();
            owner.stats.refused.increment();
            return false;
        }
        final long id = nextId.getAndIncrement();
        final EnvelopeWriter w = WRITERS.get();
        final FlatBufferBuilder b = w.begin(ShardMessageTypes.LINK_DATA);
        final int message = LinkData.createMessageVector(b, envelope.duplicate());
        final ByteBuffer out = w.finish(LinkData.createLinkData(b, owner.incarnation, id, message));
        final byte[] bytes = new byte[out.remaining()];
        out.get(bytes);
        final Pending p = new Pending(id, bytes);
        loop.execute(() -> enqueue(p));
        return true;
    }

    int inFlight() {
        return inFlight.get();
    }

    boolean isReady() {
        return ready;
    }

    CompletableFuture<Void> dropConnection() {
        final CompletableFuture<Void> done = new CompletableFuture<>();
        loop.execute(() -> {
            if (channel == null) {
                done.complete(null);
            } else {
                channel.close().addListener(f -> done.complete(null));
            }
        });
        return done;
    }

    void close() {
        if (closed) {
            return;
        }
        final CompletableFuture<Void> done = new CompletableFuture<>();
        loop.execute(() -> {
            closeOnLoop();
            done.complete(null);
        });
        done.join();
        pool.close();
    }

    // ---- event loop

    private void closeOnLoop() {
        closed = true;
        ready = false;
        if (timer != null) {
            timer.cancel(false);
        }
        if (channel != null) {
            channel.close();
        }
    }

    private void enqueue(final Pending p) {
        if (closed) {
            return;
        }
        queue.addLast(p);
        byId.put(p.id, p);
        owner.stats.sent.increment();
        if (ready) {
            write(p);
            channel.flush();
        }
    }

    private void write(final Pending p) {
        p.sentAt = System.nanoTime();
        channel.write(Unpooled.wrappedBuffer(p.envelope), channel.voidPromise());
    }

    private void retransmit() {
        while (!queue.isEmpty() && queue.peekFirst().acked) {
            queue.pollFirst();
        }
        if (!ready || queue.isEmpty()) {
            return;
        }
        final long now = System.nanoTime();
        int n = 0;
        for (final Pending p : queue) {
            if (!p.acked && now - p.sentAt >= owner.retransmitNanos) {
                if (!channel.isWritable()) {
                    break;
                }
                write(p);
                n++;
            }
        }
        if (n > 0) {
            owner.stats.retransmitted.add(n);
            channel.flush();
        }
    }

    private void connect() {
        if (closed || connecting || channel != null) {
            return;
        }
        connecting = true;
        pool.acquire().addListener(f -> loop.execute(() -> onAcquired(f)));
    }

    private void onAcquired(final Future<?> f) {
        connecting = false;
        if (!f.isSuccess()) {
            LOG.debug("link {} -> {} at {}: connect failed: {}", owner.nodeId, peer, address, String.valueOf(f.cause()));
            scheduleReconnect();
            return;
        }
        final Channel ch = (Channel) f.getNow();
        if (ch == channel) {
            owner.stats.reconnects.increment();
            return;
        }
        if (closed) {
            ch.close();
            pool.release(ch);
            return;
        }
        if (!ch.isActive()) {
            pool.release(ch);
            scheduleReconnect();
            return;
        }
        channel = ch;
        owner.stats.reconnects.increment();
    }

    private void scheduleReconnect() {
        if (closed) {
            return;
        }
        final long delay = backoffMs;
        backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
        loop.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }

    private void onInactive(final Channel ch) {
        if (ch == channel) {
            channel = null;
            ready = false;
            pool.release(ch);
            scheduleReconnect();
        }
    }

    private void sendHello(final Channel ch) {
        final FlatBufferBuilder b = loopWriter.begin(NetMessageTypes.HELLO);
        final int credentials = Hello.createCredentialsVector(b, owner.secret);
        final int name = b.createString("node:" + owner.nodeId);
        ch.writeAndFlush(copy(loopWriter.finish(Hello.createHello(b, NetMessageTypes.PROTOCOL_VERSION, credentials, 0, name, 0))),
            ch.voidPromise());
    }

    private static ByteBuf copy(final ByteBuffer envelope) {
        return Unpooled.copiedBuffer(envelope);
    }

    // ---- control messages from the peer (on the loop, via the dispatcher)

    private void onWelcome() {
        if (ready) {
            protocolError("second Welcome");
            return;
        }
        ready = true;
        backoffMs = MIN_BACKOFF_MS;
        int n = 0;
        for (final Pending p : queue) {
            if (!p.acked) {
                write(p);
                n++;
            }
        }
        if (n > 0) {
            owner.stats.retransmitted.add(n);
        }
        channel.flush();
        LOG.debug("link {} -> {} up, {} messages resent", owner.nodeId, peer, n);
    }

    private void onReject(final ByteBuffer p) {
        final Reject r = Reject.getRootAsReject(p);
        LOG.warn("link {} -> {} at {} rejected: {} {}", owner.nodeId, peer, address, r.code(), r.reason());
    }

    private void onClose(final ByteBuffer p) {
        final Close c = Close.getRootAsClose(p);
        LOG.info("link {} -> {} closed by the peer: {} {}", owner.nodeId, peer, c.code(), c.reason());
    }

    private void onPing(final ByteBuffer p) {
        final Ping ping = Ping.getRootAsPing(p);
        final FlatBufferBuilder b = loopWriter.begin(MessageTypes.PONG);
        channel.writeAndFlush(copy(loopWriter.finish(Pong.createPong(b, ping.seq(), ping.sentNanos(), System.nanoTime()))),
            channel.voidPromise());
    }

    private void onAck(final ByteBuffer p) {
        final LinkAck a = LinkAck.getRootAsLinkAck(p, ack);
        if (a.incarnation() != owner.incarnation) {
            return; // acknowledges a former life of this node
        }
        for (int i = 0, n = a.idsLength(); i < n; i++) {
            final Pending pending = byId.remove(a.ids(i));
            if (pending != null) {
                pending.acked = true;
                pending.envelope = null;
                inFlight.decrementAndGet();
                owner.stats.acked.increment();
            }
        }
        while (!queue.isEmpty() && queue.peekFirst().acked) {
            queue.pollFirst();
        }
    }

    private void protocolError(final String reason) {
        owner.stats.protocolErrors.increment();
        LOG.warn("closing link {} -> {} at {}: {}", owner.nodeId, peer, address, reason);
        if (channel != null) {
            channel.close();
        }
    }

    /** The last handler of an outbound channel. Runs on the loop. */
    private final class Handler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(final ChannelHandlerContext ctx) throws Exception {
            sendHello(ctx.channel());
            super.channelActive(ctx);
        }

        @Override
        public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt) throws Exception {
            if (evt instanceof IdleStateEvent) {
                LOG.warn("closing link {} -> {} at {}: no frame (not even a Ping) for {} ms", owner.nodeId, peer, address,
                    TimeUnit.NANOSECONDS.toMillis(owner.silentNanos));
                ctx.close();
                return;
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
            try {
                if (ctx.channel() != channel) {
                    if (channel == null && !closed) {
                        channel = ctx.channel(); // read before the acquire's listener ran: adopt it
                    } else {
                        return;
                    }
                }
                final ByteBuf frame = (ByteBuf) msg;
                final int rc = dispatcher.dispatch(PeerLink.this, frame);
                if (rc != WireError.OK) {
                    protocolError("bad message from node " + peer + ": " + dispatcher.lastError());
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelInactive(final ChannelHandlerContext ctx) throws Exception {
            onInactive(ctx.channel());
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
            if (cause instanceof java.io.IOException) {
                LOG.debug("link {} -> {}: {}", owner.nodeId, peer, String.valueOf(cause));
            } else {
                LOG.warn("link {} -> {}: closing", owner.nodeId, peer, cause);
            }
            ctx.close();
        }
    }
}

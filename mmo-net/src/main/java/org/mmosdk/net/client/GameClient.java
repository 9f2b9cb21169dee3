package org.mmosdk.net.client;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.FastThreadLocal;
import org.mmosdk.core.wire.EnvelopeWriter;
import org.mmosdk.core.wire.MessageDispatcher;
import org.mmosdk.core.wire.MessageRegistry;
import org.mmosdk.core.wire.MessageTypes;
import org.mmosdk.core.wire.WireError;
import org.mmosdk.core.wire.WireSchema;
import org.mmosdk.core.wire.fb.Close;
import org.mmosdk.core.wire.fb.Ping;
import org.mmosdk.core.wire.fb.Pong;
import org.mmosdk.net.CloseCodes;
import org.mmosdk.net.CloseReason;
import org.mmosdk.net.NetMessageTypes;
import org.mmosdk.net.internal.Control;
import org.mmosdk.net.internal.FrameFormat;
import org.mmosdk.net.internal.RttEstimator;
import org.mmosdk.net.internal.TcpFrameDecoder;
import org.mmosdk.net.internal.Transports;
import org.mmosdk.net.wire.fb.Reject;
import org.mmosdk.net.wire.fb.Seq;
import org.mmosdk.net.wire.fb.Welcome;

/**
 * One connection to a gateway. {@link #connect()} completes after Welcome; it fails with
 * {@link HandshakeRejectedException} on Reject or if the server closes first.
 *
 * <pre>{@code
 * EventLoopGroup group = GameClient.newEventLoopGroup(2);   // shared by every bot
 * GameClient bot = GameClient.builder().tcp(address).group(group).credentials(token).build().connect().get();
 * bot.send(envelope); bot.flush();
 * }</pre>
 */
public final class GameClient {
    private static final MessageRegistry<GameClient> CONTROL;
    private static final FastThreadLocal<State> STATES = new FastThreadLocal<>() {
        @Override
        protected State initialValue() {
            return new State();
        }
    };

    static {
        final WireSchema core = MessageTypes.coreSchema();
        final WireSchema net = NetMessageTypes.schema();
        CONTROL = MessageRegistry.<GameClient>builder()
            .register(MessageTypes.PING, core.table(Ping.class), 64, (c, t, p) -> c.onPing(p))
            .register(MessageTypes.PONG, core.table(Pong.class), 64, (c, t, p) -> c.onPong(p))
            .register(MessageTypes.CLOSE, core.table(Close.class), 512, (c, t, p) -> c.onClose(p))
            .register(NetMessageTypes.WELCOME, net.table(Welcome.class), 256, (c, t, p) -> c.onWelcome(p))
            .register(NetMessageTypes.REJECT, net.table(Reject.class), 512, (c, t, p) -> c.onReject(p))
            .register(NetMessageTypes.SEQ, net.table(Seq.class), 64, (c, t, p) -> c.onSeq(p))
            .build();
    }

    /** Per-I/O-thread reusables. */
    private static final class State {
        final MessageDispatcher<GameClient> dispatcher = CONTROL.newDispatcher();
        final EnvelopeWriter writer = new EnvelopeWriter(256);
        final Ping ping = new Ping();
        final Pong pong = new Pong();
        final Close close = new Close();
        final Welcome welcome = new Welcome();
        final Reject reject = new Reject();
        final Seq seq = new Seq();
    }

    /** Acknowledge after this many reliable messages (and on every server Ping). */
    private static final int ACK_EVERY = 16;

    private final Builder settings;
    private final FrameFormat format;
    private volatile CompletableFuture<GameClient> connected = new CompletableFuture<>();
    private volatile CompletableFuture<CloseReason> closed = new CompletableFuture<>();
    private volatile byte[] resumeToken;
    private volatile boolean resuming;
    /** Highest reliable sequence number received (I/O thread writes; read by {@link #resume()}). */
    private volatile long received;
    private long pendingSeq;
    private long lastAcked;
    private final RttEstimator rtt = new RttEstimator();
    private volatile Channel channel;
    private volatile long sessionId;
    private volatile int tickRateHz;
    private volatile CloseReason closeReason;
    private volatile boolean welcomed;
    private long pingSeq;

    private GameClient(final Builder b) {
        this.settings = b;
        this.format = b.webSocket != null ? FrameFormat.WEBSOCKET : FrameFormat.TCP;
    }

    /**
     * A builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * An event loop group for clients (epoll if available, daemon threads); share it between many clients.
     *
     * @param threads in [1, 1024]
     * @return a group the caller shuts down
     */
    public static EventLoopGroup newEventLoopGroup(final int threads) {
        if (threads < 1 || threads > 1024) {
            throw new IllegalArgumentException("threads must be in [1, 1024], was " + threads);
        }
        return Transports.newGroup(threads, "mmo-net-client", true, true);
    }

    /**
     * Connects and runs the handshake.
     *
     * @return completes with this client after Welcome, or fails (Reject, close, connection error)
     */
    public CompletableFuture<GameClient> connect() {
        return open();
    }

    /**
     * Resumes the session on a new connection after the previous one closed: sends the resume token from Welcome and
     * the highest reliable sequence number received; the server answers Welcome with the same session id and resends
     * the reliable messages after it (duplicates are discarded here).
     *
     * @return completes with this client after the resuming Welcome, or fails (e.g. Reject with
     *     {@link CloseCodes#RESUME_FAILED} once the server's grace period is over)
     * @throws IllegalStateException if the server offered no resume token, or the previous connection is not closed yet
     */
    public CompletableFuture<GameClient> resume() {
        if (resumeToken == null) {
            throw new IllegalStateException("the server offered no resume token (resume is off, or no Welcome yet)");
        }
        if (!closed.isDone()) {
            throw new IllegalStateException("the connection is still open; resume after closeFuture() completed");
        }
        welcomed = false;
        closeReason = null;
        resuming = true;
        connected = new CompletableFuture<>();
        closed = new CompletableFuture<>();
        return open();
    }

    private CompletableFuture<GameClient> open() {
        final Bootstrap b = new Bootstrap()
            .group(settings.group)
            .channel(Transports.socketChannel(settings.group))
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)   // see Gateway: no ByteBuffer per frame
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
            .handler(new ChannelInitializer<>() {
                @Override
                protected void initChannel(final Channel ch) {
                    final ChannelPipeline p = ch.pipeline();
                    if (settings.webSocket != null) {
                        if (settings.tls != null) {
                            p.addLast(settings.tls.newHandler(ch.alloc(), settings.webSocket.getHost(), settings.webSocket.getPort()));
                        }
                        p.addLast(new HttpClientCodec());
                        p.addLast(new HttpObjectAggregator(8192));
                        p.addLast(new WebSocketClientProtocolHandler(WebSocketClientProtocolConfig.newBuilder()
                            .webSocketUri(settings.webSocket)
                            .maxFramePayloadLength(settings.maxFrameBytes)
                            .build()));
                    } else {
                        p.addLast(new TcpFrameDecoder(settings.maxFrameBytes));
                    }
                    p.addLast(new Handler(connected, closed));
                }
            });
        final InetSocketAddress target = settings.webSocket != null
            ? new InetSocketAddress(settings.webSocket.getHost(), settings.webSocket.getPort())
            : settings.tcp;
        final ChannelFuture f = settings.localAddress != null ? b.connect(target, settings.localAddress) : b.connect(target);
        channel = f.channel();
        f.addListener(done -> {
            if (!done.isSuccess()) {
                fail(new CloseReason(CloseCodes.CONNECTION_LOST, "connect failed: " + done.cause()));
            }
        });
        return connected;
    }

    /**
     * The session id from Welcome.
     *
     * @return the id, 0 before Welcome
     */
    public long sessionId() {
        return sessionId;
    }

    /**
     * The server's tick rate from Welcome.
     *
     * @return Hz, 0 before Welcome
     */
    public int tickRateHz() {
        return tickRateHz;
    }

    /**
     * Whether the server offered a resume token (the gateway has resume on).
     *
     * @return true if {@link #resume()} can be tried after a drop
     */
    public boolean canResume() {
        return resumeToken != null;
    }

    /**
     * The highest reliable sequence number received (0 if resume is off or nothing reliable arrived).
     *
     * @return the sequence number
     */
    public long receivedSeq() {
        return received;
    }

    /**
     * Drops the connection without telling the server (as a network failure would); the session can then be
     * {@link #resume() resumed}.
     *
     * @return completes when closed
     */
    public CompletableFuture<CloseReason> abort() {
        final Channel ch = channel;
        final CompletableFuture<CloseReason> f = closed;
        if (ch != null) {
            ch.eventLoop().execute(() -> {
                if (closeReason == null) {
                    closeReason = new CloseReason(CloseCodes.CONNECTION_LOST, "aborted by the client");
                }
                ch.close();
            });
        }
        return f;
    }

    /**
     * Like {@link #abort()}, but resets the connection (TCP RST via {@code SO_LINGER 0}): what a crashed client or a
     * NAT that dropped the connection looks like to the server. The session can still be resumed.
     *
     * @return completes when the connection is closed
     */
    public CompletableFuture<CloseReason> abortWithReset() {
        final Channel ch = channel;
        if (ch != null) {
            ch.eventLoop().execute(() -> ch.config().setOption(io.netty.channel.ChannelOption.SO_LINGER, 0));
        }
        return abort();
    }

    /**
     * Stops or resumes reading from the socket (Netty's auto-read), e.g. to play a slow consumer in tests.
     *
     * @param read false to stop reading
     */
    public void autoRead(final boolean read) {
        final Channel ch = channel;
        if (ch != null) {
            ch.config().setAutoRead(read);
        }
    }

    /**
     * Whether the handshake finished and the connection is open.
     *
     * @return true if messages can be sent
     */
    public boolean isOpen() {
        final Channel ch = channel;
        return welcomed && closeReason == null && ch != null && ch.isActive();
    }

    /**
     * Queues a message without flushing.
     *
     * @param envelope {@code [u16 type id][payload]}; copied, position unchanged
     * @return false if not open
     */
    public boolean send(final ByteBuffer envelope) {
        if (!isOpen()) {
            return false;
        }
        channel.write(format.frame(channel.alloc(), envelope), channel.voidPromise());
        return true;
    }

    /**
     * Queues raw bytes as one frame, skipping every check (for tests of the server's defences).
     *
     * @param envelope the frame's content; copied
     */
    public void sendUnchecked(final ByteBuffer envelope) {
        channel.writeAndFlush(format.frame(channel.alloc(), envelope), channel.voidPromise());
    }

    /** Sends everything queued. */
    public void flush() {
        final Channel ch = channel;
        if (ch != null) {
            ch.flush();
        }
    }

    /**
     * Sends a Ping now (the server's Pong updates {@link #smoothedRttNanos()}).
     */
    public void ping() {
        channel.eventLoop().execute(() -> {
            if (isOpen()) {
                write(Control.ping(STATES.get().writer, ++pingSeq, System.nanoTime()), true);
            }
        });
    }

    /**
     * Closes with {@link CloseCodes#NORMAL}: tells the server, then closes the channel. Idempotent.
     *
     * @return completes when closed, with the reason
     */
    public CompletableFuture<CloseReason> close() {
        final Channel ch = channel;
        if (ch == null) {
            return closed;
        }
        ch.eventLoop().execute(() -> {
            if (closeReason == null && ch.isActive()) {
                closeReason = new CloseReason(CloseCodes.NORMAL, "client closed");
                if (welcomed) {
                    write(Control.close(STATES.get().writer, CloseCodes.NORMAL, "client closed"), true);
                }
            }
            ch.close();
        });
        return closed;
    }

    /**
     * Completes when the connection has closed.
     *
     * @return the reason the server gave, or {@code CONNECTION_LOST}
     */
    public CompletableFuture<CloseReason> closeFuture() {
        return closed;
    }

    /**
     * The client's own RTT estimate from its {@link #ping()}s.
     *
     * @return nanoseconds, or -1 before the first Pong
     */
    public long smoothedRttNanos() {
        return rtt.smoothedNanos();
    }

    // ---- I/O thread

    private void write(final ByteBuffer envelope, final boolean flush) {
        final Object frame = format.frame(channel.alloc(), envelope);
        if (flush) {
            channel.writeAndFlush(frame, channel.voidPromise());
        } else {
            channel.write(frame, channel.voidPromise());
        }
    }

    private void sendHello() {
        final byte[] token = resuming ? resumeToken : null;
        write(Control.hello(STATES.get().writer, settings.protocolVersion, settings.credentials, token, settings.clientName,
            token == null ? 0 : received), true);
    }

    private void onFrame(final ByteBuf frame) {
        if (frame.readableBytes() < 2) {
            protocolError("frame shorter than the envelope header");
            return;
        }
        final int type = frame.getUnsignedShortLE(frame.readerIndex());
        if (type < MessageTypes.ECS_FIRST) {
            final MessageDispatcher<GameClient> d = STATES.get().dispatcher;
            if (d.dispatch(this, frame) != WireError.OK) {
                protocolError(d.lastError());
            }
        } else if (welcomed) {
            final long seq = pendingSeq;
            if (seq != 0) {
                pendingSeq = 0;
                if (seq <= received) {
                    return; // resent after a resume, already delivered
                }
                received = seq;
            }
            settings.listener.onMessage(this, type, frame);
            if (received - lastAcked >= ACK_EVERY) {
                sendAck();
            }
        } else {
            protocolError("application message before Welcome");
        }
    }

    private void protocolError(final String what) {
        if (closeReason == null) {
            closeReason = new CloseReason(CloseCodes.PROTOCOL_VIOLATION, "client: " + what);
        }
        channel.close();
    }

    void onSeq(final ByteBuffer p) {
        if (!welcomed) {
            protocolError("Seq before Welcome");
            return;
        }
        pendingSeq = Seq.getRootAsSeq(p, STATES.get().seq).seq();
    }

    private void sendAck() {
        lastAcked = received;
        write(Control.ack(STATES.get().writer, received), true);
    }

    void onPing(final ByteBuffer p) {
        if (received > lastAcked && welcomed) {
            sendAck();
        }
        if (settings.answerPings) {
            final State s = STATES.get();
            final Ping ping = Ping.getRootAsPing(p, s.ping);
            write(Control.pong(s.writer, ping.seq(), ping.sentNanos(), System.nanoTime()), true);
        }
    }

    void onPong(final ByteBuffer p) {
        final Pong pong = Pong.getRootAsPong(p, STATES.get().pong);
        final long r = System.nanoTime() - pong.echoNanos();
        if (r >= 0 && r < TimeUnit.MINUTES.toNanos(1)) {
            rtt.sample(r);
        }
    }

    void onClose(final ByteBuffer p) {
        final Close c = Close.getRootAsClose(p, STATES.get().close);
        if (closeReason == null) {
            closeReason = new CloseReason(c.code(), c.reason() == null ? "" : c.reason());
        }
        channel.close();
    }

    void onWelcome(final ByteBuffer p) {
        if (welcomed) {
            protocolError("second Welcome");
            return;
        }
        final Welcome w = Welcome.getRootAsWelcome(p, STATES.get().welcome);
        if (resuming && (!w.resumed() || w.sessionId() != sessionId)) {
            protocolError("asked to resume session " + sessionId + " but got a Welcome for " + w.sessionId());
            return;
        }
        if (!resuming) {
            final ByteBuffer token = w.resumeTokenAsByteBuffer();
            if (token != null && token.hasRemaining()) {
                final byte[] t = new byte[token.remaining()];
                token.get(t);
                resumeToken = t;
            }
        }
        resuming = false;
        pendingSeq = 0;
        lastAcked = received;
        sessionId = w.sessionId();
        tickRateHz = w.tickRateHz();
        welcomed = true;
        connected.complete(this);
    }

    void onReject(final ByteBuffer p) {
        final Reject r = Reject.getRootAsReject(p, STATES.get().reject);
        if (closeReason == null) {
            closeReason = new CloseReason(r.code(), r.reason() == null ? "" : r.reason());
        }
    }

    private void fail(final CloseReason reason) {
        if (closeReason == null) {
            closeReason = reason;
        }
        connected.completeExceptionally(new HandshakeRejectedException(closeReason));
        closed.complete(closeReason);
    }

    /** One connection's handler; completes that connection's futures (a resume makes new ones). */
    private final class Handler extends ChannelInboundHandlerAdapter {
        private final CompletableFuture<GameClient> connectedOfThis;
        private final CompletableFuture<CloseReason> closedOfThis;

        Handler(final CompletableFuture<GameClient> connected, final CompletableFuture<CloseReason> closed) {
            this.connectedOfThis = connected;
            this.closedOfThis = closed;
        }

        @Override
        public void handlerAdded(final ChannelHandlerContext ctx) {
            channel = ctx.channel();
        }

        @Override
        public void channelActive(final ChannelHandlerContext ctx) throws Exception {
            if (settings.webSocket == null) {
                sendHello();
            }
            super.channelActive(ctx);
        }

        @Override
        public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt) throws Exception {
            if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                sendHello();
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
            try {
                if (msg instanceof ByteBuf frame) {
                    onFrame(frame);
                } else if (msg instanceof BinaryWebSocketFrame frame) {
                    onFrame(frame.content());
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelInactive(final ChannelHandlerContext ctx) throws Exception {
            if (closeReason == null) {
                closeReason = new CloseReason(CloseCodes.CONNECTION_LOST, "connection lost");
            }
            if (!connectedOfThis.isDone()) {
                connectedOfThis.completeExceptionally(new HandshakeRejectedException(closeReason));
            }
            closedOfThis.complete(closeReason);
            if (welcomed) {
                settings.listener.onClose(GameClient.this, closeReason);
            }
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
            protocolError(String.valueOf(cause));
        }
    }

    /** Settings of a {@link GameClient}. Not thread-safe. */
    public static final class Builder {
        private InetSocketAddress tcp;
        private InetSocketAddress localAddress;
        private URI webSocket;
        private SslContext tls;
        private EventLoopGroup group;
        private byte[] credentials = new byte[0];
        private String clientName = "";
        private ClientListener listener = new ClientListener() {
        };
        private int maxFrameBytes = 64 * 1024;
        private boolean answerPings = true;
        private int protocolVersion = NetMessageTypes.PROTOCOL_VERSION;

        private Builder() {
        }

        /**
         * Connects over TCP.
         *
         * @param address the gateway's TCP address
         * @return this
         */
        public Builder tcp(final InetSocketAddress address) {
            this.tcp = Objects.requireNonNull(address, "address");
            this.webSocket = null;
            return this;
        }

        /**
         * The local address to connect from, e.g. {@code 127.0.0.3:0} to spread load-test connections over several
         * source addresses (each has its own range of ephemeral ports).
         *
         * @param local the address to bind before connecting (port 0 for an ephemeral one); default the system's choice
         * @return this
         */
        public Builder localAddress(final InetSocketAddress local) {
            this.localAddress = Objects.requireNonNull(local, "local");
            return this;
        }

        /**
         * Connects over WebSocket; a {@code wss} URI also needs {@link #tls(SslContext)}.
         *
         * @param uri e.g. {@code ws://127.0.0.1:7001/ws} or {@code wss://127.0.0.1:7443/ws}, with an explicit port
         * @return this
         */
        public Builder webSocket(final URI uri) {
            if (uri == null || !("ws".equals(uri.getScheme()) || "wss".equals(uri.getScheme())) || uri.getPort() < 1) {
                throw new IllegalArgumentException("webSocket URI must be ws://host:port/path or wss://host:port/path, was " + uri);
            }
            this.webSocket = uri;
            this.tcp = null;
            return this;
        }

        /**
         * TLS for a {@code wss} URI.
         *
         * @param context a client {@link SslContext} (e.g. trusting the server's certificate)
         * @return this
         */
        public Builder tls(final SslContext context) {
            if (context != null && !context.isClient()) {
                throw new IllegalArgumentException("tls needs a client SslContext (SslContextBuilder.forClient)");
            }
            this.tls = context;
            return this;
        }

        /**
         * The event loop group to run on (required; share one between many clients).
         *
         * @param group from {@link GameClient#newEventLoopGroup(int)} or the caller's own
         * @return this
         */
        public Builder group(final EventLoopGroup group) {
            this.group = Objects.requireNonNull(group, "group");
            return this;
        }

        /**
         * Credentials sent in Hello.
         *
         * @param credentials at most 2048 bytes (copied)
         * @return this
         */
        public Builder credentials(final byte[] credentials) {
            if (credentials == null || credentials.length > 2048) {
                throw new IllegalArgumentException("credentials must be 0 to 2048 bytes, was "
                    + (credentials == null ? "null" : credentials.length));
            }
            this.credentials = credentials.clone();
            return this;
        }

        /**
         * Name sent in Hello, for the server's logs.
         *
         * @param name at most 64 characters
         * @return this
         */
        public Builder clientName(final String name) {
            if (name == null || name.length() > 64) {
                throw new IllegalArgumentException("clientName must be 0 to 64 characters, was " + name);
            }
            this.clientName = name;
            return this;
        }

        /**
         * Receives messages and the close.
         *
         * @param listener called on the I/O thread
         * @return this
         */
        public Builder listener(final ClientListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Largest envelope accepted from the server.
         *
         * @param bytes in [64, 16777216]; default 65536
         * @return this
         */
        public Builder maxFrameBytes(final int bytes) {
            if (bytes < 64 || bytes > 16 * 1024 * 1024) {
                throw new IllegalArgumentException("maxFrameBytes must be in [64, 16777216], was " + bytes);
            }
            this.maxFrameBytes = bytes;
            return this;
        }

        /**
         * Whether to answer the server's Pings (default true; false simulates a dead client).
         *
         * @param answer the choice
         * @return this
         */
        public Builder answerPings(final boolean answer) {
            this.answerPings = answer;
            return this;
        }

        /**
         * Protocol version sent in Hello (default {@link NetMessageTypes#PROTOCOL_VERSION}; tests send others).
         *
         * @param version in [0, 65535]
         * @return this
         */
        public Builder protocolVersion(final int version) {
            if (version < 0 || version > 0xFFFF) {
                throw new IllegalArgumentException("protocolVersion must be in [0, 65535], was " + version);
            }
            this.protocolVersion = version;
            return this;
        }

        /**
         * Builds the client (not connected yet).
         *
         * @return a new client
         */
        public GameClient build() {
            if (tcp == null && webSocket == null) {
                throw new IllegalStateException("set tcp(address) or webSocket(uri)");
            }
            if (webSocket != null && "wss".equals(webSocket.getScheme()) != (tls != null)) {
                throw new IllegalStateException("a wss URI needs tls(context), and tls(context) needs a wss URI; was "
                    + webSocket + (tls == null ? " without" : " with") + " TLS");
            }
            if (group == null) {
                throw new IllegalStateException("group must be set (GameClient.newEventLoopGroup(n), shared by all clients)");
            }
            return new GameClient(this);
        }
    }
}

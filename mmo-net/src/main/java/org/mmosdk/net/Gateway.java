package org.mmosdk.net;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.mmosdk.core.id.NodeIds;
import org.mmosdk.core.id.SessionIds;
import org.mmosdk.core.stats.StatsRegistry;
import org.mmosdk.core.time.Clock;
import org.mmosdk.core.time.SystemClock;
import org.mmosdk.core.wire.MessageRegistry;
import org.mmosdk.core.wire.MessageTypes;
import org.mmosdk.core.wire.WireSchema;
import org.mmosdk.core.wire.fb.Close;
import org.mmosdk.core.wire.fb.Ping;
import org.mmosdk.core.wire.fb.Pong;
import org.mmosdk.net.internal.TcpFrameDecoder;
import org.mmosdk.net.internal.Transports;
import org.mmosdk.net.wire.fb.Ack;
import org.mmosdk.net.wire.fb.Hello;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The front door of a game server: accepts clients over TCP and/or WebSocket, runs the handshake, heartbeats and
 * limits, and delivers verified messages of every transport to the same {@link Session} API and handlers.
 *
 * <pre>{@code
 * Gateway gateway = Gateway.builder()
 *     .tcpPort(7000).webSocketPort(7001).webSocketPath("/game")
 *     .authenticator(new HmacTokenAuthenticator(key))
 *     .messages(registry)            // MessageRegistry<Session> of the application's messages
 *     .listener(sessionListener)
 *     .build()
 *     .start();
 * ...
 * gateway.shutdown(Duration.ofSeconds(5));
 * }</pre>
 *
 * <p>Threads: {@link #start()} and {@link #shutdown(Duration)} are called by the owner (not from an I/O thread);
 * the accessors are thread-safe.
 */
public final class Gateway implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    final Settings settings;
    final NetStats stats;
    final ConnectionLimiter limiter;
    final SessionManager sessions;
    final ChannelGroup channels = new DefaultChannelGroup("mmo-net", GlobalEventExecutor.INSTANCE);
    final Authenticator authenticator;
    final SessionListener listener;
    final Clock clock;
    /** The time of received frames when {@link #clock} is the system clock; null otherwise (see {@link CoarseClock}). */
    final CoarseClock coarseClock;
    final LongSupplier sessionIds;
    final SecureRandom random = new SecureRandom();
    private final MessageRegistry<ServerConnection> control;
    private final MessageRegistry<Session> app;
    private final FastThreadLocal<IoThreadState> threadStates;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final boolean ownsGroups;
    private final List<Channel> servers = new ArrayList<>();
    private InetSocketAddress tcpAddress;
    private InetSocketAddress webSocketAddress;
    private boolean started;
    private boolean stopped;

    private Gateway(final Builder b) {
        this.settings = new Settings(b);
        this.limiter = new ConnectionLimiter(b.maxConnections, b.maxConnectionsPerIp);
        this.sessions = new SessionManager(limiter);
        this.stats = new NetStats(b.stats, limiter::total, sessions::sessionCount);
        this.authenticator = b.authenticator;
        this.listener = b.listener;
        this.clock = b.clock;
        this.sessionIds = SessionIds.newGenerator(b.nodeId);
        this.app = b.messages;
        final WireSchema core = MessageTypes.coreSchema();
        this.control = MessageRegistry.<ServerConnection>builder()
            .maxPayloadBytes(Math.max(16, Math.min(b.maxFrameBytes, MessageRegistry.MAX_PAYLOAD_BYTES_LIMIT)))
            .register(MessageTypes.PING, core.table(Ping.class), 64, (c, t, p) -> c.onPing(p))
            .register(MessageTypes.PONG, core.table(Pong.class), 64, (c, t, p) -> c.onPong(p))
            .register(MessageTypes.CLOSE, core.table(Close.class), 512, (c, t, p) -> c.onClose(p))
            .register(NetMessageTypes.HELLO, NetMessageTypes.schema().table(Hello.class), 4096, (c, t, p) -> c.onHello(p))
            .register(NetMessageTypes.ACK, NetMessageTypes.schema().table(Ack.class), 64, (c, t, p) -> c.onAck(p))
            .build();
        this.threadStates = new FastThreadLocal<>() {
            @Override
            protected IoThreadState initialValue() {
                return new IoThreadState(control, app, stats);
            }
        };
        if (b.bossGroup != null) {
            this.boss = b.bossGroup;
            this.workers = b.workerGroup;
            this.ownsGroups = false;
        } else {
            this.boss = Transports.newGroup(b.bossThreads, "mmo-net-boss", b.preferEpoll, false);
            this.workers = Transports.newGroup(b.workerThreads, "mmo-net-io", b.preferEpoll, false);
            this.ownsGroups = true;
        }
        final EventExecutor ticker = b.coarseClockExecutor != null ? b.coarseClockExecutor
            : clock == SystemClock.INSTANCE ? workers.next() : null;
        this.coarseClock = ticker == null ? null : new CoarseClock(clock, ticker, channels::isEmpty);
    }

    /**
     * A builder with defaults: TCP on an ephemeral port of 127.0.0.1, no WebSocket, 64 KiB frames.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    IoThreadState threadState() {
        return threadStates.get();
    }

    /**
     * Binds the configured ports.
     *
     * @return this
     * @throws IllegalStateException if already started, or if a port cannot be bound
     */
    public synchronized Gateway start() {
        if (started) {
            throw new IllegalStateException("gateway already started");
        }
        started = true;
        try {
            if (settings.tcpPort >= 0) {
                final Channel ch = bootstrap(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(final Channel ch) {
                        initTcp(ch.pipeline());
                    }
                }).bind(settings.host, settings.tcpPort).sync().channel();
                servers.add(ch);
                tcpAddress = (InetSocketAddress) ch.localAddress();
            }
            if (settings.webSocketPort >= 0) {
                final Channel ch = bootstrap(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(final Channel ch) {
                        initWebSocket(ch);
                    }
                }).bind(settings.host, settings.webSocketPort).sync().channel();
                servers.add(ch);
                webSocketAddress = (InetSocketAddress) ch.localAddress();
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            shutdown(Duration.ZERO);
            throw new IllegalStateException("interrupted while binding", e);
        } catch (final RuntimeException e) {
            shutdown(Duration.ZERO);
            throw new IllegalStateException("cannot bind gateway on " + settings.host + ": " + e.getMessage(), e);
        }
        LOG.info("gateway listening: tcp={} websocket={} transport={}", tcpAddress, webSocketAddress,
            Transports.isEpoll(workers) ? "epoll" : "nio");
        return this;
    }

    private ServerBootstrap bootstrap(final ChannelInitializer<Channel> init) {
        final ServerBootstrap b = new ServerBootstrap();
        if (settings.reusePort) {
            b.option(EpollChannelOption.SO_REUSEPORT, true);
        }
        return b
            .group(boss, workers)
            .channel(Transports.serverChannel(boss))
            .option(ChannelOption.SO_BACKLOG, 1024)
            .childOption(ChannelOption.TCP_NODELAY, true)
            // pooled, not Netty 4.2's default adaptive allocator: a pooled buffer caches its NIO view, which frames
            // are verified and read through; an adaptive one makes a new ByteBuffer object for every frame
            .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
            .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                new WriteBufferWaterMark(settings.writeBufferLowBytes, settings.writeBufferHighBytes))
            .childHandler(init);
    }

    /**
     * Installs this gateway's server pipeline for {@code transport} on a channel the gateway did not accept itself,
     * e.g. an {@code EmbeddedChannel} in benchmarks and tests. Call it from a {@code ChannelInitializer}, before the
     * channel becomes active. The channel is then handled exactly like an accepted one (handshake, limits, stats).
     *
     * @param channel a channel not yet active
     * @param transport which pipeline to install
     */
    public void initChannel(final Channel channel, final Transport transport) {
        if (transport == Transport.TCP) {
            initTcp(channel.pipeline());
        } else {
            initWebSocket(channel);
        }
    }

    private void initTcp(final ChannelPipeline p) {
        final ServerConnection connection = new ServerConnection(this, Transport.TCP);
        p.addLast("frames", new TcpFrameDecoder(settings.maxFrameBytes, connection));
        p.addLast("session", connection);
    }

    private void initWebSocket(final Channel ch) {
        final ChannelPipeline p = ch.pipeline();
        if (settings.sslContext != null) {
            p.addLast("tls", settings.sslContext.newHandler(ch.alloc()));
        }
        p.addLast("http", new HttpServerCodec(4096, 8192, 8192));
        p.addLast("http-aggregator", new HttpObjectAggregator(8192));
        p.addLast("websocket", new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
            .websocketPath(settings.webSocketPath)
            .checkStartsWith(false)
            .allowExtensions(false)
            .maxFramePayloadLength(settings.maxFrameBytes)
            .handshakeTimeoutMillis(Math.max(1, TimeUnit.NANOSECONDS.toMillis(settings.helloTimeoutNanos)))
            .build()));
        p.addLast("frames", WebSocketFrameAdapter.INSTANCE);
        p.addLast("session", new ServerConnection(this, Transport.WEBSOCKET));
    }

    /**
     * The bound TCP address.
     *
     * @return the address (with the actual port if 0 was configured), or null if TCP is off or not started
     */
    public InetSocketAddress tcpAddress() {
        return tcpAddress;
    }

    /**
     * The bound WebSocket address.
     *
     * @return the address, or null if WebSocket is off or not started
     */
    public InetSocketAddress webSocketAddress() {
        return webSocketAddress;
    }

    /**
     * The configured WebSocket path.
     *
     * @return e.g. {@code "/ws"}
     */
    public String webSocketPath() {
        return settings.webSocketPath;
    }

    /**
     * The open sessions.
     *
     * @return the session manager
     */
    public SessionManager sessions() {
        return sessions;
    }

    /**
     * Whether the I/O threads run on epoll.
     *
     * @return true for epoll, false for NIO
     */
    public boolean usesEpoll() {
        return Transports.isEpoll(workers);
    }

    /**
     * Graceful shutdown: stops accepting, tells every client why ({@link CloseCodes#SHUTDOWN}), waits up to
     * {@code drain} for the connections to close, closes the rest, and shuts down the event loops it created.
     * Idempotent.
     *
     * @param drain how long to wait for clients to leave
     */
    public synchronized void shutdown(final Duration drain) {
        if (stopped) {
            return;
        }
        stopped = true;
        if (coarseClock != null) {
            coarseClock.stop();
        }
        for (final Channel server : servers) {
            server.close().syncUninterruptibly();
        }
        for (final Channel ch : channels) {
            final ServerConnection c = ch.pipeline().get(ServerConnection.class);
            if (c != null) {
                c.session().close(CloseCodes.SHUTDOWN, "server shutting down");
            }
        }
        channels.newCloseFuture().awaitUninterruptibly(Math.max(0, drain.toMillis()));
        channels.close().awaitUninterruptibly(1000);
        if (ownsGroups) {
            boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            boss.terminationFuture().awaitUninterruptibly(5000);
            workers.terminationFuture().awaitUninterruptibly(5000);
        }
    }

    /** {@link #shutdown(Duration)} with a one-second drain. */
    @Override
    public void close() {
        shutdown(Duration.ofSeconds(1));
    }

    /** Validated settings, read by every connection. */
    static final class Settings {
        final String host;
        final int tcpPort;
        final int webSocketPort;
        final String webSocketPath;
        final SslContext sslContext;
        final int maxFrameBytes;
        final int rateLimitPerSecond;
        final int rateLimitBurst;
        final RateLimitPolicy rateLimitPolicy;
        final long helloTimeoutNanos;
        final long authTimeoutNanos;
        final long pingIntervalNanos;
        final long idleTimeoutNanos;
        final long closeTimeoutNanos;
        final int tickRateHz;
        final boolean reusePort;
        final int writeBufferLowBytes;
        final int writeBufferHighBytes;
        final long maxQueuedReliableBytes;
        final long resumeGraceNanos;
        final int maxUnackedMessages;
        final long maxUnackedBytes;

        Settings(final Builder b) {
            writeBufferLowBytes = b.writeBufferLow;
            writeBufferHighBytes = b.writeBufferHigh;
            maxQueuedReliableBytes = b.maxQueuedReliableBytes;
            resumeGraceNanos = b.resumeGrace.toNanos();
            maxUnackedMessages = b.maxUnackedMessages;
            maxUnackedBytes = b.maxUnackedBytes;
            host = b.host;
            tcpPort = b.tcpPort;
            webSocketPort = b.webSocketPort;
            webSocketPath = b.webSocketPath;
            sslContext = b.sslContext;
            maxFrameBytes = b.maxFrameBytes;
            rateLimitPerSecond = b.rateLimitPerSecond;
            rateLimitBurst = b.rateLimitBurst;
            rateLimitPolicy = b.rateLimitPolicy;
            helloTimeoutNanos = b.helloTimeout.toNanos();
            authTimeoutNanos = b.authTimeout.toNanos();
            pingIntervalNanos = b.pingInterval.toNanos();
            idleTimeoutNanos = b.idleTimeout.toNanos();
            closeTimeoutNanos = b.closeTimeout.toNanos();
            tickRateHz = b.tickRateHz;
            reusePort = b.reusePort;
        }
    }

    /**
     * Settings of a {@link Gateway}; each setter validates its argument and says what it accepts. Not thread-safe.
     */
    public static final class Builder {
        /** Smallest frame cap. */
        public static final int MIN_FRAME_BYTES = 64;
        /** Largest frame cap: 16 MiB. */
        public static final int MAX_FRAME_BYTES = 16 * 1024 * 1024;

        private String host = "127.0.0.1";
        private int tcpPort = 0;
        private int webSocketPort = -1;
        private String webSocketPath = "/ws";
        private SslContext sslContext;
        private int maxFrameBytes = 64 * 1024;
        private int maxConnections = 10_000;
        private int maxConnectionsPerIp = 100;
        private int rateLimitPerSecond = 200;
        private int rateLimitBurst = 400;
        private RateLimitPolicy rateLimitPolicy = RateLimitPolicy.CLOSE;
        private Duration helloTimeout = Duration.ofSeconds(5);
        private Duration authTimeout = Duration.ofSeconds(5);
        private Duration pingInterval = Duration.ofSeconds(1);
        private Duration idleTimeout = Duration.ofSeconds(15);
        private Duration closeTimeout = Duration.ofSeconds(1);
        private int tickRateHz = 20;
        private int writeBufferLow = 32 * 1024;
        private int writeBufferHigh = 64 * 1024;
        private long maxQueuedReliableBytes = 1024 * 1024;
        private Duration resumeGrace = Duration.ZERO;
        private int maxUnackedMessages = 4096;
        private long maxUnackedBytes = 1024 * 1024;
        private int nodeId = 1;
        private int bossThreads = 1;
        private int workerThreads = 0;
        private boolean preferEpoll = true;
        private boolean reusePort;
        private EventLoopGroup bossGroup;
        private EventLoopGroup workerGroup;
        private Authenticator authenticator;
        private SessionListener listener = new SessionListener() {
        };
        private MessageRegistry<Session> messages;
        private StatsRegistry stats = new StatsRegistry();
        private Clock clock = Clock.system();
        /** Tests: use a {@link CoarseClock} ticking on this executor, whatever the clock (default: system clock only). */
        EventExecutor coarseClockExecutor;

        private Builder() {
        }

        /**
         * Address to bind (default 127.0.0.1; use {@code "0.0.0.0"} to accept from every interface).
         *
         * @param host an address or host name
         * @return this
         */
        public Builder host(final String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /**
         * TCP port: 0 picks a free port (the default), -1 turns TCP off.
         *
         * @param port in [-1, 65535]
         * @return this
         */
        public Builder tcpPort(final int port) {
            this.tcpPort = checkPort("tcpPort", port);
            return this;
        }

        /**
         * WebSocket port: 0 picks a free port, -1 (the default) turns WebSocket off.
         *
         * @param port in [-1, 65535]
         * @return this
         */
        public Builder webSocketPort(final int port) {
            this.webSocketPort = checkPort("webSocketPort", port);
            return this;
        }

        /**
         * Path of the WebSocket upgrade request (default {@code /ws}); other paths get 404.
         *
         * @param path starting with '/'
         * @return this
         */
        public Builder webSocketPath(final String path) {
            if (path == null || !path.startsWith("/")) {
                throw new IllegalArgumentException("webSocketPath must start with '/', was " + path);
            }
            this.webSocketPath = path;
            return this;
        }

        /**
         * Serves WebSocket over TLS (wss) with this server context; null (the default) for plain ws.
         *
         * @param context a server {@link SslContext}
         * @return this
         */
        public Builder webSocketTls(final SslContext context) {
            if (context != null && !context.isServer()) {
                throw new IllegalArgumentException("webSocketTls needs a server SslContext (SslContextBuilder.forServer)");
            }
            this.sslContext = context;
            return this;
        }

        /**
         * Largest envelope (type id + payload) a client may send; checked on the length prefix or WebSocket frame
         * header, before anything is allocated.
         *
         * @param bytes in [64, 16777216]; default 65536
         * @return this
         */
        public Builder maxFrameBytes(final int bytes) {
            if (bytes < MIN_FRAME_BYTES || bytes > MAX_FRAME_BYTES) {
                throw new IllegalArgumentException("maxFrameBytes must be in [" + MIN_FRAME_BYTES + ", " + MAX_FRAME_BYTES
                    + "], was " + bytes);
            }
            this.maxFrameBytes = bytes;
            return this;
        }

        /**
         * Connection limits; a connection above either is told why and closed.
         *
         * @param total connections in all, in [1, 1000000]; default 10000
         * @param perIp connections from one address, in [1, total]; default 100
         * @return this
         */
        public Builder maxConnections(final int total, final int perIp) {
            if (total < 1 || total > 1_000_000) {
                throw new IllegalArgumentException("maxConnections must be in [1, 1000000], was " + total);
            }
            if (perIp < 1 || perIp > total) {
                throw new IllegalArgumentException("maxConnectionsPerIp must be in [1, maxConnections=" + total + "], was " + perIp);
            }
            this.maxConnections = total;
            this.maxConnectionsPerIp = perIp;
            return this;
        }

        /**
         * Per-session rate limit on received messages (all types, heartbeats included), as a token bucket.
         *
         * @param perSecond refill rate, in [1, 1000000000]; default 200
         * @param burst bucket size, in [1, 1000000000]; default 400
         * @param policy what happens above the limit; default CLOSE
         * @return this
         */
        public Builder rateLimit(final int perSecond, final int burst, final RateLimitPolicy policy) {
            if (perSecond < 1 || perSecond > 1_000_000_000) {
                throw new IllegalArgumentException("rateLimit perSecond must be in [1, 1000000000], was " + perSecond);
            }
            if (burst < 1 || burst > 1_000_000_000) {
                throw new IllegalArgumentException("rateLimit burst must be in [1, 1000000000], was " + burst);
            }
            this.rateLimitPerSecond = perSecond;
            this.rateLimitBurst = burst;
            this.rateLimitPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * Time allowed between connecting and the Hello (WebSocket: including the upgrade).
         *
         * @param timeout in [10 ms, 5 min]; default 5 s
         * @return this
         */
        public Builder helloTimeout(final Duration timeout) {
            this.helloTimeout = checkDuration("helloTimeout", timeout, Duration.ofMillis(10), Duration.ofMinutes(5));
            return this;
        }

        /**
         * Time allowed to the {@link Authenticator}.
         *
         * @param timeout in [10 ms, 5 min]; default 5 s
         * @return this
         */
        public Builder authTimeout(final Duration timeout) {
            this.authTimeout = checkDuration("authTimeout", timeout, Duration.ofMillis(10), Duration.ofMinutes(5));
            return this;
        }

        /**
         * Heartbeats: the gateway pings every session each {@code interval}; a session that sends nothing for
         * {@code idleTimeout} is closed with {@link CloseCodes#IDLE_TIMEOUT}.
         *
         * @param interval in [10 ms, 5 min]; default 1 s
         * @param idleTimeout in [20 ms, 1 h] and greater than {@code interval}; default 15 s
         * @return this
         */
        public Builder heartbeat(final Duration interval, final Duration idleTimeout) {
            checkDuration("pingInterval", interval, Duration.ofMillis(10), Duration.ofMinutes(5));
            checkDuration("idleTimeout", idleTimeout, Duration.ofMillis(20), Duration.ofHours(1));
            if (idleTimeout.compareTo(interval) <= 0) {
                throw new IllegalArgumentException("idleTimeout (" + idleTimeout.toMillis() + " ms) must be greater than "
                    + "pingInterval (" + interval.toMillis() + " ms)");
            }
            this.pingInterval = interval;
            this.idleTimeout = idleTimeout;
            return this;
        }

        /**
         * Longest wait for the Close message to be flushed before the channel is closed anyway.
         *
         * @param timeout in [1 ms, 1 min]; default 1 s
         * @return this
         */
        public Builder closeTimeout(final Duration timeout) {
            this.closeTimeout = checkDuration("closeTimeout", timeout, Duration.ofMillis(1), Duration.ofMinutes(1));
            return this;
        }

        /**
         * Netty's write-buffer water marks of every connection: above {@code high} queued bytes a session is not
         * writable and skips {@code DROPPABLE} messages until the queue falls below {@code low}.
         *
         * @param low in [1024, high]; default 32 KiB
         * @param high in [low, 64 MiB]; default 64 KiB
         * @return this
         */
        public Builder writeBufferWaterMark(final int low, final int high) {
            if (high < 1024 || high > 64 * 1024 * 1024) {
                throw new IllegalArgumentException("write buffer high water mark must be in [1024, 67108864], was " + high);
            }
            if (low < 1024 || low > high) {
                throw new IllegalArgumentException("write buffer low water mark must be in [1024, high=" + high + "], was " + low);
            }
            this.writeBufferLow = low;
            this.writeBufferHigh = high;
            return this;
        }

        /**
         * Bound of a session's queue of reliable messages not yet written to the socket (Netty's outbound buffer,
         * counted in bytes); a reliable {@code send} beyond it closes the session with {@link CloseCodes#SLOW_CONSUMER}.
         *
         * @param bytes in [high water mark, 1 GiB]; default 1 MiB
         * @return this
         */
        public Builder maxQueuedReliableBytes(final long bytes) {
            if (bytes < 1024 || bytes > 1L << 30) {
                throw new IllegalArgumentException("maxQueuedReliableBytes must be in [1024, 1073741824], was " + bytes);
            }
            this.maxQueuedReliableBytes = bytes;
            return this;
        }

        /**
         * Session resume: a session whose connection drops stays detached for {@code grace} and can be resumed by a
         * client presenting the resume token from Welcome. Reliable messages are then numbered and kept until the
         * client acknowledges them, at most {@code maxUnackedMessages} and {@code maxUnackedBytes}; more closes the
         * session with {@link CloseCodes#SLOW_CONSUMER}.
         *
         * @param grace in [0, 1 h]; {@link Duration#ZERO} (the default) turns resume off
         * @param maxUnackedMessages in [16, 1048576]; default 4096
         * @param maxUnackedBytes in [1024, 1 GiB]; default 1 MiB
         * @return this
         */
        public Builder resume(final Duration grace, final int maxUnackedMessages, final long maxUnackedBytes) {
            if (grace == null || grace.isNegative() || grace.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("resume grace must be in [0, 1 h], was " + grace);
            }
            if (!grace.isZero() && grace.compareTo(Duration.ofMillis(10)) < 0) {
                throw new IllegalArgumentException("resume grace must be 0 (off) or at least 10 ms, was " + grace.toMillis() + " ms");
            }
            if (maxUnackedMessages < 16 || maxUnackedMessages > 1 << 20) {
                throw new IllegalArgumentException("maxUnackedMessages must be in [16, 1048576], was " + maxUnackedMessages);
            }
            if (maxUnackedBytes < 1024 || maxUnackedBytes > 1L << 30) {
                throw new IllegalArgumentException("maxUnackedBytes must be in [1024, 1073741824], was " + maxUnackedBytes);
            }
            this.resumeGrace = grace;
            this.maxUnackedMessages = maxUnackedMessages;
            this.maxUnackedBytes = maxUnackedBytes;
            return this;
        }

        /**
         * Tick rate announced in Welcome.
         *
         * @param hz in [1, 1000]; default 20
         * @return this
         */
        public Builder tickRateHz(final int hz) {
            if (hz < 1 || hz > 1000) {
                throw new IllegalArgumentException("tickRateHz must be in [1, 1000], was " + hz);
            }
            this.tickRateHz = hz;
            return this;
        }

        /**
         * This node's id, the high bits of every session id.
         *
         * @param nodeId in [1, NodeIds.MAX]; default 1
         * @return this
         */
        public Builder nodeId(final int nodeId) {
            this.nodeId = NodeIds.check(nodeId);
            return this;
        }

        /**
         * Thread counts of the event loops the gateway creates (epoll if available, else NIO).
         *
         * @param boss accepting threads, in [1, 16]; default 1
         * @param workers I/O threads, in [0, 1024], 0 for Netty's default of 2 × cores
         * @return this
         */
        public Builder threads(final int boss, final int workers) {
            if (boss < 1 || boss > 16) {
                throw new IllegalArgumentException("boss threads must be in [1, 16], was " + boss);
            }
            if (workers < 0 || workers > 1024) {
                throw new IllegalArgumentException("worker threads must be in [0, 1024], was " + workers);
            }
            this.bossThreads = boss;
            this.workerThreads = workers;
            return this;
        }

        /**
         * Whether to use epoll when it is available (default true); false forces NIO.
         *
         * @param prefer the preference
         * @return this
         */
        public Builder preferEpoll(final boolean prefer) {
            this.preferEpoll = prefer;
            return this;
        }

        /**
         * {@code SO_REUSEPORT} on the listening sockets (epoll only): several gateway processes bind the same port and
         * the kernel spreads new connections over them, e.g. to go past the per-process file descriptor limit.
         *
         * @param reuse whether to set it; default false
         * @return this
         */
        public Builder reusePort(final boolean reuse) {
            this.reusePort = reuse;
            return this;
        }

        /**
         * Runs on event loops owned by the caller (not shut down by the gateway) instead of creating its own.
         *
         * @param boss accepts connections
         * @param workers runs the connections; same transport (epoll or NIO) as {@code boss}
         * @return this
         */
        public Builder eventLoops(final EventLoopGroup boss, final EventLoopGroup workers) {
            Objects.requireNonNull(boss, "boss");
            Objects.requireNonNull(workers, "workers");
            if (Transports.isEpoll(boss) != Transports.isEpoll(workers)) {
                throw new IllegalArgumentException("boss and worker groups must both be epoll or both NIO");
            }
            this.bossGroup = boss;
            this.workerGroup = workers;
            return this;
        }

        /**
         * Who may open a session. Required.
         *
         * @param authenticator e.g. {@link HmacTokenAuthenticator}, or {@link Authenticator#allowAll()} for tests
         * @return this
         */
        public Builder authenticator(final Authenticator authenticator) {
            this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
            return this;
        }

        /**
         * The application's messages (type ids from {@code MessageTypes.APP_FIRST} upwards, or other modules'
         * ranges); each is verified against its schema on the I/O thread before its handler runs there. Without it,
         * any application message closes the session.
         *
         * @param messages a registry whose context is the {@link Session}
         * @return this
         */
        public Builder messages(final MessageRegistry<Session> messages) {
            if (messages != null && (messages.isRegistered(MessageTypes.PING) || messages.isRegistered(MessageTypes.PONG)
                || messages.isRegistered(MessageTypes.CLOSE) || messages.isRegistered(NetMessageTypes.HELLO)
                || messages.isRegistered(NetMessageTypes.ACK))) {
                throw new IllegalArgumentException("the application registry must not register Ping, Pong, Close, Hello or Ack; "
                    + "the gateway handles them");
            }
            this.messages = messages;
            return this;
        }

        /**
         * Learns when sessions open and close.
         *
         * @param listener called on I/O threads
         * @return this
         */
        public Builder listener(final SessionListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Where the gateway's stats go (default: a registry of its own).
         *
         * @param stats a registry
         * @return this
         */
        public Builder stats(final StatsRegistry stats) {
            this.stats = Objects.requireNonNull(stats, "stats");
            return this;
        }

        /**
         * The monotonic clock of heartbeats and rate limits (default system).
         *
         * @param clock a clock
         * @return this
         */
        public Builder clock(final Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Builds the gateway (nothing is bound until {@link Gateway#start()}).
         *
         * @return a new gateway
         * @throws IllegalStateException if no authenticator was set or no transport is on
         */
        public Gateway build() {
            if (authenticator == null) {
                throw new IllegalStateException("authenticator must be set (Authenticator.allowAll() accepts everyone)");
            }
            if (tcpPort < 0 && webSocketPort < 0) {
                throw new IllegalStateException("both transports are off: set tcpPort or webSocketPort to 0 or a port");
            }
            if (reusePort && !(bossGroup != null ? Transports.isEpoll(bossGroup) : preferEpoll && Transports.epollAvailable())) {
                throw new IllegalStateException("reusePort needs the epoll transport, which is "
                    + (Transports.epollAvailable() ? "not selected" : "not available here"));
            }
            if (maxQueuedReliableBytes < writeBufferHigh) {
                throw new IllegalStateException("maxQueuedReliableBytes (" + maxQueuedReliableBytes
                    + ") must be at least the write buffer high water mark (" + writeBufferHigh + ")");
            }
            if (messages != null && messages.maxPayloadBytes() + 2 > maxFrameBytes) {
                LOG.debug("message registry accepts payloads of {} bytes but frames are capped at {}",
                    messages.maxPayloadBytes(), maxFrameBytes);
            }
            return new Gateway(this);
        }

        private static int checkPort(final String name, final int port) {
            if (port < -1 || port > 65535) {
                throw new IllegalArgumentException(name + " must be in [-1, 65535] (0 = any free port, -1 = off), was " + port);
            }
            return port;
        }

        private static Duration checkDuration(final String name, final Duration d, final Duration min, final Duration max) {
            if (d == null || d.compareTo(min) < 0 || d.compareTo(max) > 0) {
                throw new IllegalArgumentException(name + " must be in [" + min.toMillis() + " ms, " + max.toMillis() + " ms], was "
                    + (d == null ? "null" : d.toMillis() + " ms"));
            }
            return d;
        }
    }
}

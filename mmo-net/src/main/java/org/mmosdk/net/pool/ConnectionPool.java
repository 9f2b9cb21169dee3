package org.mmosdk.net.pool;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.Deque;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.pool.AbstractChannelPoolHandler;
import io.netty.channel.pool.ChannelHealthChecker;
import io.netty.channel.pool.FixedChannelPool;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.FutureListener;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import org.mmosdk.core.stats.Counter;
import org.mmosdk.core.stats.StatsRegistry;
import org.mmosdk.net.internal.Transports;

/**
 * A bounded pool of outbound connections to one remote address (server-to-server links), on Netty's
 * {@link FixedChannelPool}.
 *
 * <pre>{@code
 * ConnectionPool pool = ConnectionPool.builder(new InetSocketAddress("127.0.0.1", 7100))
 *     .handler(new MyCodecInitializer())      // installed on every new channel
 *     .maxConnections(8).maxIdle(4).idleTimeout(Duration.ofSeconds(30))
 *     .acquireTimeout(Duration.ofMillis(200))
 *     .stats(registry, "zone-link")
 *     .build();
 * pool.acquire().addListener(f -> { if (f.isSuccess()) { Channel ch = (Channel) f.getNow(); ...; pool.release(ch); } });
 * }</pre>
 *
 * <ul>
 *   <li>At most {@code maxConnections} channels are open (lent or idle); an acquire beyond that waits, up to
 *       {@code maxPendingAcquires} of them, and fails with a {@link java.util.concurrent.TimeoutException} after
 *       {@code acquireTimeout}.</li>
 *   <li>An idle channel is checked with the {@link ChannelHealthChecker} when it is borrowed, when it is returned and
 *       every {@code healthCheckInterval} while idle; an unhealthy one is closed and replaced.</li>
 *   <li>At most {@code maxIdle} channels are kept idle (a surplus returned is closed); one idle for longer than
 *       {@code idleTimeout} is closed by the periodic check. The most recently returned channel is lent first, so the
 *       others age out.</li>
 * </ul>
 * Stats (tag {@code pool=<name>}): {@code pool.connects}, {@code pool.acquires}, {@code pool.acquire.failures},
 * {@code pool.evictions.idle}, {@code pool.evictions.unhealthy}, gauges {@code pool.lent} and {@code pool.idle}.
 *
 * <p>Threads: see the package documentation; all methods are thread-safe.
 */
public final class ConnectionPool implements AutoCloseable {
    private static final AttributeKey<Long> RELEASED_AT = AttributeKey.valueOf(ConnectionPool.class, "releasedAt");

    private final Pool pool;
    private final EventLoopGroup ownedGroup;
    private final EventLoop maintenance;
    private final ChannelHealthChecker healthChecker;
    private final long idleTimeoutNanos;
    private final int maxIdle;
    private final Deque<Channel> idle = new ConcurrentLinkedDeque<>();
    private final AtomicInteger idleCount = new AtomicInteger();
    private final AtomicInteger lent = new AtomicInteger();
    private final Counter connects;
    private final Counter acquires;
    private final Counter acquireFailures;
    private final Counter idleEvictions;
    private final Counter unhealthyEvictions;
    private final ScheduledFuture<?> checker;
    private volatile boolean closed;

    private ConnectionPool(final Builder b) {
        this.ownedGroup = b.group == null ? Transports.newGroup(b.threads, "mmo-net-pool", true, true) : null;
        final EventLoopGroup group = b.group != null ? b.group : ownedGroup;
        this.healthChecker = b.healthChecker;
        this.idleTimeoutNanos = b.idleTimeout.toNanos();
        this.maxIdle = b.maxIdle;
        final StatsRegistry stats = b.stats != null ? b.stats : new StatsRegistry();
        final String tag = b.name;
        connects = stats.counter("pool.connects", "outbound connections opened", "pool", tag);
        acquires = stats.counter("pool.acquires", "channels lent", "pool", tag);
        acquireFailures = stats.counter("pool.acquire.failures", "acquires that timed out or could not connect", "pool", tag);
        idleEvictions = stats.counter("pool.evictions.idle", "idle channels closed: idle too long or above maxIdle", "pool", tag);
        unhealthyEvictions = stats.counter("pool.evictions.unhealthy", "channels closed by a failed health check", "pool", tag);
        stats.gauge("pool.lent", "channels lent out", lent::get, "pool", tag);
        stats.gauge("pool.idle", "channels open and idle in the pool", idleCount::get, "pool", tag);
        final Bootstrap bootstrap = new Bootstrap().group(group).channel(Transports.socketChannel(group))
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)   // see Gateway: no ByteBuffer per frame
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, b.connectTimeout.toMillis()))
            .remoteAddress(b.remote);
        final ChannelHandler handler = b.handler;
        this.pool = new Pool(bootstrap, new AbstractChannelPoolHandler() {
            @Override
            public void channelCreated(final Channel ch) {
                connects.increment();
                if (handler != null) {
                    ch.pipeline().addLast(handler);
                }
            }
        }, b.healthChecker, Math.max(1, b.acquireTimeout.toMillis()), b.maxConnections, b.maxPendingAcquires);
        this.maintenance = group.next();
        final long interval = b.healthCheckInterval.toNanos();
        this.checker = maintenance.scheduleAtFixedRate(this::checkIdle, interval, interval, TimeUnit.NANOSECONDS);
    }

    /**
     * A builder for a pool of connections to {@code remote}.
     *
     * @param remote the address to connect to, e.g. {@code new InetSocketAddress("127.0.0.1", 7100)}
     * @return a builder with defaults: 8 connections, as many idle, 60 s idle timeout, 5 s health checks, 1 s acquire and
     *     connect timeouts, 1024 pending acquires, {@link ChannelHealthChecker#ACTIVE}
     */
    public static Builder builder(final SocketAddress remote) {
        return new Builder(Objects.requireNonNull(remote, "remote"));
    }

    /**
     * Borrows a healthy channel: an idle one, else a new connection, else waits for one to be returned.
     *
     * @return a future of the channel; fails with {@link java.util.concurrent.TimeoutException} after the acquire
     *     timeout, with the connect error if a new connection fails, or with {@link IllegalStateException} once closed
     */
    public Future<Channel> acquire() {
        final Promise<Channel> result = maintenance.newPromise();
        pool.acquire().addListener((FutureListener<Channel>) done -> {
            if (done.isSuccess()) {
                lent.incrementAndGet();
                acquires.increment();
                if (!result.trySuccess(done.getNow())) {
                    release(done.getNow()); // cancelled by the caller meanwhile
                }
            } else {
                acquireFailures.increment();
                result.tryFailure(done.cause());
            }
        });
        return result;
    }

    /**
     * Returns a channel borrowed from this pool, once. A channel that is no longer healthy, or above
     * {@code maxIdle}, is closed instead of kept.
     *
     * @param channel a channel from {@link #acquire()}
     * @return a future completed when the channel is back in the pool (or closed)
     */
    public Future<Void> release(final Channel channel) {
        lent.decrementAndGet();
        final Promise<Void> done = channel.eventLoop().newPromise();
        pool.release(channel).addListener(f -> done.trySuccess(null)); // a surplus or dead channel is closed: fine
        return done;
    }

    /**
     * Channels lent out now.
     *
     * @return the count
     */
    public int lent() {
        return lent.get();
    }

    /**
     * Channels open and idle in the pool now.
     *
     * @return the count
     */
    public int idle() {
        return idleCount.get();
    }

    /**
     * Closes the idle channels and refuses further acquires; channels lent out are closed when returned. Idempotent.
     * Shuts down the event loops the pool created itself.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        checker.cancel(false);
        pool.closeAsync().awaitUninterruptibly(5000);
        Channel ch;
        while ((ch = idle.pollFirst()) != null) {
            idleCount.decrementAndGet();
            ch.close();
        }
        if (ownedGroup != null) {
            ownedGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5000);
        }
    }

    /** Periodic: closes channels idle too long and idle channels that fail the health check. */
    private void checkIdle() {
        final long now = System.nanoTime();
        for (final Iterator<Channel> it = idle.iterator(); it.hasNext(); ) {
            final Channel ch = it.next();
            final Long at = ch.attr(RELEASED_AT).get();
            if (at != null && now - at >= idleTimeoutNanos) {
                if (idle.removeFirstOccurrence(ch)) {
                    idleCount.decrementAndGet();
                    idleEvictions.increment();
                    ch.close();
                }
                continue;
            }
            healthChecker.isHealthy(ch).addListener((FutureListener<Boolean>) f -> {
                if (!(f.isSuccess() && Boolean.TRUE.equals(f.getNow())) && idle.removeFirstOccurrence(ch)) {
                    idleCount.decrementAndGet();
                    unhealthyEvictions.increment();
                    ch.close();
                }
            });
        }
    }

    /** FixedChannelPool whose idle deque is ours: bounded by maxIdle, stamped for idle eviction. */
    private final class Pool extends FixedChannelPool {
        Pool(final Bootstrap bootstrap, final AbstractChannelPoolHandler handler, final ChannelHealthChecker checker,
             final long acquireTimeoutMillis, final int maxConnections, final int maxPending) {
            super(bootstrap, handler, checker, AcquireTimeoutAction.FAIL, acquireTimeoutMillis, maxConnections, maxPending,
                true, true);
        }

        @Override
        protected Channel pollChannel() {
            final Channel ch = idle.pollLast();
            if (ch != null) {
                idleCount.decrementAndGet();
            }
            return ch;
        }

        @Override
        protected boolean offerChannel(final Channel channel) {
            if (closed) {
                return false;
            }
            if (idleCount.incrementAndGet() > maxIdle) {
                idleCount.decrementAndGet();
                idleEvictions.increment();
                return false; // the pool closes it
            }
            channel.attr(RELEASED_AT).set(System.nanoTime());
            idle.offerLast(channel);
            return true;
        }
    }

    /** Settings of a {@link ConnectionPool}, validated by {@link #build()}. Not thread-safe. */
    public static final class Builder {
        private final SocketAddress remote;
        private EventLoopGroup group;
        private int threads = 1;
        private ChannelHandler handler;
        private ChannelHealthChecker healthChecker = ChannelHealthChecker.ACTIVE;
        private int maxConnections = 8;
        private int maxIdle = -1; // = maxConnections
        private int maxPendingAcquires = 1024;
        private Duration idleTimeout = Duration.ofSeconds(60);
        private Duration healthCheckInterval = Duration.ofSeconds(5);
        private Duration acquireTimeout = Duration.ofSeconds(1);
        private Duration connectTimeout = Duration.ofSeconds(1);
        private StatsRegistry stats;
        private String name = "default";

        private Builder(final SocketAddress remote) {
            this.remote = remote;
        }

        /**
         * Event loops for the pool's channels (e.g. the application's); default a group of {@link #threads} own
         * daemon threads, shut down by {@link ConnectionPool#close()}.
         *
         * @param group an event loop group whose transport (epoll or NIO) the channels use
         * @return this
         */
        public Builder group(final EventLoopGroup group) {
            this.group = Objects.requireNonNull(group, "group");
            return this;
        }

        /**
         * Threads of the pool's own event loop group when no {@link #group} is given.
         *
         * @param threads in [1, 64]; default 1
         * @return this
         */
        public Builder threads(final int threads) {
            this.threads = threads;
            return this;
        }

        /**
         * The handler installed on every new channel (a {@code @Sharable} handler or a {@code ChannelInitializer}).
         *
         * @param handler e.g. the codec of the link
         * @return this
         */
        public Builder handler(final ChannelHandler handler) {
            this.handler = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /**
         * How channels are checked on borrow, on return and periodically while idle.
         *
         * @param checker default {@link ChannelHealthChecker#ACTIVE}
         * @return this
         */
        public Builder healthChecker(final ChannelHealthChecker checker) {
            this.healthChecker = Objects.requireNonNull(checker, "healthChecker");
            return this;
        }

        /**
         * Channels open at most (lent and idle together).
         *
         * @param max in [1, 65536]; default 8
         * @return this
         */
        public Builder maxConnections(final int max) {
            this.maxConnections = max;
            return this;
        }

        /**
         * Idle channels kept at most; a surplus returned is closed.
         *
         * @param max in [0, maxConnections]; default maxConnections
         * @return this
         */
        public Builder maxIdle(final int max) {
            this.maxIdle = max;
            return this;
        }

        /**
         * Acquires allowed to wait for a channel at once; more fail at once.
         *
         * @param max in [1, 1048576]; default 1024
         * @return this
         */
        public Builder maxPendingAcquires(final int max) {
            this.maxPendingAcquires = max;
            return this;
        }

        /**
         * An idle channel older than this is closed by the periodic check.
         *
         * @param timeout at least 1 ms; default 60 s
         * @return this
         */
        public Builder idleTimeout(final Duration timeout) {
            this.idleTimeout = Objects.requireNonNull(timeout, "idleTimeout");
            return this;
        }

        /**
         * Period of the idle check (idle timeout and health of idle channels).
         *
         * @param interval at least 1 ms; default 5 s
         * @return this
         */
        public Builder healthCheckInterval(final Duration interval) {
            this.healthCheckInterval = Objects.requireNonNull(interval, "healthCheckInterval");
            return this;
        }

        /**
         * How long an acquire waits for a channel to be returned before failing.
         *
         * @param timeout at least 1 ms; default 1 s
         * @return this
         */
        public Builder acquireTimeout(final Duration timeout) {
            this.acquireTimeout = Objects.requireNonNull(timeout, "acquireTimeout");
            return this;
        }

        /**
         * How long a new connection may take.
         *
         * @param timeout in [1 ms, 10 min]; default 1 s
         * @return this
         */
        public Builder connectTimeout(final Duration timeout) {
            this.connectTimeout = Objects.requireNonNull(timeout, "connectTimeout");
            return this;
        }

        /**
         * Where the pool's stats go, tagged {@code pool=name}.
         *
         * @param registry the registry (default a private one)
         * @param name the pool's name in the tag
         * @return this
         */
        public Builder stats(final StatsRegistry registry, final String name) {
            this.stats = Objects.requireNonNull(registry, "registry");
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * Validates the settings and creates the pool (no connection is opened yet).
         *
         * @return the pool
         * @throws IllegalArgumentException naming the first setting out of range
         */
        public ConnectionPool build() {
            require(threads >= 1 && threads <= 64, "threads must be in [1, 64], was %d", threads);
            require(maxConnections >= 1 && maxConnections <= 65536, "maxConnections must be in [1, 65536], was %d", maxConnections);
            if (maxIdle == -1) {
                maxIdle = maxConnections;
            }
            require(maxIdle >= 0 && maxIdle <= maxConnections, "maxIdle must be in [0, maxConnections=%d], was %d", maxConnections, maxIdle);
            require(maxPendingAcquires >= 1 && maxPendingAcquires <= 1 << 20, "maxPendingAcquires must be in [1, 1048576], was %d",
                maxPendingAcquires);
            requireMillis(idleTimeout, "idleTimeout", Long.MAX_VALUE);
            requireMillis(healthCheckInterval, "healthCheckInterval", Long.MAX_VALUE);
            requireMillis(acquireTimeout, "acquireTimeout", Long.MAX_VALUE);
            requireMillis(connectTimeout, "connectTimeout", TimeUnit.MINUTES.toMillis(10));
            return new ConnectionPool(this);
        }

        private static void requireMillis(final Duration d, final String name, final long maxMillis) {
            require(!d.isNegative() && d.toMillis() >= 1 && d.toMillis() <= maxMillis, "%s must be in [1 ms, %d ms], was %s",
                name, maxMillis, d);
        }

        private static void require(final boolean ok, final String format, final Object... args) {
            if (!ok) {
                throw new IllegalArgumentException(String.format(format, args));
            }
        }
    }
}

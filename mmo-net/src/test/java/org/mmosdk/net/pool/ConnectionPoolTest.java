package org.mmosdk.net.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mmosdk.core.stats.StatsRegistry;

class ConnectionPoolTest {
    private EventLoopGroup serverGroup;
    private Channel server;
    private final CopyOnWriteArrayList<Channel> accepted = new CopyOnWriteArrayList<>();
    private final StatsRegistry stats = new StatsRegistry();

    @BeforeEach
    @SuppressWarnings("deprecation")
    void startEchoServer() throws Exception {
        serverGroup = new NioEventLoopGroup(1);
        server = new ServerBootstrap().group(serverGroup).channel(NioServerSocketChannel.class)
            .childHandler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(final Channel ch) {
                    accepted.add(ch);
                    ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
                            ctx.writeAndFlush(msg);
                        }
                    });
                }
            }).bind("127.0.0.1", 0).sync().channel();
    }

    @AfterEach
    void stop() {
        server.close().syncUninterruptibly();
        serverGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private ConnectionPool.Builder pool() {
        return ConnectionPool.builder((InetSocketAddress) server.localAddress()).stats(stats, "t");
    }

    private long count(final String name) {
        return stats.counter(name, "", "pool", "t").get();
    }

    @Test
    void lendsReusesAndEchoes() throws Exception {
        try (ConnectionPool pool = pool().maxConnections(2).build()) {
            final Channel a = pool.acquire().get(5, TimeUnit.SECONDS);
            final EchoProbe probe = new EchoProbe();
            a.pipeline().addLast(probe);
            a.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1, 2, 3})).sync();
            assertThat(probe.received.poll(5, TimeUnit.SECONDS)).isEqualTo(3);
            a.pipeline().remove(probe);
            assertThat(pool.lent()).isEqualTo(1);
            pool.release(a).get(5, TimeUnit.SECONDS);
            assertThat(pool.idle()).isEqualTo(1);
            final Channel b = pool.acquire().get(5, TimeUnit.SECONDS);
            assertThat(b).isSameAs(a);
            pool.release(b).get(5, TimeUnit.SECONDS);
            assertThat(count("pool.connects")).isEqualTo(1);
            assertThat(count("pool.acquires")).isEqualTo(2);
        }
    }

    @Test
    void acquireTimesOutWhenAllAreLent() throws Exception {
        try (ConnectionPool pool = pool().maxConnections(1).acquireTimeout(Duration.ofMillis(100)).build()) {
            final Channel a = pool.acquire().get(5, TimeUnit.SECONDS);
            final Future<Channel> second = pool.acquire();
            assertThat(second.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(second.cause()).isInstanceOf(TimeoutException.class);
            assertThat(count("pool.acquire.failures")).isEqualTo(1);
            pool.release(a).get(5, TimeUnit.SECONDS);
            assertThat(pool.acquire().get(5, TimeUnit.SECONDS)).isSameAs(a);
        }
    }

    @Test
    void deadIdleConnectionIsEvictedAndReplaced() throws Exception {
        try (ConnectionPool pool = pool().healthCheckInterval(Duration.ofMillis(20)).build()) {
            final Channel a = pool.acquire().get(5, TimeUnit.SECONDS);
            pool.release(a).get(5, TimeUnit.SECONDS);
            await(() -> accepted.size() == 1); // the server may register the child after the client saw the connect
            for (final Channel ch : accepted) {
                ch.close().sync(); // the remote side drops the connection
            }
            assertThat(a.closeFuture().await(5, TimeUnit.SECONDS)).isTrue();
            await(() -> pool.idle() == 0);
            assertThat(count("pool.evictions.unhealthy")).isEqualTo(1);
            final Channel b = pool.acquire().get(5, TimeUnit.SECONDS);
            assertThat(b).isNotSameAs(a);
            assertThat(b.isActive()).isTrue();
            pool.release(b);
        }
    }

    @Test
    void idleConnectionsAreEvictedAfterIdleTimeoutAndAboveMaxIdle() throws Exception {
        try (ConnectionPool pool = pool().maxConnections(3).maxIdle(1).idleTimeout(Duration.ofMillis(50))
            .healthCheckInterval(Duration.ofMillis(20)).build()) {
            final Channel a = pool.acquire().get(5, TimeUnit.SECONDS);
            final Channel b = pool.acquire().get(5, TimeUnit.SECONDS);
            pool.release(a).get(5, TimeUnit.SECONDS);
            pool.release(b).get(5, TimeUnit.SECONDS);
            assertThat(pool.idle()).isEqualTo(1); // b above maxIdle: closed
            assertThat(b.closeFuture().await(5, TimeUnit.SECONDS)).isTrue();
            await(() -> pool.idle() == 0);
            assertThat(a.closeFuture().await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(count("pool.evictions.idle")).isEqualTo(2);
        }
    }

    @Test
    void builderNamesTheBadSetting() {
        assertThatThrownBy(() -> pool().maxConnections(2).maxIdle(3).build())
            .isInstanceOf(IllegalArgumentException.class).hasMessage("maxIdle must be in [0, maxConnections=2], was 3");
        assertThatThrownBy(() -> pool().acquireTimeout(Duration.ZERO).build())
            .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("acquireTimeout must be in [1 ms,");
    }

    private static void await(final java.util.function.BooleanSupplier condition) throws InterruptedException {
        final long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("condition not met within 5 s");
            }
            Thread.sleep(5);
        }
    }

    /** Counts echoed bytes. */
    static final class EchoProbe extends ChannelInboundHandlerAdapter {
        final java.util.concurrent.LinkedBlockingQueue<Integer> received = new java.util.concurrent.LinkedBlockingQueue<>();

        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
            final ByteBuf b = (ByteBuf) msg;
            received.add(b.readableBytes());
            b.release();
        }
    }
}

package org.mmosdk.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mmosdk.core.stats.StatsRegistry;
import org.mmosdk.net.client.GameClient;
import org.mmosdk.net.client.HandshakeRejectedException;

/**
 * What every transport must do; one thin subclass per transport (TCP, WebSocket) says how to connect.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
abstract class AbstractGatewayContractTest {
    static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    static EventLoopGroup clients;

    final StatsRegistry stats = new StatsRegistry();
    final List<Gateway> gateways = new ArrayList<>();
    final HmacTokenAuthenticator tokens = new HmacTokenAuthenticator(KEY);

    @BeforeAll
    static void group() {
        clients = GameClient.newEventLoopGroup(2);
    }

    @AfterAll
    static void stopGroup() {
        clients.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @AfterEach
    void stop() {
        gateways.forEach(g -> g.shutdown(Duration.ofMillis(200)));
    }

    /** Turns on this transport in the builder. */
    abstract Gateway.Builder transport(Gateway.Builder builder);

    /** Points a client at the gateway over this transport. */
    abstract GameClient.Builder target(GameClient.Builder builder, Gateway gateway);

    /** The port raw sockets connect to. */
    abstract InetSocketAddress rawAddress(Gateway gateway);

    Gateway start(final Gateway.Builder b) {
        final Gateway g = transport(b.authenticator(tokens).messages(NetTestSupport.echoRegistry()).stats(stats)
            .threads(1, 2)).build();
        gateways.add(g);
        return g.start();
    }

    Gateway start() {
        return start(Gateway.builder());
    }

    GameClient.Builder client(final Gateway g, final String user) {
        return target(GameClient.builder().group(clients).clientName(user), g)
            .credentials(tokens.issue(user, Instant.now().plusSeconds(60)).getBytes(StandardCharsets.US_ASCII));
    }

    GameClient connect(final Gateway g, final String user) throws Exception {
        return client(g, user).build().connect().get(5, TimeUnit.SECONDS);
    }

    static void await(final java.util.function.BooleanSupplier condition) throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.sleep(5);
        }
    }

    @Test
    void handshakeOpensASession() throws Exception {
        final Gateway g = start();
        final GameClient c = connect(g, "alice");
        assertThat(c.sessionId()).isNotZero();
        assertThat(c.tickRateHz()).isEqualTo(20);
        await(() -> g.sessions().get(c.sessionId()) != null);
        final Session s = g.sessions().get(c.sessionId());
        assertThat(s.principal()).isEqualTo("alice");
        assertThat(s.remoteAddress()).isNotNull();
        c.close().get(5, TimeUnit.SECONDS);
        await(() -> g.sessions().sessionCount() == 0 && g.sessions().connectionCount() == 0);
    }

    @Test
    void badTokenIsRejectedWithReason() {
        final Gateway g = start();
        final CompletableFuture<GameClient> f = target(GameClient.builder().group(clients), g)
            .credentials("v1.bm9ib2R5.99999999999.AAAA".getBytes(StandardCharsets.US_ASCII)).build().connect();
        assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
            .cause().isInstanceOf(HandshakeRejectedException.class)
            .satisfies(e -> assertThat(((HandshakeRejectedException) e).reason().code()).isEqualTo(CloseCodes.AUTH_FAILED));
    }

    @Test
    void wrongProtocolVersionIsRejected() {
        final Gateway g = start();
        final CompletableFuture<GameClient> f = client(g, "bob").protocolVersion(99).build().connect();
        assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).cause()
            .satisfies(e -> assertThat(((HandshakeRejectedException) e).reason().code()).isEqualTo(CloseCodes.VERSION_MISMATCH));
    }

    @Test
    void noHelloWithinDeadlineCloses() throws Exception {
        final Gateway g = start(Gateway.builder().helloTimeout(Duration.ofMillis(200)));
        try (Socket raw = new Socket()) {
            raw.connect(rawAddress(g), 2000);
            raw.setSoTimeout(5000);
            final InputStream in = raw.getInputStream();
            final long t0 = System.nanoTime();
            while (in.read() >= 0) {
                // drain whatever the server says before closing
            }
            assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(4));
        }
        await(() -> g.sessions().connectionCount() == 0);
    }

    @Test
    void sendAndReceive() throws Exception {
        final Gateway g = start();
        final NetTestSupport.Recorder rec = new NetTestSupport.Recorder();
        final GameClient c = client(g, "carol").listener(rec).build().connect().get(5, TimeUnit.SECONDS);
        for (int i = 1; i <= 50; i++) {
            c.send(NetTestSupport.echo(i));
        }
        c.flush();
        await(() -> rec.seqs.size() == 50);
        assertThat(rec.seqs).startsWith(1L, 2L, 3L).endsWith(50L);
        c.close();
    }

    @Test
    void broadcastReachesEverySession() throws Exception {
        final Gateway g = start();
        final List<NetTestSupport.Recorder> recs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            final NetTestSupport.Recorder rec = new NetTestSupport.Recorder();
            recs.add(rec);
            client(g, "p" + i).listener(rec).build().connect().get(5, TimeUnit.SECONDS);
        }
        await(() -> g.sessions().sessionCount() == 5);
        assertThat(g.sessions().broadcast(NetTestSupport.echo(7))).isEqualTo(5);
        g.sessions().flushAll();
        for (final NetTestSupport.Recorder rec : recs) {
            await(() -> rec.seqs.contains(7L));
        }
        // the same on the sessions' own I/O threads, sent and flushed in one call
        assertThat(g.sessions().broadcastAndFlush(NetTestSupport.echo(8), org.mmosdk.core.peer.Delivery.RELIABLE))
            .isEqualTo(5);
        for (final NetTestSupport.Recorder rec : recs) {
            await(() -> rec.seqs.contains(8L));
        }
    }

    @Test
    void sharedBroadcastFramesArriveInOrderWithResumeAndAcrossATwoLoopServer() throws Exception {
        // one encoded frame shared by every recipient (TCP duplicates, WebSocket slices), numbered per session when
        // resume is on, over two I/O threads so that the per-loop batches are reused tick after tick
        final Gateway g = start(Gateway.builder().resume(Duration.ofSeconds(10), 1024, 1 << 20).threads(1, 2));
        final List<NetTestSupport.Recorder> recs = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            final NetTestSupport.Recorder rec = new NetTestSupport.Recorder();
            recs.add(rec);
            client(g, "b" + i).listener(rec).build().connect().get(5, TimeUnit.SECONDS);
        }
        await(() -> g.sessions().sessionCount() == 6);
        final List<Session> all = new ArrayList<>();
        g.sessions().forEach(all::add);
        final List<Long> expected = new ArrayList<>();
        for (long tick = 1; tick <= 200; tick++) {
            assertThat(SessionManager.sendAndFlush(all, NetTestSupport.echo(tick), org.mmosdk.core.peer.Delivery.RELIABLE))
                .isEqualTo(6);
            expected.add(tick);
        }
        for (final NetTestSupport.Recorder rec : recs) {
            await(() -> rec.seqs.size() == 200);
            assertThat(rec.seqs).containsExactlyElementsOf(expected);
        }
        final java.nio.ByteBuffer tooLong = java.nio.ByteBuffer.allocate(64 * 1024 + 1);
        assertThatThrownBy(() -> SessionManager.sendAndFlush(all, tooLong, org.mmosdk.core.peer.Delivery.RELIABLE))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("longer than the frame cap");
    }

    @Test
    void closeWithReasonReachesThePeerOnce() throws Exception {
        final Gateway g = start();
        final GameClient c = connect(g, "dave");
        await(() -> g.sessions().get(c.sessionId()) != null);
        final Session s = g.sessions().get(c.sessionId());
        assertThat(s.tryClose(1001, "kicked for testing")).isTrue();
        assertThat(s.tryClose(1002, "again")).isFalse();
        final CloseReason r = c.closeFuture().get(5, TimeUnit.SECONDS);
        assertThat(r.code()).isEqualTo(1001);
        assertThat(r.reason()).isEqualTo("kicked for testing");
        assertThat(s.send(NetTestSupport.echo(1))).isFalse();
    }

    @Test
    void heartbeatMeasuresRtt() throws Exception {
        final Gateway g = start(Gateway.builder().heartbeat(Duration.ofMillis(20), Duration.ofSeconds(5)));
        final GameClient c = connect(g, "erin");
        await(() -> g.sessions().get(c.sessionId()) != null);
        final Session s = g.sessions().get(c.sessionId());
        await(() -> s.smoothedRttNanos() > 0);
        assertThat(s.rttVariationNanos()).isNotNegative();
        // the I/O thread samples the session's estimator, then the histogram: the second may not have happened yet
        await(() -> stats.histogram("net.rtt", "").count() > 0);
        c.ping();
        await(() -> c.smoothedRttNanos() > 0);
    }

    @Test
    void silentClientIsClosedAfterIdleTimeout() throws Exception {
        // 1 s, not less: a TLS + WebSocket handshake on a loaded 2-core machine took longer than 300 ms
        final Gateway g = start(Gateway.builder().heartbeat(Duration.ofMillis(50), Duration.ofMillis(1000)));
        final GameClient c = client(g, "frank").answerPings(false).build().connect().get(5, TimeUnit.SECONDS);
        final CloseReason r = c.closeFuture().get(5, TimeUnit.SECONDS);
        assertThat(r.code()).isEqualTo(CloseCodes.IDLE_TIMEOUT);
    }

    @Test
    void shutdownTellsClients() throws Exception {
        final Gateway g = start();
        final GameClient c = connect(g, "gina");
        g.shutdown(Duration.ofSeconds(2));
        assertThat(c.closeFuture().get(5, TimeUnit.SECONDS).code()).isEqualTo(CloseCodes.SHUTDOWN);
    }

    /** Records the life-cycle callbacks a gateway makes. */
    static final class Events implements SessionListener {
        final java.util.concurrent.CopyOnWriteArrayList<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public void onOpen(final Session session) {
            seen.add("open");
        }

        @Override
        public void onDetach(final Session session) {
            seen.add("detach");
        }

        @Override
        public void onResume(final Session session) {
            seen.add("resume");
        }

        @Override
        public void onClose(final Session session, final CloseReason reason) {
            seen.add("close:" + CloseCodes.name(reason.code()));
        }
    }

    /** An application message of about {@code bytes} bytes that clients ignore (type 0x1001). */
    static java.nio.ByteBuffer filler(final int bytes) {
        final java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putShort(0, (short) (NetTestSupport.ECHO + 1));
        return b;
    }

    @Test
    void slowConsumerSkipsDroppableThenIsClosedWhileOthersKeepWorking() throws Exception {
        final Gateway g = start(Gateway.builder().writeBufferWaterMark(8 * 1024, 32 * 1024).maxQueuedReliableBytes(256 * 1024)
            .closeTimeout(Duration.ofMillis(200)));
        final GameClient slow = connect(g, "slow");
        final NetTestSupport.Recorder rec = new NetTestSupport.Recorder();
        final GameClient good = client(g, "good").listener(rec).build().connect().get(5, TimeUnit.SECONDS);
        await(() -> g.sessions().get(slow.sessionId()) != null);
        final Session s = g.sessions().get(slow.sessionId());
        slow.autoRead(false);
        final java.nio.ByteBuffer msg = filler(1024);
        int skipped = 0;
        for (int i = 0; i < 200_000 && skipped == 0; i++) {
            if (!s.send(msg, org.mmosdk.core.peer.Delivery.DROPPABLE)) {
                skipped++;
            }
            if ((i & 15) == 0) {
                s.flush();
            }
        }
        assertThat(skipped).isPositive();
        assertThat(stats.counter("net.messages.skipped", "").get()).isPositive();
        assertThat(s.isOpen()).isTrue();
        for (int i = 0; i < 200_000 && s.closeReason() == null; i++) {
            s.send(msg, org.mmosdk.core.peer.Delivery.RELIABLE);
            if ((i & 15) == 0) {
                s.flush();
            }
        }
        assertThat(s.closeReason()).isNotNull();
        assertThat(s.closeReason().code()).isEqualTo(CloseCodes.SLOW_CONSUMER);
        assertThat(s.send(msg, org.mmosdk.core.peer.Delivery.RELIABLE)).isFalse();
        await(() -> g.sessions().get(slow.sessionId()) == null);
        good.send(NetTestSupport.echo(77));
        good.flush();
        await(() -> rec.seqs.contains(77L));
    }

    @Test
    void resumeReattachesTheSameSessionAndResendsWhatWasNotAcknowledged() throws Exception {
        final Events events = new Events();
        final Gateway g = start(Gateway.builder().resume(Duration.ofSeconds(10), 1024, 1 << 20).listener(events));
        final NetTestSupport.Recorder rec = new NetTestSupport.Recorder();
        final GameClient c = client(g, "rita").listener(rec).build().connect().get(5, TimeUnit.SECONDS);
        assertThat(c.canResume()).isTrue();
        await(() -> g.sessions().get(c.sessionId()) != null);
        final Session s = g.sessions().get(c.sessionId());
        s.attr(io.netty.util.AttributeKey.<String>valueOf("player")).set("rita#1");
        for (int i = 1; i <= 5; i++) {
            s.send(NetTestSupport.echo(i));
        }
        s.flush();
        await(() -> rec.seqs.size() == 5);
        assertThat(c.receivedSeq()).isEqualTo(5);
        c.abort().get(5, TimeUnit.SECONDS);
        await(s::isDetached);
        assertThat(s.isOpen()).isTrue();
        for (int i = 6; i <= 10; i++) {
            assertThat(s.send(NetTestSupport.echo(i))).isTrue();
        }
        assertThat(s.send(NetTestSupport.echo(99), org.mmosdk.core.peer.Delivery.DROPPABLE)).isFalse();
        s.flush();
        assertThat(c.resume().get(5, TimeUnit.SECONDS)).isSameAs(c);
        await(() -> rec.seqs.size() >= 10);
        assertThat(g.sessions().get(c.sessionId())).isSameAs(s);
        assertThat(s.attr(io.netty.util.AttributeKey.<String>valueOf("player")).get()).isEqualTo("rita#1");
        s.send(NetTestSupport.echo(11));
        s.flush();
        await(() -> rec.seqs.contains(11L));
        assertThat(rec.seqs).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L);
        assertThat(events.seen).containsExactly("open", "detach", "resume");
        assertThat(stats.counter("net.resumes", "").get()).isEqualTo(1);
        // the client's own messages work on the new connection
        c.send(NetTestSupport.echo(12));
        c.flush();
        await(() -> rec.seqs.contains(12L));
        c.close().get(5, TimeUnit.SECONDS);
        await(() -> events.seen.size() == 4);
        assertThat(events.seen.get(3)).isEqualTo("close:NORMAL");
    }

    @Test
    void aConnectionResetDetachesTheSessionAndResumeWorks() throws Exception {
        // regression: an I/O error (connection reset by peer) used to end the session, so resume failed under traffic
        final Gateway g = start(Gateway.builder().resume(Duration.ofSeconds(10), 1024, 1 << 20));
        final NetTestSupport.Recorder rec = new NetTestSupport.Recorder();
        final GameClient c = client(g, "reset").listener(rec).build().connect().get(5, TimeUnit.SECONDS);
        await(() -> g.sessions().get(c.sessionId()) != null);
        final Session s = g.sessions().get(c.sessionId());
        s.send(NetTestSupport.echo(1));
        s.flush();
        await(() -> rec.seqs.contains(1L));
        c.abortWithReset().get(5, TimeUnit.SECONDS);
        for (int i = 2; i <= 50 && !s.isDetached(); i++) { // keep writing: the server meets the reset
            s.send(NetTestSupport.echo(i));
            s.flush();
            Thread.sleep(5);
        }
        await(s::isDetached);
        assertThat(c.resume().get(5, TimeUnit.SECONDS)).isSameAs(c);
        assertThat(g.sessions().get(c.sessionId())).isSameAs(s);
        s.send(NetTestSupport.echo(100));
        s.flush();
        await(() -> rec.seqs.contains(100L));
        c.close().get(5, TimeUnit.SECONDS);
    }

    @Test
    void resumeAfterTheGracePeriodIsRejectedAndTheSessionClosedWithReason() throws Exception {
        final Events events = new Events();
        final Gateway g = start(Gateway.builder().resume(Duration.ofMillis(150), 64, 64 * 1024).listener(events));
        final GameClient c = connect(g, "sam");
        await(() -> g.sessions().get(c.sessionId()) != null);
        final Session s = g.sessions().get(c.sessionId());
        c.abort().get(5, TimeUnit.SECONDS);
        assertThat(s.closeFuture().await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(s.closeReason().code()).isEqualTo(CloseCodes.RESUME_EXPIRED);
        assertThat(events.seen).containsExactly("open", "detach", "close:RESUME_EXPIRED");
        assertThat(g.sessions().sessionCount()).isZero();
        assertThatThrownBy(() -> c.resume().get(5, TimeUnit.SECONDS)).cause()
            .satisfies(e -> assertThat(((HandshakeRejectedException) e).reason().code()).isEqualTo(CloseCodes.RESUME_FAILED));
    }

    @Test
    void unacknowledgedWindowOverflowClosesTheSession() throws Exception {
        final Gateway g = start(Gateway.builder().resume(Duration.ofSeconds(5), 16, 64 * 1024));
        final GameClient c = connect(g, "ned");
        await(() -> g.sessions().get(c.sessionId()) != null);
        final Session s = g.sessions().get(c.sessionId());
        c.abort().get(5, TimeUnit.SECONDS);
        await(s::isDetached);
        for (int i = 0; i < 16; i++) {
            assertThat(s.send(NetTestSupport.echo(i))).isTrue();
        }
        assertThat(s.send(NetTestSupport.echo(17))).isFalse();
        assertThat(s.closeFuture().await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(s.closeReason().code()).isEqualTo(CloseCodes.SLOW_CONSUMER);
    }
}

package org.mmosdk.shard.link;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import com.google.flatbuffers.FlatBufferBuilder;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mmosdk.core.wire.EnvelopeWriter;
import org.mmosdk.net.CloseCodes;
import org.mmosdk.net.CloseReason;
import org.mmosdk.net.client.GameClient;
import org.mmosdk.shard.wire.fb.HandoffAck;
import org.mmosdk.shard.wire.fb.LinkData;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NodeLinksTest {
    private static final EventLoopGroup CLIENTS = GameClient.newEventLoopGroup(1);
    private final Map<Long, AtomicInteger> received = new ConcurrentHashMap<>();
    private NodeLinks a;
    private NodeLinks b;

    @AfterAll
    static void closeClients() {
        CLIENTS.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    @AfterEach
    void close() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    private NodeLinks node(final int id, final int maxInFlight) {
        return NodeLinks.builder(id)
            .maxInFlight(maxInFlight)
            .retransmitAfter(Duration.ofMillis(50))
            .handler(ShardMessageTypes.HANDOFF_ACK, ShardMessageTypes.schema().table(HandoffAck.class), 256,
                (from, type, p) -> received.computeIfAbsent(HandoffAck.getRootAsHandoffAck(p).gid(), k -> new AtomicInteger())
                    .incrementAndGet())
            .build().start();
    }

    static ByteBuffer message(final EnvelopeWriter w, final long gid) {
        final FlatBufferBuilder fb = w.begin(ShardMessageTypes.HANDOFF_ACK);
        return w.finish(HandoffAck.createHandoffAck(fb, gid, gid, 1, 2, true));
    }

    static void await(final String what, final BooleanSupplier condition) throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    @Test
    void deliversEveryMessageExactlyOnceAcrossDroppedConnections() throws Exception {
        a = node(1, 256);
        b = node(2, 256);
        a.addPeer(2, b.address());
        final EnvelopeWriter w = new EnvelopeWriter();
        final int total = 5000;
        for (long gid = 1; gid <= total; gid++) {
            while (!a.send(2, message(w, gid))) {
                Thread.sleep(1); // window full: backpressure
            }
            if (gid % 700 == 0) {
                a.dropConnection(2).get(5, TimeUnit.SECONDS);
            }
            if (gid % 1100 == 0) {
                b.dropInbound();
            }
        }
        await("every message acknowledged", () -> a.inFlight(2) == 0);
        assertThat(received).hasSize(total);
        assertThat(received.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
        final LinkCounters sender = a.counters();
        assertThat(sender.sent()).isEqualTo(total);
        assertThat(sender.acked()).isEqualTo(total);
        assertThat(sender.connects()).as("reconnected after the drops").isGreaterThan(1);
        assertThat(b.counters().delivered()).isEqualTo(total);
    }

    @Test
    void refusesBeyondTheWindowAndDeliversOnceThePeerIsUp() throws Exception {
        final int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // nothing listens there once closed
        }
        a = node(1, 10);
        a.addPeer(2, new InetSocketAddress("127.0.0.1", port));
        final EnvelopeWriter w = new EnvelopeWriter();
        for (long gid = 1; gid <= 10; gid++) {
            assertThat(a.send(2, message(w, gid))).isTrue();
        }
        assertThat(a.send(2, message(w, 11))).as("window of 10 full").isFalse();
        assertThat(a.inFlight(2)).isEqualTo(10);
        assertThat(a.counters().refused()).isEqualTo(1);
        assertThat(a.send(3, message(w, 12))).as("unknown peer").isFalse();

        b = node(2, 10);
        a.addPeer(2, b.address()); // the peer came up elsewhere: same messages, new address
        await("window drained", () -> a.inFlight(2) == 0);
        assertThat(received).containsOnlyKeys(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
        assertThat(a.send(2, message(w, 11))).isTrue();
        await("11 delivered", () -> received.containsKey(11L));
    }

    @Test
    void badInputClosesOnlyThatLink() throws Exception {
        a = node(1, 64);
        b = node(2, 64);
        a.addPeer(2, b.address());
        final EnvelopeWriter w = new EnvelopeWriter();
        assertThat(a.send(2, message(w, 1))).isTrue();
        await("first delivered", () -> received.containsKey(1L));

        // a node whose wrapped message is garbage
        final GameClient evil = GameClient.builder().group(CLIENTS).tcp(b.address()).clientName("node:9").build();
        evil.connect().get(5, TimeUnit.SECONDS);
        final FlatBufferBuilder fb = w.begin(ShardMessageTypes.LINK_DATA);
        final int msg = LinkData.createMessageVector(fb, new byte[] {0x11, 0x04, 1, 2, 3, 4, 5, 6, 7});
        evil.send(w.finish(LinkData.createLinkData(fb, 42, 1, msg)));
        evil.flush();
        final CloseReason reason = evil.closeFuture().get(5, TimeUnit.SECONDS);
        assertThat(reason.code()).isEqualTo(CloseCodes.BAD_MESSAGE);
        assertThat(reason.reason()).contains("wrapped message 1");
        assertThat(received).doesNotContainKey(0x04110000L);

        // a client that is not a node
        final GameClient stranger = GameClient.builder().group(CLIENTS).tcp(b.address()).clientName("player").build();
        final CompletableFuture<GameClient> refused = stranger.connect();
        assertThat(refused).failsWithin(5, TimeUnit.SECONDS);

        // the good link is unaffected
        assertThat(a.send(2, message(w, 2))).isTrue();
        await("second delivered", () -> received.containsKey(2L));
        assertThat(a.counters().connects()).isEqualTo(1);
        assertThat(b.counters().protocolErrors()).isEqualTo(1);
    }

    @Test
    void aMessageThatCouldNeverBeDeliveredIsRefusedAtOnce() {
        a = node(1, 10);
        a.addPeer(2, new InetSocketAddress("127.0.0.1", 9));
        final ByteBuffer huge = ByteBuffer.allocate(NodeLinks.MAX_MESSAGE_BYTES + 1);
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException().isThrownBy(() -> a.send(2, huge))
            .withMessageContaining("larger than");
        assertThat(a.inFlight(2)).isZero();
    }

    @Test
    void aPeerThatAcceptsButNeverSpeaksIsDroppedAndRedialled() throws Exception {
        try (ServerSocket mute = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            final java.util.List<java.net.Socket> held = new java.util.concurrent.CopyOnWriteArrayList<>();
            final Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(mute.accept()); // never answers the Hello, never pings
                    }
                } catch (final java.io.IOException closed) {
                    // the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            a = NodeLinks.builder(1).heartbeat(Duration.ofMillis(20)).build().start();
            a.addPeer(2, new InetSocketAddress("127.0.0.1", mute.getLocalPort()));
            assertThat(a.send(2, message(new EnvelopeWriter(), 1))).isTrue();
            await("three connections", () -> a.counters().connects() >= 3);
            assertThat(a.isConnected(2)).isFalse();
            assertThat(a.inFlight(2)).as("kept for a peer that answers").isEqualTo(1);
            for (final java.net.Socket s : held) {
                s.close();
            }
        }
    }

    @Test
    void aSecretKeepsOtherNodesOut() throws Exception {
        b = NodeLinks.builder(2).secret("s3cret").build().start();
        final GameClient noSecret = GameClient.builder().group(CLIENTS).tcp(b.address()).clientName("node:1").build();
        assertThat(noSecret.connect()).failsWithin(5, TimeUnit.SECONDS);
        a = NodeLinks.builder(1).secret("s3cret").build().start();
        a.addPeer(2, b.address());
        await("linked with the secret", () -> a.isConnected(2));
    }
}

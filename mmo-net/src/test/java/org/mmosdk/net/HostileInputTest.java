package org.mmosdk.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mmosdk.core.stats.StatsRegistry;
import org.mmosdk.core.wire.MessageTypes;
import org.mmosdk.net.client.GameClient;

/**
 * Raw sockets send what no client should; each time the offending connection is closed (with a Close message
 * where the transport allows it) and a well-behaved client on the same gateway keeps getting its echoes.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HostileInputTest {
    static EventLoopGroup clients;
    Gateway gateway;
    GameClient good;
    NetTestSupport.Recorder goodRec;
    final StatsRegistry stats = new StatsRegistry();
    long seq;

    @BeforeAll
    static void group() {
        clients = GameClient.newEventLoopGroup(1);
    }

    @AfterAll
    static void stopGroup() {
        clients.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @BeforeEach
    void start() throws Exception {
        gateway = Gateway.builder().tcpPort(0).webSocketPort(0).authenticator(Authenticator.allowAll())
            .messages(NetTestSupport.echoRegistry()).maxFrameBytes(1024).rateLimit(100, 100, RateLimitPolicy.CLOSE)
            .helloTimeout(Duration.ofMillis(500)).heartbeat(Duration.ofMillis(100), Duration.ofMillis(1000))
            .stats(stats).threads(1, 2).build().start();
        goodRec = new NetTestSupport.Recorder();
        good = GameClient.builder().group(clients).tcp(gateway.tcpAddress()).clientName("good").listener(goodRec).build()
            .connect().get(5, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() {
        gateway.shutdown(Duration.ofMillis(100));
    }

    /** The good client still gets an echo. */
    void goodSessionStillWorks() throws InterruptedException {
        final long s = ++seq;
        assertThat(good.send(NetTestSupport.echo(s))).isTrue();
        good.flush();
        AbstractGatewayContractTest.await(() -> goodRec.seqs.contains(s));
    }

    static byte[] hello() {
        final ByteBuffer env = org.mmosdk.net.internal.Control.hello(new org.mmosdk.core.wire.EnvelopeWriter(),
            NetMessageTypes.PROTOCOL_VERSION, new byte[0], null, "raw");
        return tcpFrame(env);
    }

    static byte[] tcpFrame(final ByteBuffer env) {
        final ByteBuffer out = ByteBuffer.allocate(4 + env.remaining()).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(env.remaining()).put(env.duplicate());
        return out.array();
    }

    /** Reads until the server closes; returns everything it sent. Fails if it does not close within 5 s. */
    static byte[] readUntilClosed(final Socket socket) throws IOException {
        socket.setSoTimeout(5000);
        final ByteArrayOutputStream seen = new ByteArrayOutputStream();
        final InputStream in = socket.getInputStream();
        final byte[] buf = new byte[4096];
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                seen.write(buf, 0, n);
            }
        } catch (final SocketException reset) {
            // connection reset counts as closed
        }
        return seen.toByteArray();
    }

    /** The code of the last Close message in a TCP byte stream, or -1. */
    static int closeCode(final byte[] stream) {
        final ByteBuffer b = ByteBuffer.wrap(stream).order(ByteOrder.LITTLE_ENDIAN);
        int code = -1;
        while (b.remaining() >= 6) {
            final int len = b.getInt();
            if (len < 2 || len > b.remaining()) {
                break;
            }
            final int start = b.position();
            if ((b.getShort(start) & 0xFFFF) == MessageTypes.CLOSE) {
                final ByteBuffer payload = b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
                payload.position(start + 2).limit(start + len);
                code = org.mmosdk.core.wire.fb.Close.getRootAsClose(payload.slice().order(ByteOrder.LITTLE_ENDIAN)).code();
            }
            b.position(start + len);
        }
        return code;
    }

    Socket raw() throws IOException {
        final Socket s = new Socket();
        s.connect(gateway.tcpAddress(), 2000);
        return s;
    }

    @Test
    void randomBytes() throws Exception {
        final Random random = new Random(1234);
        for (int i = 0; i < 20; i++) {
            try (Socket s = raw()) {
                final byte[] junk = new byte[1 + random.nextInt(3000)];
                random.nextBytes(junk);
                try {
                    s.getOutputStream().write(junk);
                } catch (final SocketException closedEarly) {
                    // the server may close before all of it was written
                }
                readUntilClosed(s);
            }
        }
        goodSessionStillWorks();
    }

    @Test
    void twoGibLengthPrefixClosesAtOnce() throws Exception {
        try (Socket s = raw()) {
            s.getOutputStream().write(hello());
            final byte[] prefix = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(Integer.MIN_VALUE).array();
            s.getOutputStream().write(prefix);
            final long t0 = System.nanoTime();
            final byte[] seen = readUntilClosed(s);
            assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(2));
            assertThat(closeCode(seen)).isEqualTo(CloseCodes.FRAME_TOO_LARGE);
        }
        goodSessionStillWorks();
    }

    @Test
    void truncatedFrameThenStallIsClosedByDeadline() throws Exception {
        try (Socket s = raw()) {
            // half a Hello: the prefix promises more than arrives
            final byte[] h = hello();
            s.getOutputStream().write(h, 0, h.length / 2);
            final byte[] seen = readUntilClosed(s);
            assertThat(closeCode(seen)).isIn(CloseCodes.HANDSHAKE_TIMEOUT, CloseCodes.IDLE_TIMEOUT);
        }
        try (Socket s = raw()) {
            // a full handshake, then half an application frame
            s.getOutputStream().write(hello());
            final byte[] e = tcpFrame(NetTestSupport.echo(1));
            s.getOutputStream().write(e, 0, e.length - 3);
            final byte[] seen = readUntilClosed(s);
            assertThat(closeCode(seen)).isEqualTo(CloseCodes.IDLE_TIMEOUT);
        }
        goodSessionStillWorks();
    }

    @Test
    void malformedPayloadAndUnknownTypeAndOutOfOrder() throws Exception {
        final byte[][] attacks = {
            // Hello whose payload is garbage
            tcpFrame(ByteBuffer.wrap(new byte[] {0x00, 0x01, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x7F, 1, 2, 3, 4})),
            // an application message before the handshake
            tcpFrame(NetTestSupport.echo(5)),
            // a frame shorter than the envelope header
            new byte[] {1, 0, 0, 0, 7},
        };
        final int[] expected = {CloseCodes.BAD_MESSAGE, CloseCodes.PROTOCOL_VIOLATION, CloseCodes.BAD_MESSAGE};
        for (int i = 0; i < attacks.length; i++) {
            try (Socket s = raw()) {
                s.getOutputStream().write(attacks[i]);
                assertThat(closeCode(readUntilClosed(s))).as("attack %d", i).isEqualTo(expected[i]);
            }
        }
        try (Socket s = raw()) {
            s.getOutputStream().write(hello());
            s.getOutputStream().write(tcpFrame(ByteBuffer.wrap(new byte[] {0x34, 0x12, 0, 0, 0, 0})));
            assertThat(closeCode(readUntilClosed(s))).isEqualTo(CloseCodes.BAD_MESSAGE);
        }
        goodSessionStillWorks();
    }

    @Test
    void floodAboveRateLimitCloses() throws Exception {
        try (Socket s = raw()) {
            final OutputStream out = s.getOutputStream();
            out.write(hello());
            final byte[] e = tcpFrame(NetTestSupport.echo(1));
            final ByteArrayOutputStream burst = new ByteArrayOutputStream();
            for (int i = 0; i < 2000; i++) {
                burst.write(e);
            }
            try {
                out.write(burst.toByteArray());
            } catch (final SocketException closedEarly) {
                // fine: the server closed while we were still writing
            }
            assertThat(closeCode(readUntilClosed(s))).isIn(CloseCodes.RATE_LIMITED, -1);
        }
        AbstractGatewayContractTest.await(() -> stats.counter("net.closes", "", "reason", "RATE_LIMITED").get() == 1);
        goodSessionStillWorks();
    }

    @Test
    void floodUnderDropPolicyDropsButKeepsTheSession() throws Exception {
        final StatsRegistry dropStats = new StatsRegistry();
        final Gateway dropping = Gateway.builder().tcpPort(0).authenticator(Authenticator.allowAll())
            .messages(NetTestSupport.echoRegistry()).rateLimit(10, 10, RateLimitPolicy.DROP).stats(dropStats)
            .threads(1, 1).build().start();
        try {
            final NetTestSupport.Recorder rec = new NetTestSupport.Recorder();
            final GameClient c = GameClient.builder().group(clients).tcp(dropping.tcpAddress()).listener(rec).build()
                .connect().get(5, TimeUnit.SECONDS);
            for (int i = 0; i < 200; i++) {
                c.send(NetTestSupport.echo(i));
            }
            c.flush();
            AbstractGatewayContractTest.await(() -> dropStats.counter("net.messages.dropped", "").get() >= 150);
            assertThat(c.isOpen()).isTrue();
            assertThat(rec.seqs.size()).isLessThanOrEqualTo(50);
        } finally {
            dropping.shutdown(Duration.ofMillis(100));
        }
        goodSessionStillWorks();
    }

    @Test
    void webSocketTextAndMalformedFrames() throws Exception {
        final InetSocketAddress ws = gateway.webSocketAddress();
        // a text frame after a proper upgrade
        try (Socket s = new Socket()) {
            s.connect(ws, 2000);
            upgrade(s, ws);
            // masked text frame "hi"
            s.getOutputStream().write(new byte[] {(byte) 0x81, (byte) 0x82, 1, 2, 3, 4, 'h' ^ 1, 'i' ^ 2});
            readUntilClosed(s);
        }
        // a malformed frame: unmasked client frame with reserved bits set
        try (Socket s = new Socket()) {
            s.connect(ws, 2000);
            upgrade(s, ws);
            s.getOutputStream().write(new byte[] {(byte) 0xF2, 0x05, 1, 2, 3, 4, 5});
            readUntilClosed(s);
        }
        // a binary frame announcing 2 GiB
        try (Socket s = new Socket()) {
            s.connect(ws, 2000);
            upgrade(s, ws);
            s.getOutputStream().write(new byte[] {(byte) 0x82, (byte) 0xFF, 0, 0, 0, 0, (byte) 0x80, 0, 0, 0, 1, 2, 3, 4});
            readUntilClosed(s);
        }
        // plain HTTP on another path
        try (Socket s = new Socket()) {
            s.connect(ws, 2000);
            s.getOutputStream().write("GET /nope HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(readUntilClosed(s), StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 404");
        }
        AbstractGatewayContractTest.await(() -> gateway.sessions().connectionCount() == 1);
        goodSessionStillWorks();
    }

    private static void upgrade(final Socket s, final InetSocketAddress ws) throws IOException {
        final String req = "GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + ws.getPort() + "\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
        s.getOutputStream().write(req.getBytes(StandardCharsets.US_ASCII));
        s.setSoTimeout(5000);
        final InputStream in = s.getInputStream();
        final StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            final int c = in.read();
            if (c < 0) {
                throw new IOException("closed during upgrade: " + head);
            }
            head.append((char) c);
        }
        assertThat(head.toString()).startsWith("HTTP/1.1 101");
    }

    @Test
    void connectionLimitPerIp() throws Exception {
        gateway.shutdown(Duration.ofMillis(100));
        gateway = Gateway.builder().tcpPort(0).authenticator(Authenticator.allowAll()).maxConnections(10, 2)
            .stats(stats).threads(1, 1).build().start();
        final GameClient a = GameClient.builder().group(clients).tcp(gateway.tcpAddress()).build().connect().get(5, TimeUnit.SECONDS);
        final GameClient b = GameClient.builder().group(clients).tcp(gateway.tcpAddress()).build().connect().get(5, TimeUnit.SECONDS);
        try (Socket s = new Socket()) {
            s.connect(gateway.tcpAddress(), 2000);
            assertThat(closeCode(readUntilClosed(s))).isEqualTo(CloseCodes.TOO_MANY_CONNECTIONS_FROM_IP);
        }
        assertThat(a.isOpen()).isTrue();
        assertThat(b.isOpen()).isTrue();
        a.close().get(5, TimeUnit.SECONDS);
        AbstractGatewayContractTest.await(() -> gateway.sessions().connectionCount() == 1);
        final GameClient c = GameClient.builder().group(clients).tcp(gateway.tcpAddress()).build().connect().get(5, TimeUnit.SECONDS);
        assertThat(c.isOpen()).isTrue();
        assertThat(stats.counter("net.rejects", "", "reason", "TOO_MANY_CONNECTIONS_FROM_IP").get()).isEqualTo(1);
    }
}

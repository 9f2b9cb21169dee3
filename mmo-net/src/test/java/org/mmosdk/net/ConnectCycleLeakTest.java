package org.mmosdk.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mmosdk.net.client.GameClient;
import org.slf4j.LoggerFactory;

/**
 * Connect, handshake, exchange a message and disconnect many times with Netty's leak detector at PARANOID; any
 * leak report (Netty logs them at ERROR on {@code io.netty.util.ResourceLeakDetector}) fails the test.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConnectCycleLeakTest {
    private final List<String> leaks = new CopyOnWriteArrayList<>();
    private final AppenderBase<ILoggingEvent> capture = new AppenderBase<>() {
        @Override
        protected void append(final ILoggingEvent event) {
            if (event.getLevel().isGreaterOrEqual(Level.ERROR) && event.getFormattedMessage().contains("LEAK")) {
                leaks.add(event.getFormattedMessage());
            }
        }
    };
    private Logger leakLogger;
    private Level oldLevel;
    private ResourceLeakDetector.Level oldDetector;

    @BeforeEach
    void paranoid() {
        oldDetector = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        leakLogger = (Logger) LoggerFactory.getLogger(ResourceLeakDetector.class);
        oldLevel = leakLogger.getLevel();
        leakLogger.setLevel(Level.ERROR);
        leakLogger.setAdditive(false); // captured, not printed (the deliberate leak's report is long)
        capture.start();
        leakLogger.addAppender(capture);
    }

    @AfterEach
    void restore() {
        leakLogger.detachAppender(capture);
        leakLogger.setLevel(oldLevel);
        leakLogger.setAdditive(true);
        ResourceLeakDetector.setLevel(oldDetector);
    }

    @Test
    void theHarnessSeesADeliberateLeak() throws Exception {
        PooledByteBufAllocator.DEFAULT.directBuffer(64).writeInt(1); // never released, on purpose
        collectAndPoll();
        assertThat(leaks).isNotEmpty();
    }

    @Test
    void twoThousandCyclesLeakNothing() throws Exception {
        cycles(2_000);
    }

    @Test
    @Tag("slow")
    void tenThousandCyclesLeakNothing() throws Exception {
        cycles(10_000);
    }

    private void cycles(final int count) throws Exception {
        final EventLoopGroup group = GameClient.newEventLoopGroup(1);
        final Gateway gateway = Gateway.builder().tcpPort(0).webSocketPort(0)
            .authenticator(Authenticator.allowAll()).messages(NetTestSupport.echoRegistry())
            .maxConnections(1000, 1000).threads(1, 2).build().start();
        final java.net.URI ws = java.net.URI.create("ws://127.0.0.1:" + gateway.webSocketAddress().getPort() + "/ws");
        try {
            for (int i = 0; i < count; i++) {
                final NetTestSupport.Recorder rec = new NetTestSupport.Recorder();
                final GameClient.Builder b = GameClient.builder().group(group).listener(rec)
                    .credentials("x".getBytes(StandardCharsets.US_ASCII));
                final GameClient c = (i % 4 == 3 ? b.webSocket(ws) : b.tcp(gateway.tcpAddress())).build()
                    .connect().get(5, TimeUnit.SECONDS);
                c.send(NetTestSupport.echo(i));
                c.flush();
                if (i % 2 == 0) {
                    AbstractGatewayContractTest.await(() -> !rec.seqs.isEmpty());
                    c.close().get(5, TimeUnit.SECONDS);
                } else {
                    // the server side closes this one, with a message possibly in flight
                    final long id = c.sessionId();
                    AbstractGatewayContractTest.await(() -> gateway.sessions().get(id) != null);
                    gateway.sessions().get(id).close(CloseCodes.KICKED, "cycle");
                    c.closeFuture().get(5, TimeUnit.SECONDS);
                }
            }
            AbstractGatewayContractTest.await(() -> gateway.sessions().connectionCount() == 0);
        } finally {
            gateway.shutdown(Duration.ofMillis(100));
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
        collectAndPoll();
        assertThat(leaks).isEmpty();
    }

    /** Leaks are reported when a tracked buffer was collected and a later allocation polls the queue. */
    private static void collectAndPoll() throws InterruptedException {
        for (int round = 0; round < 5; round++) {
            System.gc();
            Thread.sleep(50);
            for (int i = 0; i < 200; i++) {
                final ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(64);
                b.release();
            }
        }
    }
}

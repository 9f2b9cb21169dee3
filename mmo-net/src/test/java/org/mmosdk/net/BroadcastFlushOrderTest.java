package org.mmosdk.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mmosdk.core.peer.Delivery;
import org.mmosdk.net.client.GameClient;

/**
 * {@link SessionManager#sendAndFlush} on one I/O thread writes and flushes each recipient in turn: the first
 * recipient's bytes go to the kernel before the next recipient is written, not after every recipient of the event loop
 * was written (which delayed the first one by the whole batch). Real sockets on loopback, one server I/O thread; each
 * server channel records the writes and flushes of application messages that pass its head.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BroadcastFlushOrderTest {
    private static final int RECIPIENTS = 4;
    private final List<String> events = Collections.synchronizedList(new ArrayList<>());
    private Gateway gateway;
    private EventLoopGroup clients;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.shutdown(Duration.ofMillis(200));
        }
        if (clients != null) {
            clients.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void eachRecipientIsFlushedBeforeTheNextIsWritten() throws Exception {
        gateway = Gateway.builder().tcpPort(0).webSocketPort(-1).authenticator(Authenticator.allowAll())
            .messages(NetTestSupport.echoRegistry()).heartbeat(Duration.ofMinutes(5), Duration.ofMinutes(10)).threads(1, 1)
            .build().start();
        clients = GameClient.newEventLoopGroup(1);
        final List<NetTestSupport.Recorder> recs = new ArrayList<>();
        for (int i = 0; i < RECIPIENTS; i++) {
            final NetTestSupport.Recorder rec = new NetTestSupport.Recorder();
            recs.add(rec);
            GameClient.builder().group(clients).tcp(gateway.tcpAddress()).clientName("c" + i).listener(rec).build().connect()
                .get(5, TimeUnit.SECONDS);
        }
        AbstractGatewayContractTest.await(() -> gateway.sessions().sessionCount() == RECIPIENTS);
        final List<Session> all = new ArrayList<>();
        gateway.sessions().forEach(all::add);
        final List<String> expected = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            all.get(i).channel.pipeline().addFirst(new Recording("s" + i));
            expected.add("write s" + i);
            expected.add("flush s" + i);
        }
        assertThat(SessionManager.sendAndFlush(all, NetTestSupport.echo(7), Delivery.RELIABLE)).isEqualTo(RECIPIENTS);
        for (final NetTestSupport.Recorder rec : recs) {
            AbstractGatewayContractTest.await(() -> rec.seqs.size() == 1);
            assertThat(rec.seqs).containsExactly(7L);
        }
        assertThat(events).containsExactlyElementsOf(expected);
    }

    /** Records application writes and the flushes that follow them, at the head of one server channel. */
    private final class Recording extends ChannelOutboundHandlerAdapter {
        private final String name;
        private boolean written;

        Recording(final String name) {
            this.name = name;
        }

        @Override
        public void write(final ChannelHandlerContext ctx, final Object msg, final ChannelPromise promise) throws Exception {
            if (msg instanceof ByteBuf b && b.readableBytes() >= 6 && b.getUnsignedShortLE(b.readerIndex() + 4) == NetTestSupport.ECHO) {
                events.add("write " + name);
                written = true;
            }
            super.write(ctx, msg, promise);
        }

        @Override
        public void flush(final ChannelHandlerContext ctx) throws Exception {
            if (written) {
                events.add("flush " + name);
                written = false;
            }
            super.flush(ctx);
        }
    }
}

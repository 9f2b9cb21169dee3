package org.mmosdk.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Ticker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mmosdk.core.time.VirtualClock;
import org.mmosdk.core.wire.EnvelopeWriter;
import org.mmosdk.core.wire.MessageRegistry;
import org.mmosdk.core.wire.MessageTypes;
import org.mmosdk.core.wire.fb.Ping;
import org.mmosdk.net.internal.Control;
import org.mmosdk.net.internal.TcpFrameDecoder;

/**
 * A received frame schedules, re-arms or cancels no timer on the connection's event loop: the idle timer is re-armed
 * only when it fires, the heartbeat runs at a fixed rate. Scheduling reads the loop's clock, so a read of twenty frames
 * must read it as often as a read of one (the loop's own reads per read are the same for both). A timer per message
 * would be real cost on a production event loop (a clock read and a priority-queue operation per message).
 */
class NoTimerPerMessageTest {
    private final VirtualClock clock = new VirtualClock();
    private final CountingTicker ticker = new CountingTicker();
    private Gateway gateway;
    private EmbeddedChannel ch;
    private int consumed;

    @AfterEach
    void close() {
        if (ch != null) {
            ch.finishAndReleaseAll();
        }
        if (gateway != null) {
            gateway.shutdown(Duration.ZERO);
        }
    }

    @Test
    void aReadOfTwentyFramesReadsTheLoopClockAsOftenAsAReadOfOne() {
        final MessageRegistry<Session> consumeOnly = MessageRegistry.<Session>builder()
            .register(NetTestSupport.ECHO, MessageTypes.coreSchema().table(Ping.class), (session, type, payload) -> consumed++)
            .build();
        gateway = Gateway.builder().authenticator(Authenticator.allowAll()).messages(consumeOnly).clock(clock)
            .rateLimit(1_000, 1_000, RateLimitPolicy.CLOSE).threads(1, 1).build();
        final ServerConnection connection = new ServerConnection(gateway, Transport.TCP);
        ch = EmbeddedChannel.builder().ticker(ticker).handlers(new TcpFrameDecoder(1024, connection), connection).build();
        final ByteBuffer hello = Control.hello(new EnvelopeWriter(), NetMessageTypes.PROTOCOL_VERSION, new byte[0], null, "t");
        ch.writeInbound(Unpooled.buffer().writeIntLE(hello.remaining()).writeBytes(hello));
        release();
        assertThat(ch.isActive()).isTrue();

        final long one = readsFor(1);
        final long twenty = readsFor(20);
        assertThat(consumed).isEqualTo(21);
        assertThat(twenty).as("loop clock reads for a read of 20 frames vs 1").isEqualTo(one);
        assertThat(ch.isActive()).isTrue();
    }

    /** Loop clock reads during one socket read of {@code frames} messages. */
    private long readsFor(final int frames) {
        final ByteBuf in = Unpooled.buffer();
        for (int i = 0; i < frames; i++) {
            final ByteBuffer e = NetTestSupport.echo(i);
            in.writeIntLE(e.remaining()).writeBytes(e);
        }
        final long before = ticker.reads;
        ch.writeInbound(in);
        final long reads = ticker.reads - before;
        release();
        return reads;
    }

    private void release() {
        Object out;
        while ((out = ch.readOutbound()) != null) {
            ReferenceCountUtil.release(out);
        }
    }

    /** The system ticker, counting its reads. */
    private static final class CountingTicker implements Ticker {
        private final Ticker system = Ticker.systemTicker();
        long reads;

        @Override
        public long initialNanoTime() {
            return system.initialNanoTime();
        }

        @Override
        public long nanoTime() {
            reads++;
            return system.nanoTime();
        }

        @Override
        public void sleep(final long delay, final TimeUnit unit) throws InterruptedException {
            system.sleep(delay, unit);
        }
    }
}

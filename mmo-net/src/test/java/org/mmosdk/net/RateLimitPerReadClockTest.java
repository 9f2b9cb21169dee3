package org.mmosdk.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mmosdk.core.time.VirtualClock;
import org.mmosdk.core.wire.EnvelopeWriter;
import org.mmosdk.net.internal.Control;
import org.mmosdk.net.internal.TcpFrameDecoder;

/**
 * The gateway reads its clock once per socket read and gives that time to every frame of the read: the rate limiter
 * must still refill between reads and still count every frame within one.
 */
class RateLimitPerReadClockTest {
    private final VirtualClock clock = new VirtualClock();
    private Gateway gateway;
    private ServerConnection connection;
    private EmbeddedChannel ch;

    @BeforeEach
    void open() {
        gateway = Gateway.builder().authenticator(Authenticator.allowAll()).messages(NetTestSupport.echoRegistry())
            .rateLimit(3, 3, RateLimitPolicy.CLOSE).clock(clock).threads(1, 1).build();
        connection = new ServerConnection(gateway, Transport.TCP);
        ch = new EmbeddedChannel(new TcpFrameDecoder(1024, connection), connection);
        final ByteBuffer hello = Control.hello(new EnvelopeWriter(), NetMessageTypes.PROTOCOL_VERSION, new byte[0], null, "t");
        ch.writeInbound(Unpooled.buffer().writeIntLE(hello.remaining()).writeBytes(hello)); // takes one token
        drain();
        assertThat(ch.isActive()).isTrue();
    }

    @AfterEach
    void close() {
        ch.finishAndReleaseAll();
        gateway.shutdown(Duration.ZERO);
    }

    @Test
    void refillsBetweenReadsAndCountsEveryFrameOfARead() {
        clock.advance(1, TimeUnit.SECONDS);
        assertThat(read(3)).as("a full bucket takes three frames in one read").isEqualTo(3);
        clock.advance(1, TimeUnit.SECONDS);
        assertThat(read(3)).as("the next read sees the new time, so the bucket refilled").isEqualTo(3);
        assertThat(ch.isActive()).isTrue();
        clock.advance(1, TimeUnit.SECONDS);
        assertThat(read(4)).as("the fourth frame of one read finds no token").isEqualTo(3);
        assertThat(connection.session().closeReason().code()).isEqualTo(CloseCodes.RATE_LIMITED);
    }

    @Test
    void aReadWithoutTimePassingFindsNoToken() {
        clock.advance(1, TimeUnit.SECONDS);
        assertThat(read(3)).isEqualTo(3);
        assertThat(read(1)).isZero();
        assertThat(connection.session().closeReason().code()).isEqualTo(CloseCodes.RATE_LIMITED);
    }

    private int read(final int frames) {
        return NetTestSupport.readEchoes(ch, frames);
    }

    private int drain() {
        return NetTestSupport.drainEchoes(ch);
    }
}

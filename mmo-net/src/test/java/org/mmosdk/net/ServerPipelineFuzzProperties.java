package org.mmosdk.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.mmosdk.core.wire.EnvelopeWriter;
import org.mmosdk.net.internal.Control;
import org.mmosdk.net.internal.TcpFrameDecoder;

/**
 * Random frames (plausible type ids, random payloads) after a valid Hello, straight into the server pipeline of one
 * connection: nothing escapes as an exception, every outbound buffer is a proper frame, and a connection that is
 * closed says why with one of the documented codes.
 */
class ServerPipelineFuzzProperties {
    static Gateway gateway;

    @BeforeContainer
    static void build() {
        gateway = Gateway.builder().authenticator(Authenticator.allowAll()).messages(NetTestSupport.echoRegistry())
            .maxFrameBytes(512).rateLimit(1_000_000, 1_000_000, RateLimitPolicy.CLOSE).threads(1, 1).build();
    }

    @AfterContainer
    static void stop() {
        gateway.shutdown(Duration.ZERO);
    }

    @Provide
    Arbitrary<List<byte[]>> frames() {
        final Arbitrary<Integer> types = Arbitraries.oneOf(Arbitraries.of(1, 2, 3, 0x100, 0x101, 0x102, 0x103, 0x104, 0x1000, 0x1001),
            Arbitraries.integers().between(0, 0xFFFF));
        final Arbitrary<byte[]> payloads = Arbitraries.bytes().array(byte[].class).ofMaxSize(600);
        return Combinators.combine(types, payloads).as((type, payload) -> {
            final ByteBuffer b = ByteBuffer.allocate(4 + 2 + payload.length).order(ByteOrder.LITTLE_ENDIAN);
            b.putInt(2 + payload.length).putShort((short) (int) type).put(payload);
            return b.array();
        }).list().ofMaxSize(8);
    }

    @Property(tries = 1000)
    void randomFramesCloseCleanly(@ForAll("frames") final List<byte[]> frames) {
        final ServerConnection connection = new ServerConnection(gateway, Transport.TCP);
        final EmbeddedChannel ch = new EmbeddedChannel(new TcpFrameDecoder(512, connection), connection);
        final ByteBuffer hello = Control.hello(new EnvelopeWriter(), NetMessageTypes.PROTOCOL_VERSION, new byte[0], null, "fuzz");
        ch.writeInbound(Unpooled.buffer().writeIntLE(hello.remaining()).writeBytes(hello));
        for (final byte[] f : frames) {
            if (!ch.isActive()) {
                break;
            }
            ch.writeInbound(Unpooled.wrappedBuffer(f));
        }
        ch.runPendingTasks();
        ch.checkException();
        Object out;
        while ((out = ch.readOutbound()) != null) {
            assertThat(out).isInstanceOf(ByteBuf.class);
            final ByteBuf b = (ByteBuf) out;
            if (b.isReadable()) {
                assertThat(b.getIntLE(b.readerIndex())).isEqualTo(b.readableBytes() - 4);
            }
            b.release();
        }
        if (!ch.isActive()) {
            // the reason is ours (BAD_MESSAGE, PROTOCOL_VIOLATION, FRAME_TOO_LARGE) or the peer's own Close code
            assertThat(connection.session().closeReason()).isNotNull();
            assertThat(connection.session().closeReason().code()).isNotEqualTo(CloseCodes.INTERNAL_ERROR);
        }
        ch.finishAndReleaseAll();
    }
}

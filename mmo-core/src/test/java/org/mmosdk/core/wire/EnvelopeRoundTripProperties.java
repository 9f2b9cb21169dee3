package org.mmosdk.core.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import com.google.flatbuffers.FlatBufferBuilder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;
import org.mmosdk.core.wire.fb.Close;
import org.mmosdk.core.wire.fb.Ping;
import org.mmosdk.core.wire.testfb.Everything;

/** Whatever is written through an {@link EnvelopeWriter} is dispatched back unchanged, over every buffer kind. */
class EnvelopeRoundTripProperties {
    enum Carrier { BYTE_BUFFER, HEAP_BYTEBUF, DIRECT_BYTEBUF, POOLED_DIRECT, COMPOSITE }

    private static final int EVERYTHING_TYPE = 0x1000;

    private final List<String> received = new ArrayList<>();
    private final MessageRegistry<List<String>> registry = MessageRegistry.<List<String>>builder()
        .register(MessageTypes.PING, MessageTypes.coreSchema().table(Ping.class), (out, type, payload) -> {
            final Ping ping = Ping.getRootAsPing(payload);
            out.add("ping " + Integer.toUnsignedString((int) ping.seq()) + " " + ping.sentNanos());
        })
        .register(MessageTypes.CLOSE, MessageTypes.coreSchema().table(Close.class), (out, type, payload) -> {
            final Close close = Close.getRootAsClose(payload);
            out.add("close " + close.code() + " " + close.reason());
        })
        .register(EVERYTHING_TYPE, TestMessages.EVERYTHING, (out, type, payload) ->
            out.add("everything " + TestMessages.readAll(payload)))
        .build();
    private final MessageDispatcher<List<String>> dispatcher = registry.newDispatcher();
    private final EnvelopeWriter writer = new EnvelopeWriter(16);

    @Property(tries = 300)
    void pingRoundTrips(@ForAll final int seq, @ForAll final long sentNanos, @ForAll("carriers") final Carrier carrier) {
        final FlatBufferBuilder b = writer.begin(MessageTypes.PING);
        send(carrier, Ping.createPing(b, seq & 0xFFFF_FFFFL, sentNanos));
        assertThat(received).containsExactly("ping " + Integer.toUnsignedString(seq) + " " + sentNanos);
    }

    @Property(tries = 300)
    void closeRoundTrips(
        @ForAll @IntRange(min = 0, max = 65535) final int code, @ForAll @StringLength(max = 60) final String reason,
        @ForAll("carriers") final Carrier carrier) {
        final FlatBufferBuilder b = writer.begin(MessageTypes.CLOSE);
        final int reasonOffset = b.createString(reason);
        send(carrier, Close.createClose(b, code, reasonOffset));
        if (reason.codePoints().anyMatch(cp -> cp >= 0xD800 && cp <= 0xDFFF)) {
            // lone surrogates cannot be encoded as UTF-8: FlatBuffers writes '?', which is what arrives
            assertThat(received).hasSize(1);
            return;
        }
        assertThat(received).containsExactly("close " + code + " " + reason);
    }

    @Property(tries = 300)
    void everythingRoundTrips(@ForAll final long seed, @ForAll("carriers") final Carrier carrier) {
        final Random random = new Random(seed);
        final FlatBufferBuilder b = writer.begin(EVERYTHING_TYPE);
        final int root = TestMessages.everything(b, random, 3);
        // what the receiver must see: the same payload read directly
        b.finish(root);
        final long expected = TestMessages.readAll(ByteBuffer.wrap(b.sizedByteArray()));
        send(carrier, root);
        assertThat(received).containsExactly("everything " + expected);
    }

    @Provide
    Arbitrary<Carrier> carriers() {
        return Arbitraries.of(Carrier.class);
    }

    private void send(final Carrier carrier, final int root) {
        received.clear();
        final int rc;
        switch (carrier) {
            case BYTE_BUFFER -> {
                final ByteBuffer message = writer.finish(root);
                rc = dispatcher.dispatch(received, message, message.position(), message.remaining());
            }
            case COMPOSITE -> {
                final ByteBuf whole = Unpooled.buffer();
                writer.finishTo(root, whole);
                final CompositeByteBuf composite = Unpooled.compositeBuffer();
                final int half = whole.readableBytes() / 2;
                composite.addComponent(true, whole.retainedSlice(0, half));
                composite.addComponent(true, Unpooled.copiedBuffer(whole.nioBuffer(half, whole.readableBytes() - half)));
                whole.release();
                rc = dispatchAndRelease(composite);
            }
            default -> {
                final ByteBufAllocator alloc = switch (carrier) {
                    case POOLED_DIRECT -> PooledByteBufAllocator.DEFAULT;
                    default -> Unpooled.buffer().alloc();
                };
                final ByteBuf out = carrier == Carrier.HEAP_BYTEBUF ? alloc.heapBuffer() : alloc.directBuffer();
                out.writeBytes(new byte[] {9, 9, 9}); // a previous message in the same buffer
                out.readerIndex(3);
                writer.finishTo(root, out);
                rc = dispatchAndRelease(out);
            }
        }
        assertThat(rc).as(dispatcher.lastError()).isEqualTo(WireError.OK);
    }

    private int dispatchAndRelease(final ByteBuf buf) {
        try {
            return dispatcher.dispatch(received, buf);
        } finally {
            buf.release();
        }
    }
}

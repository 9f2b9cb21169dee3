package org.mmosdk.core.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

import com.google.flatbuffers.FlatBufferBuilder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.mmosdk.core.wire.fb.Close;
import org.mmosdk.core.wire.fb.Ping;

class MessageDispatcherTest {
    private final AtomicLong lastSeq = new AtomicLong(-1);
    private final Ping ping = new Ping();
    private final MessageRegistry<String> registry = MessageRegistry.<String>builder()
        .maxPayloadBytes(512)
        .register(MessageTypes.PING, MessageTypes.coreSchema().table(Ping.class), 32, (ctx, type, payload) ->
            lastSeq.set(Ping.getRootAsPing(payload, ping).seq()))
        .register(MessageTypes.CLOSE, MessageTypes.coreSchema().table(Close.class), (ctx, type, payload) -> {
            throw new IllegalStateException("handler bug");
        })
        .build();
    private final MessageDispatcher<String> dispatcher = registry.newDispatcher();
    private final EnvelopeWriter writer = new EnvelopeWriter();

    @Test
    void dispatchesAVerifiedMessageAndRestoresTheBuffer() {
        final ByteBuffer message = ping(42);
        final int position = message.position();
        final int limit = message.limit();
        assertThat(dispatcher.dispatch("s", message, position, limit - position)).isEqualTo(WireError.OK);
        assertThat(lastSeq.get()).isEqualTo(42);
        assertThat(message.position()).isEqualTo(position);
        assertThat(message.limit()).isEqualTo(limit);
        assertThat(dispatcher.lastTypeId()).isEqualTo(MessageTypes.PING);
        assertThat(dispatcher.lastError()).isEqualTo("OK");
    }

    @Test
    void rejectsUnknownTypesTooLargeAndTruncatedMessages() {
        final ByteBuffer unknown = ByteBuffer.wrap(new byte[] {0x34, 0x12, 0, 0, 0, 0});
        assertThat(dispatcher.dispatch("s", unknown, 0, 6)).isEqualTo(WireError.UNKNOWN_TYPE);
        assertThat(dispatcher.lastTypeId()).isEqualTo(0x1234);
        assertThat(dispatcher.lastError()).isEqualTo("type 4660 (6 bytes): UNKNOWN_TYPE");

        final ByteBuffer big = ByteBuffer.allocate(100);
        Envelope.putTypeId(big, 0, MessageTypes.PING);
        assertThat(dispatcher.dispatch("s", big, 0, 100)).isEqualTo(WireError.TOO_LARGE);
        assertThat(dispatcher.lastError()).isEqualTo("type 1 (100 bytes): TOO_LARGE, cap 32 bytes");

        assertThat(dispatcher.dispatch("s", ByteBuffer.wrap(new byte[] {1}), 0, 1)).isEqualTo(WireError.TRUNCATED);
        assertThat(dispatcher.lastError()).contains("shorter than the header");
        assertThat(dispatcher.dispatch("s", ByteBuffer.wrap(new byte[] {1, 0}), 0, 2)).isEqualTo(WireError.TRUNCATED);
        assertThat(dispatcher.dispatch("s", ByteBuffer.wrap(new byte[] {1, 0}), 1, 5)).isEqualTo(WireError.OUT_OF_BOUNDS);
        assertThat(lastSeq.get()).isEqualTo(-1);
    }

    @Test
    void aThrowingHandlerIsReportedNotPropagated() {
        final FlatBufferBuilder b = writer.begin(MessageTypes.CLOSE);
        final ByteBuffer message = writer.finish(Close.createClose(b, 1, b.createString("bye")));
        assertThat(dispatcher.dispatch("s", message, message.position(), message.remaining()))
            .isEqualTo(WireError.HANDLER_FAILED);
        assertThat(dispatcher.lastHandlerError()).hasMessage("handler bug");
        assertThat(dispatcher.lastError()).contains("HANDLER_FAILED").contains("handler bug");
    }

    @Test
    void registryRejectsDuplicatesAndBadIds() {
        final MessageRegistry.Builder<String> b = MessageRegistry.<String>builder()
            .register(5, MessageTypes.coreSchema().table(Ping.class), (c, t, p) -> { });
        assertThatThrownBy(() -> b.register(5, MessageTypes.coreSchema().table(Close.class), (c, t, p) -> { }))
            .hasMessage("type id 5 is already registered for org.mmosdk.core.wire.fb.Ping; cannot register "
                + "org.mmosdk.core.wire.fb.Close");
        assertThatThrownBy(() -> b.register(0, MessageTypes.coreSchema().table(Close.class), (c, t, p) -> { }))
            .hasMessage("type id must be in [1, 65535], was 0");
        assertThatThrownBy(() -> b.maxPayloadBytes(8)).hasMessage("maxPayloadBytes must be in [16, 16777216], was 8");
    }

    @Test
    void writerHandlesAMessageThatFillsTheBuilderExactly() {
        final EnvelopeWriter tight = new EnvelopeWriter(16);
        for (int len = 0; len < 200; len++) {
            final FlatBufferBuilder b = tight.begin(MessageTypes.CLOSE);
            final ByteBuffer message = tight.finish(Close.createClose(b, len, b.createString("r".repeat(len))));
            assertThat(Envelope.typeId(message, message.position())).isEqualTo(MessageTypes.CLOSE);
            final Close close = Close.getRootAsClose(message.duplicate().position(message.position() + 2));
            assertThat(close.reason()).hasSize(len);
        }
    }

    @Test
    void steadyStateEncodeAndDispatchAllocateNothing() {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        final ByteBuf heap = Unpooled.buffer(256);
        final ByteBuf direct = PooledByteBufAllocator.DEFAULT.directBuffer(256);
        for (int i = 0; i < 20_000; i++) {
            roundTrip(i, heap, direct);
        }
        final long before = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
        for (int i = 0; i < 20_000; i++) {
            roundTrip(i, heap, direct);
        }
        final long allocated = threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
        heap.release();
        direct.release();
        assertThat(allocated).as("bytes allocated by 60k encode+dispatch round trips").isLessThan(4_096);
    }

    private void roundTrip(final int i, final ByteBuf heap, final ByteBuf direct) {
        final ByteBuffer message = ping(i);
        if (dispatcher.dispatch("s", message, message.position(), message.remaining()) != WireError.OK) {
            throw new AssertionError(dispatcher.lastError());
        }
        encodeAndDispatch(i, heap);
        encodeAndDispatch(i, direct);
    }

    private void encodeAndDispatch(final int i, final ByteBuf buf) {
        buf.clear();
        final FlatBufferBuilder b = writer.begin(MessageTypes.PING);
        writer.finishTo(Ping.createPing(b, i, i), buf);
        if (dispatcher.dispatch("s", buf) != WireError.OK) {
            throw new AssertionError(dispatcher.lastError());
        }
    }

    private ByteBuffer ping(final long seq) {
        final FlatBufferBuilder b = writer.begin(MessageTypes.PING);
        return writer.finish(Ping.createPing(b, seq, 123L));
    }
}

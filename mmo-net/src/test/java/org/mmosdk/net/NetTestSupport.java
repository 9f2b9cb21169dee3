package org.mmosdk.net;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.CopyOnWriteArrayList;

import com.google.flatbuffers.FlatBufferBuilder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import org.mmosdk.core.wire.EnvelopeWriter;
import org.mmosdk.core.wire.MessageRegistry;
import org.mmosdk.core.wire.MessageTypes;
import org.mmosdk.core.wire.fb.Ping;
import org.mmosdk.net.client.ClientListener;
import org.mmosdk.net.client.GameClient;

/** Shared fixtures: an application "echo" message (type 0x1000, the Ping table as payload). */
final class NetTestSupport {
    static final int ECHO = MessageTypes.APP_FIRST;

    private NetTestSupport() {
    }

    /** Echo handler: sends the message back to the session that sent it. */
    static MessageRegistry<Session> echoRegistry() {
        return MessageRegistry.<Session>builder()
            .register(ECHO, MessageTypes.coreSchema().table(Ping.class), (session, type, payload) -> {
                final ByteBuf frame = session.retainCurrentFrame();
                try {
                    session.send(frame);
                    session.flush();
                } finally {
                    frame.release();
                }
            })
            .build();
    }

    static ByteBuffer echo(final long seq) {
        final EnvelopeWriter w = new EnvelopeWriter(64);
        final FlatBufferBuilder b = w.begin(ECHO);
        final ByteBuffer out = w.finish(Ping.createPing(b, seq, 42));
        final ByteBuffer copy = ByteBuffer.allocate(out.remaining()).order(ByteOrder.LITTLE_ENDIAN);
        copy.put(out).flip();
        return copy;
    }

    /** Remembers the seq of every echo received. */
    static final class Recorder implements ClientListener {
        final CopyOnWriteArrayList<Long> seqs = new CopyOnWriteArrayList<>();

        @Override
        public void onMessage(final GameClient client, final int typeId, final ByteBuf envelope) {
            if (typeId == ECHO) {
                final ByteBuffer nio = envelope.nioBuffer(envelope.readerIndex() + 2, envelope.readableBytes() - 2)
                    .order(ByteOrder.LITTLE_ENDIAN);
                seqs.add(Ping.getRootAsPing(nio).seq());
            }
        }
    }

    /** One socket read into {@code ch} holding {@code frames} echo messages; returns how many echoes came back. */
    static int readEchoes(final EmbeddedChannel ch, final int frames) {
        final ByteBuf in = Unpooled.buffer();
        for (int i = 0; i < frames; i++) {
            final ByteBuffer e = echo(i);
            in.writeIntLE(e.remaining()).writeBytes(e);
        }
        ch.writeInbound(in);
        return drainEchoes(ch);
    }

    /** Releases what {@code ch} wrote; returns the number of echoes among it. */
    static int drainEchoes(final EmbeddedChannel ch) {
        int echoes = 0;
        Object out;
        while ((out = ch.readOutbound()) != null) {
            final ByteBuf b = (ByteBuf) out;
            if (b.readableBytes() >= 6 && b.getUnsignedShortLE(b.readerIndex() + 4) == ECHO) {
                echoes++;
            }
            ReferenceCountUtil.release(out);
        }
        return echoes;
    }
}

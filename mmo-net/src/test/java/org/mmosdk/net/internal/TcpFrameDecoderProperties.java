package org.mmosdk.net.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** The TCP frame decoder on hostile and on well-formed input. */
class TcpFrameDecoderProperties {
    static final int MAX = 256;

    @Property(tries = 500)
    void randomBytesNeverEscapeAsAnythingButDecoderErrors(@ForAll @Size(max = 2048) final List<Byte> bytes,
        @ForAll @IntRange(min = 1, max = 64) final int chunk) {
        final EmbeddedChannel ch = new EmbeddedChannel(new TcpFrameDecoder(MAX));
        final byte[] data = new byte[bytes.size()];
        for (int i = 0; i < data.length; i++) {
            data[i] = bytes.get(i);
        }
        try {
            for (int off = 0; off < data.length; off += chunk) {
                ch.writeInbound(Unpooled.wrappedBuffer(data, off, Math.min(chunk, data.length - off)));
            }
        } catch (final DecoderException expected) {
            // too long frames are refused with TooLongFrameException
        }
        ByteBuf frame;
        while ((frame = ch.readInbound()) != null) {
            assertThat(frame.readableBytes()).isLessThanOrEqualTo(MAX);
            assertThat(frame.unwrap()).as("a frame must own its memory").isNull();
            frame.release();
        }
        ch.finishAndReleaseAll();
    }

    @Provide
    Arbitrary<List<byte[]>> envelopes() {
        return Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(MAX).list().ofMaxSize(20);
    }

    @Property(tries = 300)
    void wellFormedFramesRoundTripWhateverTheChunking(@ForAll("envelopes") final List<byte[]> envelopes,
        @ForAll @IntRange(min = 1, max = 100) final int chunk) {
        final ByteBuf stream = Unpooled.buffer();
        for (final byte[] e : envelopes) {
            final ByteBuf f = (ByteBuf) FrameFormat.TCP.frame(Unpooled.buffer().alloc(), ByteBuffer.wrap(e));
            stream.writeBytes(f);
            f.release();
        }
        final EmbeddedChannel ch = new EmbeddedChannel(new TcpFrameDecoder(MAX));
        while (stream.isReadable()) {
            ch.writeInbound(stream.readRetainedSlice(Math.min(chunk, stream.readableBytes())));
        }
        stream.release();
        final List<byte[]> out = new ArrayList<>();
        ByteBuf frame;
        while ((frame = ch.readInbound()) != null) {
            final byte[] b = new byte[frame.readableBytes()];
            frame.readBytes(b);
            frame.release();
            out.add(b);
        }
        assertThat(out).hasSize(envelopes.size());
        for (int i = 0; i < out.size(); i++) {
            assertThat(out.get(i)).isEqualTo(envelopes.get(i));
        }
        assertThat(ch.finish()).isFalse();
    }

    @Property(tries = 100)
    void anOversizedPrefixFailsBeforeThePayloadArrives(@ForAll @IntRange(min = MAX + 1) final int announced) {
        final EmbeddedChannel ch = new EmbeddedChannel(new TcpFrameDecoder(MAX));
        final ByteBuf prefix = Unpooled.buffer(4).writeIntLE(announced);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ch.writeInbound(prefix))
            .isInstanceOf(io.netty.handler.codec.TooLongFrameException.class);
        ch.finishAndReleaseAll();
    }

    // ---- with a sink (the gateway's mode): frames in place, whole frames of a fresh read without the inherited path

    @Property(tries = 300)
    void sinkSeesEveryFrameInOrderAndKeptSlicesStayIntactWhateverTheChunking(@ForAll("envelopes") final List<byte[]> envelopes,
        @ForAll @IntRange(min = 1, max = 300) final int chunk) {
        final ByteBuf stream = Unpooled.buffer();
        for (final byte[] e : envelopes) {
            stream.writeIntLE(e.length).writeBytes(e);
        }
        final List<byte[]> seen = new ArrayList<>();
        final List<ByteBuf> kept = new ArrayList<>();
        final EmbeddedChannel ch = new EmbeddedChannel(new TcpFrameDecoder(MAX, frame -> {
            final byte[] b = new byte[frame.readableBytes()];
            frame.getBytes(frame.readerIndex(), b);
            seen.add(b);
            kept.add(frame.retainedSlice()); // what ServerConnection.retainCurrentFrame hands out
        }));
        final List<ByteBuf> reads = new ArrayList<>();
        while (stream.isReadable()) {
            final int n = Math.min(chunk, stream.readableBytes());
            final ByteBuf read = Unpooled.buffer(n + 16).writeBytes(stream, n); // a read of its own, with room after
            reads.add(read);
            ch.writeInbound(read);
        }
        stream.release();
        assertThat(ch.finish()).isFalse();
        assertThat(seen).hasSize(envelopes.size());
        for (int i = 0; i < seen.size(); i++) {
            assertThat(seen.get(i)).isEqualTo(envelopes.get(i));
            final byte[] later = new byte[kept.get(i).readableBytes()];
            kept.get(i).getBytes(0, later);
            assertThat(later).as("kept frame %d after all later reads", i).isEqualTo(envelopes.get(i));
            kept.get(i).release();
        }
        for (final ByteBuf read : reads) {
            assertThat(read.refCnt()).as("every read buffer released").isZero();
        }
    }

    @Property(tries = 200)
    void sinkOversizedPrefixFailsFastEvenAfterWholeFramesOfTheSameRead(@ForAll @IntRange(min = 0, max = 5) final int before,
        @ForAll @IntRange(min = MAX + 1) final int announced) {
        final List<Integer> seen = new ArrayList<>();
        final EmbeddedChannel ch = new EmbeddedChannel(new TcpFrameDecoder(MAX, frame -> seen.add(frame.readableBytes())));
        final ByteBuf read = Unpooled.buffer();
        for (int i = 0; i < before; i++) {
            read.writeIntLE(3).writeBytes(new byte[] {1, 2, 3});
        }
        read.writeIntLE(announced);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ch.writeInbound(read))
            .isInstanceOf(io.netty.handler.codec.TooLongFrameException.class);
        assertThat(seen).hasSize(before).allMatch(n -> n == 3);
        ch.finishAndReleaseAll();
        assertThat(read.refCnt()).isZero();
    }

    @Property(tries = 500)
    void sinkRandomBytesOnlyYieldCappedFramesOrDecoderErrors(@ForAll @Size(max = 2048) final List<Byte> bytes,
        @ForAll @IntRange(min = 1, max = 64) final int chunk) {
        final byte[] data = new byte[bytes.size()];
        for (int i = 0; i < data.length; i++) {
            data[i] = bytes.get(i);
        }
        final List<Integer> seen = new ArrayList<>();
        final EmbeddedChannel ch = new EmbeddedChannel(new TcpFrameDecoder(MAX, frame -> seen.add(frame.readableBytes())));
        final List<ByteBuf> reads = new ArrayList<>();
        try {
            for (int off = 0; off < data.length; off += chunk) {
                final ByteBuf read = Unpooled.copiedBuffer(data, off, Math.min(chunk, data.length - off));
                reads.add(read);
                ch.writeInbound(read);
            }
        } catch (final DecoderException expected) {
            // too long frames are refused with TooLongFrameException
        }
        ch.finishAndReleaseAll();
        assertThat(seen).allMatch(n -> n >= 0 && n <= MAX);
        for (final ByteBuf read : reads) {
            assertThat(read.refCnt()).as("every read buffer released").isZero();
        }
    }
}

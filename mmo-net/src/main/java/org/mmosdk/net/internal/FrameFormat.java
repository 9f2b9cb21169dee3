package org.mmosdk.net.internal;

import java.nio.ByteBuffer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;

/** Wraps one envelope into what a transport's pipeline writes: a length-prefixed buffer or a WebSocket frame. */
public enum FrameFormat {
    /** {@code [u32 LE length][envelope]} in one pooled buffer. */
    TCP {
        @Override
        public Object frame(final ByteBufAllocator alloc, final ByteBuffer envelope) {
            final int n = envelope.remaining();
            final ByteBuf out = alloc.ioBuffer(TcpFrameDecoder.PREFIX_BYTES + n);
            out.writeIntLE(n);
            writeKeepingPosition(out, envelope);
            return out;
        }

        @Override
        public Object frame(final ByteBufAllocator alloc, final ByteBuf envelope) {
            final int n = envelope.readableBytes();
            final ByteBuf out = alloc.ioBuffer(TcpFrameDecoder.PREFIX_BYTES + n);
            out.writeIntLE(n);
            out.writeBytes(envelope, envelope.readerIndex(), n);
            return out;
        }
    },
    /** One binary WebSocket frame holding the envelope. */
    WEBSOCKET {
        @Override
        public Object frame(final ByteBufAllocator alloc, final ByteBuffer envelope) {
            final ByteBuf out = alloc.ioBuffer(envelope.remaining());
            writeKeepingPosition(out, envelope);
            return new BinaryWebSocketFrame(out);
        }

        @Override
        public Object frame(final ByteBufAllocator alloc, final ByteBuf envelope) {
            final int n = envelope.readableBytes();
            final ByteBuf out = alloc.ioBuffer(n);
            out.writeBytes(envelope, envelope.readerIndex(), n);
            return new BinaryWebSocketFrame(out);
        }
    };

    /**
     * Copies the envelope between {@code envelope}'s position and limit into a new frame; the envelope's position is
     * unchanged.
     *
     * @param alloc allocator of the channel
     * @param envelope {@code [type id][payload]}
     * @return the frame to write; the channel releases it
     */
    public abstract Object frame(ByteBufAllocator alloc, ByteBuffer envelope);

    /**
     * Copies the envelope in the readable bytes of {@code envelope} into a new frame; the caller keeps ownership of
     * {@code envelope} and its indices are unchanged.
     *
     * @param alloc allocator of the channel
     * @param envelope {@code [type id][payload]}
     * @return the frame to write; the channel releases it
     */
    public abstract Object frame(ByteBufAllocator alloc, ByteBuf envelope);

    private static void writeKeepingPosition(final ByteBuf out, final ByteBuffer envelope) {
        if (envelope.hasArray()) {
            // from the array: writeBytes(ByteBuffer) would make an NIO view of a pooled buffer (an object per frame)
            out.writeBytes(envelope.array(), envelope.arrayOffset() + envelope.position(), envelope.remaining());
            return;
        }
        final int position = envelope.position();
        out.writeBytes(envelope);
        envelope.position(position);
    }

    /**
     * A TCP frame ({@code [u32 LE length][envelope]}) holding a copy of the envelope, to be shared by many sessions of
     * either transport (see {@code Session}); the envelope's position is unchanged. The buffer comes from Netty's
     * {@link PooledByteBufAllocator}, whose retained duplicates are recycled on I/O threads (those of Netty 4.2's
     * default adaptive allocator are new objects, about 40 bytes per session).
     *
     * @param envelope {@code [type id][payload]}
     * @return a new buffer; the caller releases it
     */
    public static ByteBuf sharedFrame(final ByteBuffer envelope) {
        final int n = envelope.remaining();
        final ByteBuf out = PooledByteBufAllocator.DEFAULT.directBuffer(TcpFrameDecoder.PREFIX_BYTES + n);
        out.writeIntLE(n);
        writeKeepingPosition(out, envelope);
        return out;
    }
}

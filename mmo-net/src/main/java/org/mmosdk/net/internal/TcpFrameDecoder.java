package org.mmosdk.net.internal;

import java.nio.ByteOrder;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;

/**
 * TCP framing: {@code [u32 little-endian length][envelope of that length]}. Little-endian like the envelope and
 * FlatBuffers, so a client reads everything with one byte order; 4 bytes so that the 16 MiB cap fits and a 2 GiB
 * prefix is seen (and refused) as such instead of wrapping around.
 *
 * <p>The length is checked the moment the prefix has arrived ({@code failFast}): a frame above the cap raises
 * {@link io.netty.handler.codec.TooLongFrameException} before anything is allocated for it. Each emitted frame is
 * copied out of the cumulation into a pooled buffer of its own (never a shared slice), with the prefix stripped.
 */
public final class TcpFrameDecoder extends LengthFieldBasedFrameDecoder {
    /** Bytes of the length prefix. */
    public static final int PREFIX_BYTES = 4;

    /**
     * A decoder.
     *
     * @param maxEnvelopeBytes largest envelope (type id + payload) accepted
     */
    public TcpFrameDecoder(final int maxEnvelopeBytes) {
        super(ByteOrder.LITTLE_ENDIAN, maxEnvelopeBytes + PREFIX_BYTES, 0, PREFIX_BYTES, 0, PREFIX_BYTES, true);
    }

    @Override
    protected ByteBuf extractFrame(final ChannelHandlerContext ctx, final ByteBuf buffer, final int index, final int length) {
        final ByteBuf frame = ctx.alloc().buffer(length);
        frame.writeBytes(buffer, index, length);
        return frame;
    }
}

package org.mmosdk.net.internal;

import java.nio.ByteOrder;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;

/**
 * TCP framing: {@code [u32 little-endian length][envelope of that length]}. Little-endian like the envelope and
 * FlatBuffers, so a client reads everything with one byte order; 4 bytes so that the 16 MiB cap fits and a 2 GiB
 * prefix is seen (and refused) as such instead of wrapping around.
 *
 * <p>The length is checked the moment the prefix has arrived ({@code failFast}): a frame above the cap raises
 * {@link io.netty.handler.codec.TooLongFrameException} before anything is allocated for it.
 *
 * <p>Two modes:
 * <ul>
 *   <li>without a {@link FrameSink} (the client): each frame is copied out of the cumulation into a pooled buffer of
 *       its own (never a shared slice), with the prefix stripped, and fired down the pipeline;</li>
 *   <li>with a {@link FrameSink} (the gateway): nothing is allocated or fired; the sink is called on this I/O thread
 *       with the cumulation itself, its reader and writer indices set around the frame for the duration of the call
 *       (and restored afterwards). The sink reads the frame in place and keeps it only by a retained slice (bytes
 *       once handed out are never written over: Netty's cumulator only appends, and discards read bytes only while
 *       the cumulation is not shared) or a copy. A read that starts with a whole frame and nothing left over from
 *       earlier reads is taken in place in the read's own buffer without the inherited per-read machinery, up to
 *       its first incomplete or oversized frame; the rest goes through {@link LengthFieldBasedFrameDecoder} as
 *       before (so an oversized prefix still fails fast).</li>
 * </ul>
 */
public final class TcpFrameDecoder extends LengthFieldBasedFrameDecoder {
    /** Bytes of the length prefix. */
    public static final int PREFIX_BYTES = 4;

    /** Receives frames in place, on the channel's I/O thread. */
    @FunctionalInterface
    public interface FrameSink {
        /**
         * One frame: the readable bytes of {@code frame} are the envelope. Borrowed for the call only: do not
         * release, retain or keep it; its indices are restored afterwards.
         *
         * @param frame the cumulation, indexed around the frame
         */
        void onFrame(ByteBuf frame);

        /**
         * A new socket read reached the decoder: frames handed to {@link #onFrame} from now on (until the next call)
         * arrived in this read or, left over from earlier reads, before it.
         */
        default void onRead() {
        }
    }

    private final FrameSink sink;
    private final int maxEnvelopeBytes;
    /** Set once a frame took the inherited path for a reason other than being incomplete (too long): stay there. */
    private boolean inheritedOnly;

    /**
     * A decoder that fires each frame as a buffer of its own.
     *
     * @param maxEnvelopeBytes largest envelope (type id + payload) accepted
     */
    public TcpFrameDecoder(final int maxEnvelopeBytes) {
        this(maxEnvelopeBytes, null);
    }

    /**
     * A decoder that hands each frame to {@code sink} in place (no copy, no allocation).
     *
     * @param maxEnvelopeBytes largest envelope (type id + payload) accepted
     * @param sink called on the I/O thread for each frame; null to fire copies instead
     */
    public TcpFrameDecoder(final int maxEnvelopeBytes, final FrameSink sink) {
        super(ByteOrder.LITTLE_ENDIAN, maxEnvelopeBytes + PREFIX_BYTES, 0, PREFIX_BYTES, 0, PREFIX_BYTES, true);
        this.sink = sink;
        this.maxEnvelopeBytes = maxEnvelopeBytes;
    }

    /**
     * With a sink, the common case — nothing left over from the previous read and whole frames within the cap in
     * this one — is handled here, in place in the read's own buffer, without the inherited per-read machinery
     * (output list, cumulator, decode loop). Everything else (a partial frame, bytes left over, a frame over the cap,
     * which fails fast as before) goes to {@link LengthFieldBasedFrameDecoder}, from the first byte it cannot take.
     */
    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg) throws Exception {
        if (sink == null) {
            super.channelRead(ctx, msg);
            return;
        }
        sink.onRead();
        if (inheritedOnly || !(msg instanceof ByteBuf in) || internalBuffer().isReadable()) {
            super.channelRead(ctx, msg);
            return;
        }
        try {
            int index = in.readerIndex();
            final int writer = in.writerIndex();
            while (writer - index >= PREFIX_BYTES) {
                final long length = in.getUnsignedIntLE(index);
                if (length > maxEnvelopeBytes) {
                    inheritedOnly = true;
                    break;
                }
                final int end = index + PREFIX_BYTES + (int) length;
                if (end > writer) {
                    break;
                }
                in.setIndex(index + PREFIX_BYTES, end);
                sink.onFrame(in);
                index = end;
                in.setIndex(index, writer);
                if (ctx.isRemoved()) {
                    break;
                }
            }
        } catch (final DecoderException e) {
            in.release();
            throw e;
        } catch (final Exception e) {
            in.release();
            throw new DecoderException(e);
        } catch (final Error e) {
            in.release();
            throw e;
        }
        if (!in.isReadable()) {
            in.release();
        } else if (ctx.isRemoved()) {
            ctx.fireChannelRead(in);
        } else {
            super.channelRead(ctx, in);
        }
    }

    /** Reads the prefix in place: the inherited version calls {@code buf.order(LITTLE_ENDIAN)}, a new object per frame. */
    @Override
    protected long getUnadjustedFrameLength(final ByteBuf buf, final int offset, final int length, final ByteOrder order) {
        return buf.getUnsignedIntLE(offset);
    }

    @Override
    protected ByteBuf extractFrame(final ChannelHandlerContext ctx, final ByteBuf buffer, final int index, final int length) {
        if (sink == null) {
            final ByteBuf frame = ctx.alloc().buffer(length);
            frame.writeBytes(buffer, index, length);
            return frame;
        }
        final int reader = buffer.readerIndex();
        final int writer = buffer.writerIndex();
        buffer.setIndex(index, index + length);
        try {
            sink.onFrame(buffer);
        } finally {
            buffer.setIndex(reader, writer);
        }
        return null; // LengthFieldBasedFrameDecoder moves past the frame and adds nothing to the output
    }
}

package org.mmosdk.core.wire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import com.google.flatbuffers.FlatBufferBuilder;
import io.netty.buffer.ByteBuf;

/**
 * Builds envelopes with one reused {@link FlatBufferBuilder}: after the builder has grown to the largest message
 * seen, encoding allocates nothing. One writer belongs to one thread at a time.
 *
 * <pre>{@code
 * FlatBufferBuilder b = writer.begin(MessageTypes.PING);
 * int root = Ping.createPing(b, seq, clock.nanoTime());
 * writer.finishTo(root, out);   // or: ByteBuffer msg = writer.finish(root);
 * }</pre>
 */
public final class EnvelopeWriter {
    /** Default initial builder capacity. */
    public static final int DEFAULT_INITIAL_BYTES = 1024;

    private final FlatBufferBuilder builder;
    private int typeId = -1;
    private ByteBuffer headroom;

    /** A writer with a 1 KiB builder. */
    public EnvelopeWriter() {
        this(DEFAULT_INITIAL_BYTES);
    }

    /**
     * A writer whose builder starts with {@code initialBytes}.
     *
     * @param initialBytes in [16, 16 MiB]
     */
    public EnvelopeWriter(final int initialBytes) {
        if (initialBytes < 16 || initialBytes > MessageRegistry.MAX_PAYLOAD_BYTES_LIMIT) {
            throw new IllegalArgumentException("initialBytes must be in [16, 16 MiB], was " + initialBytes);
        }
        this.builder = new FlatBufferBuilder(initialBytes);
    }

    /**
     * Starts a message: clears the builder and remembers the type id.
     *
     * @param typeId in [1, 65535]
     * @return the builder to build the payload with
     */
    public FlatBufferBuilder begin(final int typeId) {
        if (typeId < 1 || typeId > MessageTypes.MAX) {
            throw new IllegalArgumentException("type id must be in [1, 65535], was " + typeId);
        }
        this.typeId = typeId;
        builder.clear();
        return builder;
    }

    /**
     * Finishes the message and returns it as {@code [type id][payload]} between the returned buffer's position and
     * limit. The buffer belongs to this writer and is valid until the next {@link #begin(int)}.
     *
     * @param root offset of the payload's root table
     * @return the whole message, little-endian
     */
    public ByteBuffer finish(final int root) {
        final ByteBuffer payload = finishPayload(root);
        final int start = payload.position();
        if (start >= Envelope.HEADER_BYTES) {
            Envelope.putTypeId(payload, start - Envelope.HEADER_BYTES, typeId);
            payload.position(start - Envelope.HEADER_BYTES);
            return payload;
        }
        // rare: the builder filled its buffer exactly; copy into a buffer with room for the header
        final int length = payload.remaining() + Envelope.HEADER_BYTES;
        if (headroom == null || headroom.capacity() < length) {
            headroom = ByteBuffer.allocate(Math.max(length, 2 * builder.dataBuffer().capacity())).order(ByteOrder.LITTLE_ENDIAN);
        }
        headroom.clear();
        Envelope.putTypeId(headroom, 0, typeId);
        headroom.position(Envelope.HEADER_BYTES);
        headroom.put(payload);
        headroom.flip();
        return headroom;
    }

    /**
     * Finishes the message and appends {@code [type id][payload]} to {@code out}.
     *
     * @param root offset of the payload's root table
     * @param out receives the message at its writer index
     * @return bytes written (header included)
     */
    public int finishTo(final int root, final ByteBuf out) {
        final ByteBuffer payload = finishPayload(root);
        final int length = payload.remaining();
        out.writeShortLE(typeId);
        out.writeBytes(payload);
        return length + Envelope.HEADER_BYTES;
    }

    /**
     * The type id given to the last {@link #begin(int)}.
     *
     * @return the type id, or -1
     */
    public int typeId() {
        return typeId;
    }

    /**
     * The builder's current capacity (grows to the largest message built).
     *
     * @return bytes
     */
    public int capacity() {
        return builder.dataBuffer().capacity();
    }

    private ByteBuffer finishPayload(final int root) {
        if (typeId < 0) {
            throw new IllegalStateException("finish without begin");
        }
        builder.finish(root);
        return builder.dataBuffer();
    }
}

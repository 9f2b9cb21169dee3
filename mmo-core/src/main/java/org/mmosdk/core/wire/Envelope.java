package org.mmosdk.core.wire;

import java.nio.ByteBuffer;

import io.netty.buffer.ByteBuf;

/**
 * The envelope layout: {@code [u16 type id, little-endian][FlatBuffers payload]}. Little-endian like FlatBuffers
 * itself, so a client reads the whole message with one byte order.
 */
public final class Envelope {
    /** Bytes before the payload. */
    public static final int HEADER_BYTES = 2;

    private Envelope() {
    }

    /**
     * The type id of the message starting at {@code offset}.
     *
     * @param buffer holds the message
     * @param offset absolute index of the message's first byte
     * @return the type id, in [0, 65535]
     */
    public static int typeId(final ByteBuffer buffer, final int offset) {
        return (buffer.get(offset) & 0xFF) | (buffer.get(offset + 1) & 0xFF) << 8;
    }

    /**
     * The type id of the message starting at {@code index}.
     *
     * @param buffer holds the message
     * @param index index of the message's first byte
     * @return the type id, in [0, 65535]
     */
    public static int typeId(final ByteBuf buffer, final int index) {
        return buffer.getUnsignedShortLE(index);
    }

    /**
     * Writes a type id at {@code offset}.
     *
     * @param buffer the target
     * @param offset absolute index
     * @param typeId in [0, 65535]
     */
    public static void putTypeId(final ByteBuffer buffer, final int offset, final int typeId) {
        buffer.put(offset, (byte) typeId);
        buffer.put(offset + 1, (byte) (typeId >>> 8));
    }
}

package org.mmosdk.core.wire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import io.netty.buffer.ByteBuf;

/**
 * Reads envelopes, verifies their payloads and calls the registered handlers — one per thread, from
 * {@link MessageRegistry#newDispatcher()}. Allocation-free in steady state: payloads are read in place.
 *
 * <p>Every dispatch returns {@link WireError#OK} or a negative {@link WireError} code; nothing about the input
 * makes it throw. On a rejection, {@link #lastError()} describes what was wrong for the log line that goes with
 * closing the session.
 *
 * @param <C> what messages arrive on
 */
public final class MessageDispatcher<C> {
    private static final int ARRAY_CACHE = 4;

    private final MessageRegistry<C> registry;
    private final PayloadVerifier verifier;
    private final byte[][] cachedArrays = new byte[ARRAY_CACHE][];
    private final ByteBuffer[] cachedWraps = new ByteBuffer[ARRAY_CACHE];
    private int nextCacheSlot;
    private ByteBuffer scratch;

    private int lastTypeId;
    private int lastCode;
    private int lastLength;
    private RuntimeException lastHandlerError;

    MessageDispatcher(final MessageRegistry<C> registry, final PayloadVerifier verifier) {
        this.registry = registry;
        this.verifier = verifier;
    }

    /**
     * Dispatches the message in {@code [offset, offset + length)} of {@code buffer} (absolute indices). The buffer's
     * position and limit are changed during the handler call and restored afterwards; its byte order becomes
     * little-endian.
     *
     * @param context passed to the handler
     * @param buffer holds the message
     * @param offset absolute index of the message's first byte (the type id)
     * @param length message length including the 2-byte header
     * @return {@link WireError#OK} or a negative {@link WireError} code
     */
    public int dispatch(final C context, final ByteBuffer buffer, final int offset, final int length) {
        lastHandlerError = null;
        lastLength = length;
        lastTypeId = -1;
        if (length < Envelope.HEADER_BYTES || offset < 0 || offset > buffer.limit() - length) {
            return lastCode = length < Envelope.HEADER_BYTES ? WireError.TRUNCATED : WireError.OUT_OF_BOUNDS;
        }
        final int typeId = Envelope.typeId(buffer, offset);
        lastTypeId = typeId;
        final MessageRegistry.Entry<C> entry = registry.entry(typeId);
        if (entry == null) {
            return lastCode = WireError.UNKNOWN_TYPE;
        }
        final int payloadOffset = offset + Envelope.HEADER_BYTES;
        final int payloadLength = length - Envelope.HEADER_BYTES;
        if (payloadLength > entry.maxPayloadBytes) {
            return lastCode = WireError.TOO_LARGE;
        }
        final int rc = verifier.verify(buffer, payloadOffset, payloadLength, entry.schema);
        if (rc != WireError.OK) {
            return lastCode = rc;
        }
        final int oldPosition = buffer.position();
        final int oldLimit = buffer.limit();
        buffer.limit(payloadOffset + payloadLength).position(payloadOffset);
        try {
            entry.handler.onMessage(context, typeId, buffer);
            lastCode = WireError.OK;
        } catch (final RuntimeException e) {
            lastHandlerError = e;
            lastCode = WireError.HANDLER_FAILED;
        } finally {
            buffer.limit(oldLimit).position(oldPosition);
        }
        return lastCode;
    }

    /**
     * Dispatches the message held in the readable bytes of {@code buffer}; reader and writer indices are not
     * changed, and the caller still owns (and releases) the buffer. A heap buffer is read through a cached wrapper of
     * its array; a direct buffer through its internal NIO view (so no other thread may use the buffer meanwhile);
     * a composite buffer of several components is copied into a reused scratch buffer.
     *
     * @param context passed to the handler
     * @param buffer holds exactly one message
     * @return {@link WireError#OK} or a negative {@link WireError} code
     */
    public int dispatch(final C context, final ByteBuf buffer) {
        final int index = buffer.readerIndex();
        final int length = buffer.readableBytes();
        if (buffer.hasArray()) {
            return dispatch(context, wrap(buffer.array()), buffer.arrayOffset() + index, length);
        }
        if (buffer.nioBufferCount() == 1) {
            final ByteBuffer view = buffer.internalNioBuffer(index, length);
            return dispatch(context, view, view.position(), length);
        }
        if (length > registry.maxPayloadBytes() + Envelope.HEADER_BYTES) {
            lastTypeId = length >= Envelope.HEADER_BYTES ? Envelope.typeId(buffer, index) : -1;
            lastLength = length;
            lastHandlerError = null;
            return lastCode = WireError.TOO_LARGE;
        }
        final ByteBuffer copy = scratch(length);
        buffer.getBytes(index, copy.array(), 0, length);
        return dispatch(context, copy, 0, length);
    }

    private ByteBuffer wrap(final byte[] array) {
        for (int i = 0; i < ARRAY_CACHE; i++) {
            if (cachedArrays[i] == array) {
                return cachedWraps[i];
            }
        }
        final int slot = nextCacheSlot;
        nextCacheSlot = (slot + 1) % ARRAY_CACHE;
        cachedArrays[slot] = array;
        cachedWraps[slot] = ByteBuffer.wrap(array).order(ByteOrder.LITTLE_ENDIAN);
        return cachedWraps[slot];
    }

    private ByteBuffer scratch(final int length) {
        if (scratch == null || scratch.capacity() < length) {
            scratch = ByteBuffer.allocate(Math.max(length, 1024)).order(ByteOrder.LITTLE_ENDIAN);
        }
        scratch.clear();
        return scratch;
    }

    /**
     * The type id of the last message, or -1 if it was too short to have one.
     *
     * @return the type id
     */
    public int lastTypeId() {
        return lastTypeId;
    }

    /**
     * The result of the last dispatch.
     *
     * @return a {@link WireError} code
     */
    public int lastCode() {
        return lastCode;
    }

    /**
     * The exception the handler threw in the last dispatch, or null.
     *
     * @return the exception
     */
    public RuntimeException lastHandlerError() {
        return lastHandlerError;
    }

    /**
     * Describes the last rejection for a log line, e.g.
     * {@code "type 4096 (48 bytes): BAD_UNION_TAG at byte 30 in game.Cast.effect"}. Allocates; cold path only.
     *
     * @return the description, or {@code "OK"}
     */
    public String lastError() {
        if (lastCode == WireError.OK) {
            return "OK";
        }
        final String what = "type " + lastTypeId + " (" + lastLength + " bytes): ";
        return switch (lastCode) {
            case WireError.UNKNOWN_TYPE -> what + "UNKNOWN_TYPE";
            case WireError.TRUNCATED -> lastTypeId < 0 ? "TRUNCATED: " + lastLength + " bytes, shorter than the header"
                : what + verifier.lastError();
            case WireError.TOO_LARGE -> {
                final MessageRegistry.Entry<C> e = registry.entry(lastTypeId);
                yield what + "TOO_LARGE, cap " + (e != null ? e.maxPayloadBytes : registry.maxPayloadBytes()) + " bytes";
            }
            case WireError.HANDLER_FAILED -> what + "HANDLER_FAILED: " + lastHandlerError;
            case WireError.OUT_OF_BOUNDS -> lastTypeId < 0 ? "OUT_OF_BOUNDS: message outside the buffer" : what + verifier.lastError();
            default -> what + verifier.lastError();
        };
    }
}

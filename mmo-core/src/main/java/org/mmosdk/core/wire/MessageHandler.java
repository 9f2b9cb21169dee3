package org.mmosdk.core.wire;

import java.nio.ByteBuffer;

/**
 * Handles one kind of message after its payload was verified.
 *
 * @param <C> what the message arrived on (a session, a peer, a test fixture)
 */
@FunctionalInterface
public interface MessageHandler<C> {
    /**
     * Handles a verified message. {@code payload.position()} is the payload's first byte (the FlatBuffers root
     * offset), so {@code Ping.getRootAsPing(payload, reusedPing)} reads it in place. The buffer is only valid during
     * this call: copy what you keep. An exception is caught by the dispatcher and reported as
     * {@link WireError#HANDLER_FAILED}.
     *
     * @param context what the message arrived on
     * @param typeId the message's type id
     * @param payload the payload, positioned at its root; little-endian
     */
    void onMessage(C context, int typeId, ByteBuffer payload);
}

package org.mmosdk.net.client;

import io.netty.buffer.ByteBuf;
import org.mmosdk.net.CloseReason;

/** Receives what the server sends to a {@link GameClient}; called on the client's I/O thread. */
public interface ClientListener {
    /**
     * An application message (type ids outside mmo-core's and mmo-net's ranges).
     *
     * @param client the receiving client
     * @param typeId the message's type id
     * @param envelope the whole envelope in its readable bytes, valid during this call ({@code retain()} to keep)
     */
    default void onMessage(final GameClient client, final int typeId, final ByteBuf envelope) {
    }

    /**
     * A connection closed (once per connection: a resumed client may see it again for the next one), with the reason
     * the server gave or {@code CONNECTION_LOST}.
     *
     * @param client the client
     * @param reason why
     */
    default void onClose(final GameClient client, final CloseReason reason) {
    }
}

package org.mmosdk.net;

import org.mmosdk.core.wire.MessageTypes;
import org.mmosdk.core.wire.WireSchema;
import org.mmosdk.net.wire.fb.Hello;

/**
 * mmo-net's message type ids (range 0x0100–0x01FF of {@link MessageTypes}) and its wire schema
 * ({@code src/main/fbs/net.fbs}). Heartbeats and Close are mmo-core's {@link MessageTypes#PING},
 * {@link MessageTypes#PONG} and {@link MessageTypes#CLOSE}.
 */
public final class NetMessageTypes {
    /** {@code org.mmosdk.net.wire.fb.Hello}: the client's first message. */
    public static final int HELLO = MessageTypes.NET_FIRST;
    /** {@code org.mmosdk.net.wire.fb.Welcome}: the handshake succeeded. */
    public static final int WELCOME = MessageTypes.NET_FIRST + 1;
    /** {@code org.mmosdk.net.wire.fb.Reject}: the handshake failed; the connection closes. */
    public static final int REJECT = MessageTypes.NET_FIRST + 2;
    /** {@code org.mmosdk.net.wire.fb.Seq}: the next application message is reliable message number {@code seq}. */
    public static final int SEQ = MessageTypes.NET_FIRST + 3;
    /** {@code org.mmosdk.net.wire.fb.Ack}: the client received every reliable message up to {@code seq}. */
    public static final int ACK = MessageTypes.NET_FIRST + 4;
    /** Protocol version this library speaks, sent in Hello. */
    public static final int PROTOCOL_VERSION = 1;

    private NetMessageTypes() {
    }

    /**
     * mmo-net's wire schema, loaded once.
     *
     * @return the schema of Hello, Welcome, Reject, Seq and Ack
     */
    public static WireSchema schema() {
        return Holder.SCHEMA;
    }

    private static final class Holder {
        static final WireSchema SCHEMA = WireSchema.fromResource(Hello.class, "net.bfbs");
    }
}

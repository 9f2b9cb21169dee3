package org.mmosdk.net;

/** How a session is connected. */
public enum Transport {
    /** TCP, each frame a u32 little-endian length prefix followed by one envelope. */
    TCP,
    /** WebSocket, each binary frame one envelope. */
    WEBSOCKET
}

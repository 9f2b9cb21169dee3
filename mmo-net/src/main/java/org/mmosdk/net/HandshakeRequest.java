package org.mmosdk.net;

import java.net.SocketAddress;

/**
 * What a client sent in its Hello, handed to the {@link Authenticator}. The arrays are copies the authenticator
 * may keep.
 *
 * @param remoteAddress the client's address
 * @param transport how it connected
 * @param protocolVersion the version it speaks (already checked against {@link NetMessageTypes#PROTOCOL_VERSION})
 * @param credentials opaque credentials, e.g. an {@link HmacTokenAuthenticator} token; empty if none
 * @param clientName free text the client chose for logs; empty if none
 */
public record HandshakeRequest(
    SocketAddress remoteAddress, Transport transport, int protocolVersion, byte[] credentials, String clientName) {
}

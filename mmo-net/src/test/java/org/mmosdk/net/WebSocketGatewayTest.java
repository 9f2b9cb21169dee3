package org.mmosdk.net;

import java.net.InetSocketAddress;
import java.net.URI;

import org.mmosdk.net.client.GameClient;

/** The gateway contract over WebSocket. */
class WebSocketGatewayTest extends AbstractGatewayContractTest {
    @Override
    Gateway.Builder transport(final Gateway.Builder builder) {
        return builder.tcpPort(-1).webSocketPort(0).webSocketPath("/game");
    }

    @Override
    GameClient.Builder target(final GameClient.Builder builder, final Gateway gateway) {
        final InetSocketAddress a = gateway.webSocketAddress();
        return builder.webSocket(URI.create("ws://127.0.0.1:" + a.getPort() + "/game"));
    }

    @Override
    InetSocketAddress rawAddress(final Gateway gateway) {
        return gateway.webSocketAddress();
    }
}

package org.mmosdk.net;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import org.mmosdk.net.client.GameClient;

/** The gateway contract over WebSocket with TLS (wss), with a self-signed test certificate for 127.0.0.1. */
class SecureWebSocketGatewayTest extends AbstractGatewayContractTest {
    private static final SslContext SERVER;
    private static final SslContext CLIENT;

    static {
        try (InputStream cert = resource("cert.pem"); InputStream key = resource("key.pem");
             InputStream trust = resource("cert.pem")) {
            SERVER = SslContextBuilder.forServer(cert, key).build();
            CLIENT = SslContextBuilder.forClient().trustManager(trust).build();
        } catch (final Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static InputStream resource(final String name) {
        return SecureWebSocketGatewayTest.class.getResourceAsStream("/tls/" + name);
    }

    @Override
    Gateway.Builder transport(final Gateway.Builder builder) {
        return builder.tcpPort(-1).webSocketPort(0).webSocketTls(SERVER);
    }

    @Override
    GameClient.Builder target(final GameClient.Builder builder, final Gateway gateway) {
        return builder.webSocket(URI.create("wss://127.0.0.1:" + gateway.webSocketAddress().getPort() + "/ws")).tls(CLIENT);
    }

    @Override
    InetSocketAddress rawAddress(final Gateway gateway) {
        return gateway.webSocketAddress();
    }
}

package org.mmosdk.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;

import io.netty.channel.epoll.Epoll;
import org.junit.jupiter.api.Test;

import org.mmosdk.net.client.GameClient;

/** The gateway contract over TCP. */
class TcpGatewayTest extends AbstractGatewayContractTest {
    @Override
    Gateway.Builder transport(final Gateway.Builder builder) {
        return builder.tcpPort(0).webSocketPort(-1);
    }

    @Override
    GameClient.Builder target(final GameClient.Builder builder, final Gateway gateway) {
        return builder.tcp(gateway.tcpAddress());
    }

    @Test
    void usesEpollWhenAvailableAndNioOtherwise() throws Exception {
        assertThat(start().usesEpoll()).isEqualTo(Epoll.isAvailable());
        final Gateway nio = start(Gateway.builder().preferEpoll(false));
        assertThat(nio.usesEpoll()).isFalse();
        assertThat(connect(nio, "nio-user").sessionId()).isNotZero();
    }

    @Override
    InetSocketAddress rawAddress(final Gateway gateway) {
        return gateway.tcpAddress();
    }
}

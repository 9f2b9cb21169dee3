package org.mmosdk.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.mmosdk.net.internal.Transports;

/** Builder validation: each mistake is refused with a message that names the setting, the range and the value. */
class GatewayBuilderTest {
    @Test
    void messagesNameTheNumbers() {
        assertThatThrownBy(() -> Gateway.builder().maxFrameBytes(12))
            .hasMessage("maxFrameBytes must be in [64, 16777216], was 12");
        assertThatThrownBy(() -> Gateway.builder().tcpPort(70000))
            .hasMessage("tcpPort must be in [-1, 65535] (0 = any free port, -1 = off), was 70000");
        assertThatThrownBy(() -> Gateway.builder().maxConnections(10, 20))
            .hasMessage("maxConnectionsPerIp must be in [1, maxConnections=10], was 20");
        assertThatThrownBy(() -> Gateway.builder().rateLimit(0, 10, RateLimitPolicy.DROP))
            .hasMessage("rateLimit perSecond must be in [1, 1000000000], was 0");
        assertThatThrownBy(() -> Gateway.builder().heartbeat(Duration.ofSeconds(2), Duration.ofSeconds(1)))
            .hasMessage("idleTimeout (1000 ms) must be greater than pingInterval (2000 ms)");
        assertThatThrownBy(() -> Gateway.builder().helloTimeout(Duration.ofMillis(1)))
            .hasMessage("helloTimeout must be in [10 ms, 300000 ms], was 1 ms");
        assertThatThrownBy(() -> Gateway.builder().webSocketPath("ws"))
            .hasMessage("webSocketPath must start with '/', was ws");
        assertThatThrownBy(() -> Gateway.builder().threads(0, 1))
            .hasMessage("boss threads must be in [1, 16], was 0");
    }

    @Test
    void buildNeedsAnAuthenticatorAndATransport() {
        assertThatThrownBy(() -> Gateway.builder().build())
            .hasMessageContaining("authenticator must be set");
        assertThatThrownBy(() -> Gateway.builder().authenticator(Authenticator.allowAll()).tcpPort(-1).build())
            .hasMessageContaining("both transports are off");
    }

    @Test
    void reusePortNeedsEpoll() {
        assertThatThrownBy(() -> Gateway.builder().authenticator(Authenticator.allowAll()).preferEpoll(false).reusePort(true).build())
            .hasMessageContaining("reusePort needs the epoll transport");
    }

    @Test
    void twoGatewaysShareAPortWithReusePort() {
        assumeTrue(Transports.epollAvailable());
        try (Gateway a = Gateway.builder().authenticator(Authenticator.allowAll()).reusePort(true).threads(1, 1).build().start();
             Gateway b = Gateway.builder().authenticator(Authenticator.allowAll()).reusePort(true).threads(1, 1)
                 .tcpPort(a.tcpAddress().getPort()).build().start()) {
            assertThat(b.tcpAddress().getPort()).isEqualTo(a.tcpAddress().getPort());
        }
    }
}

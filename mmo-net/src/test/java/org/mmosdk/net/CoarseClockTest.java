package org.mmosdk.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mmosdk.core.time.VirtualClock;
import org.mmosdk.core.wire.EnvelopeWriter;
import org.mmosdk.net.internal.Control;
import org.mmosdk.net.internal.TcpFrameDecoder;

/**
 * The coarse frame clock (used with the system clock) lags: it must publish the time at each tick and stop when the
 * gateway is idle; the rate limiter must not refuse a frame because of the lag, and the idle timer must not close a
 * connection that sent a frame since its previous check. Driven by a virtual clock and frozen event loops, so
 * nothing here depends on the machine's speed.
 */
class CoarseClockTest {
    private static final Duration IDLE = Duration.ofSeconds(2);

    private final VirtualClock clock = new VirtualClock();
    /** Runs the coarse clock's task when told to (its own frozen event loop). */
    private final EmbeddedChannel ticker = new EmbeddedChannel();
    private Gateway gateway;
    private ServerConnection connection;
    private EmbeddedChannel ch;

    @AfterEach
    void close() {
        if (ch != null) {
            ch.finishAndReleaseAll();
        }
        ticker.finishAndReleaseAll();
        if (gateway != null) {
            gateway.shutdown(Duration.ZERO);
        }
    }

    @Test
    void publishesTheTimeAtEachTickAndStopsWhenIdle() {
        ticker.freezeTime();
        final AtomicBoolean idle = new AtomicBoolean();
        final CoarseClock coarse = new CoarseClock(clock, ticker.eventLoop(), idle::get);
        final long t0 = clock.nanoTime();
        coarse.ensureRunning();
        clock.advance(5, TimeUnit.MILLISECONDS);
        assertThat(coarse.nanoTime()).as("lags until the next tick").isEqualTo(t0);
        tick();
        assertThat(coarse.nanoTime()).isEqualTo(clock.nanoTime());

        idle.set(true);
        tick(); // sees the gateway idle: stops
        final long stoppedAt = clock.nanoTime();
        clock.advance(5, TimeUnit.MILLISECONDS);
        tick();
        assertThat(coarse.nanoTime()).as("stopped while idle").isEqualTo(stoppedAt);

        idle.set(false);
        coarse.ensureRunning();
        assertThat(coarse.nanoTime()).as("a restart publishes the time at once").isEqualTo(clock.nanoTime());
        clock.advance(5, TimeUnit.MILLISECONDS);
        tick();
        assertThat(coarse.nanoTime()).as("ticking again").isEqualTo(clock.nanoTime());

        coarse.stop();
        tick();
        final long finalTime = coarse.nanoTime();
        clock.advance(5, TimeUnit.MILLISECONDS);
        coarse.ensureRunning();
        tick();
        assertThat(coarse.nanoTime()).as("no restart after stop").isEqualTo(finalTime);
    }

    @Test
    void aLaggingTimeDoesNotRefuseAFrameTheExactTimeAdmits() {
        open(Gateway.builder().rateLimit(3, 3, RateLimitPolicy.CLOSE)); // the Hello took one token
        clock.advance(1, TimeUnit.SECONDS); // the coarse time (never ticked) stays a second behind
        assertThat(read(3)).as("the third frame finds the bucket empty at the coarse time, not at the exact one")
            .isEqualTo(3);
        assertThat(ch.isActive()).isTrue();
        assertThat(read(3)).as("no time passed: the two tokens left, then the limit").isEqualTo(2);
        assertThat(connection.session().closeReason().code()).isEqualTo(CloseCodes.RATE_LIMITED);
    }

    @Test
    void theIdleTimerKeepsAConnectionThatSentAFrameSinceItsLastCheck() {
        open(Gateway.builder().heartbeat(Duration.ofSeconds(1), IDLE));
        passIdleTimeout(); // the Hello's time lags by the whole timeout now
        assertThat(read(1)).isEqualTo(1);
        passIdleTimeout(); // the frame's coarse time is a timeout old, but it came after the previous check
        assertThat(ch.isActive()).as("not idle: a frame came since the last check").isTrue();
        passIdleTimeout();
        passIdleTimeout();
        assertThat(connection.session().closeReason()).isNotNull();
        assertThat(connection.session().closeReason().code()).isEqualTo(CloseCodes.IDLE_TIMEOUT);
    }

    private void open(final Gateway.Builder builder) {
        builder.coarseClockExecutor = ticker.eventLoop();
        gateway = builder.authenticator(Authenticator.allowAll()).messages(NetTestSupport.echoRegistry()).clock(clock)
            .threads(1, 1).build();
        connection = new ServerConnection(gateway, Transport.TCP);
        ch = new EmbeddedChannel(new TcpFrameDecoder(1024, connection), connection);
        ticker.freezeTime();
        ch.freezeTime(); // right after channelActive armed the timers, so they fall due as the test advances it
        final ByteBuffer hello = Control.hello(new EnvelopeWriter(), NetMessageTypes.PROTOCOL_VERSION, new byte[0], null, "t");
        ch.writeInbound(Unpooled.buffer().writeIntLE(hello.remaining()).writeBytes(hello));
        drain();
        assertThat(ch.isActive()).isTrue();
    }

    /** The idle timeout passes on the gateway's clock and on the connection's event loop; the coarse clock stays. */
    private void passIdleTimeout() {
        clock.advance(IDLE.toNanos(), TimeUnit.NANOSECONDS);
        ch.advanceTimeBy(IDLE.toNanos(), TimeUnit.NANOSECONDS);
        ch.runScheduledPendingTasks();
        drain();
    }

    private void tick() {
        ticker.advanceTimeBy(CoarseClock.TICK_NANOS, TimeUnit.NANOSECONDS);
        ticker.runScheduledPendingTasks();
    }

    private int read(final int frames) {
        return NetTestSupport.readEchoes(ch, frames);
    }

    private int drain() {
        return NetTestSupport.drainEchoes(ch);
    }
}

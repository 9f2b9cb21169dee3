package org.mmosdk.examples.arena;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The {@code bots} example's swarm over WebSocket against an arena, with connections cut on purpose: bots resume
 * their sessions, their casts are answered exactly once per cast id, and snapshots keep arriving.
 */
class BotSwarmTest {
    @Test
    @Timeout(value = 40, unit = TimeUnit.SECONDS)
    void botsResumeAfterDropsAndCastsAreAnswered() throws Exception {
        final ArenaMain.Running arena = ArenaMain.start(new ArenaOptions(0, 0, "127.0.0.1", 0, 0, 0, 300, 5, 0));
        final BotSwarm swarm;
        try {
            final URI ws = URI.create("ws://127.0.0.1:" + arena.arena.webSocketAddress().getPort() + "/game");
            swarm = new BotSwarm(null, ws, 20, 4, 120, null, 1).start();   // 2 duels; about two drops a second
            try {
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(25);
                while (System.nanoTime() < deadline
                    && swarm.onDriver(() -> swarm.resumes < 3 || swarm.castResults < 40 || swarm.duelFrames < 100)) {
                    Thread.sleep(200);
                }
                System.out.println(swarm.onDriver(swarm::summary));
                assertThat(swarm.onDriver(() -> swarm.resumes)).as("sessions resumed").isGreaterThanOrEqualTo(3);
                assertThat(swarm.onDriver(() -> swarm.castResults)).as("casts answered").isGreaterThanOrEqualTo(40);
                assertThat(swarm.onDriver(() -> swarm.snapshots)).as("snapshots applied").isPositive();
                // the duels: both players and the room simulate every frame; their state hashes must agree
                assertThat(swarm.onDriver(() -> swarm.duelFrames)).as("duel frames applied by bots").isGreaterThanOrEqualTo(100);
                assertThat(swarm.onDriver(() -> swarm.duelKeyframeMismatches)).as("bots' keyframe hash mismatches").isZero();
                assertThat(arena.arena.stats.counter("arena.duel.desyncs", "").get()).as("desyncs the rooms detected").isZero();
                // a resume can still be refused (e.g. a drop right after the handshake): the bot then starts afresh
                assertThat(swarm.onDriver(() -> swarm.freshReconnects)).as("sessions lost")
                    .isLessThanOrEqualTo(swarm.onDriver(() -> swarm.resumes));
                assertThat(arena.arena.stats.counter("arena.casts", "").get()).as("casts applied on the server")
                    .isLessThanOrEqualTo(swarm.onDriver(() -> swarm.castsSent));
            } finally {
                swarm.close();
            }
        } finally {
            arena.close();
        }
    }
}

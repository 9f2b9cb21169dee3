package org.mmosdk.sync.lockstep;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.mmosdk.core.wire.Envelope;
import org.mmosdk.core.wire.WireError;
import org.mmosdk.sync.sim.LinkConditions;

/**
 * Hostile bytes into every lockstep decoder: inputs, key operations, hash reports and probe replies on the room;
 * frames, keyframes, acks and probes on the client. A handler never throws: a message is applied, ignored, or
 * rejected with the peer closed.
 */
class LockstepDecoderFuzzTest {
    private static final int CASES = 20_000;
    private static final LinkConditions NET = LinkConditions.lan().withDelay(10_000_000L, 2_000_000L);

    /** Runs a room whose desyncing client triggers probes, capturing every message each way. */
    private static LockstepSim capture(final List<byte[]> toServer, final List<byte[]> toClient) {
        final LockstepSim sim = new LockstepSim(41, 2, b -> b.fullKeyframes(false));
        sim.join(NET);
        sim.join(NET, LockstepSim.step(20), c -> { });
        for (final LockstepSim.Node n : sim.nodes) {
            n.atServer.onReceive((peer, msg) -> {
                toServer.add(copy(msg));
                sim.serverDispatch.dispatch(peer, msg, msg.position(), msg.remaining());
            });
            n.atClient.onReceive((peer, msg) -> {
                toClient.add(copy(msg));
                n.dispatch.dispatch(peer, msg, msg.position(), msg.remaining());
            });
            n.client.keyOp(new byte[] {1, 2, 3});
        }
        sim.runFrames(80);
        sim.settle();
        return sim;
    }

    private static byte[] copy(final ByteBuffer msg) {
        final byte[] b = new byte[msg.remaining()];
        msg.duplicate().get(b);
        return b;
    }

    private static void mutate(final byte[] b, final SplittableRandom rng) {
        final int flips = 1 + rng.nextInt(4);
        for (int i = 0; i < flips; i++) {
            final int at = Envelope.HEADER_BYTES + rng.nextInt(b.length - Envelope.HEADER_BYTES);
            if (rng.nextBoolean()) {
                b[at] ^= (byte) (1 << rng.nextInt(8));
            } else {
                b[at] = (byte) rng.nextInt(256);
            }
        }
    }

    @Test
    void mutatedMessagesNeverBreakRoomOrClient() {
        final List<byte[]> toServer = new ArrayList<>();
        final List<byte[]> toClient = new ArrayList<>();
        capture(toServer, toClient);
        assertThat(toServer).hasSizeGreaterThan(50);
        assertThat(toClient).hasSizeGreaterThan(50);
        final java.util.Set<Integer> types = new java.util.HashSet<>();
        for (final byte[] m : toServer) {
            types.add(Envelope.typeId(ByteBuffer.wrap(m).order(ByteOrder.LITTLE_ENDIAN), 0));
        }
        for (final byte[] m : toClient) {
            types.add(Envelope.typeId(ByteBuffer.wrap(m).order(ByteOrder.LITTLE_ENDIAN), 0));
        }
        assertThat(types).as("every lockstep message type was captured").hasSize(8);

        final SplittableRandom rng = new SplittableRandom(41);
        int handlerFailures = 0;
        int rejectedByVerifier = 0;
        int reachedHandler = 0;
        LockstepSim target = null;
        for (int i = 0; i < CASES; i++) {
            if (i % 2000 == 0) {
                target = capture(new ArrayList<>(), new ArrayList<>());
            }
            final boolean server = rng.nextBoolean();
            final List<byte[]> pool = server ? toServer : toClient;
            final byte[] m = pool.get(rng.nextInt(pool.size())).clone();
            mutate(m, rng);
            final LockstepSim.Node node = target.nodes.get(rng.nextInt(target.nodes.size()));
            final ByteBuffer buf = ByteBuffer.wrap(m).order(ByteOrder.LITTLE_ENDIAN);
            final int rc = server ? target.serverDispatch.dispatch(node.atServer, buf, 0, m.length)
                : node.dispatch.dispatch(node.atClient, buf, 0, m.length);
            if (rc == WireError.HANDLER_FAILED) {
                handlerFailures++;
                System.err.println((server ? target.serverDispatch : node.dispatch).lastError());
            } else if (rc != WireError.OK) {
                rejectedByVerifier++;
            } else {
                reachedHandler++;
            }
            if (i % 50 == 0) {
                target.tick();
            }
        }
        assertThat(handlerFailures).isZero();
        assertThat(rejectedByVerifier).isPositive();
        assertThat(reachedHandler).as("mutations that pass the verifier reach the handlers").isGreaterThan(CASES / 10);
    }
}

package org.mmosdk.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import com.google.flatbuffers.FlatBufferBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mmosdk.core.peer.Peer;
import org.mmosdk.core.wire.EnvelopeWriter;
import org.mmosdk.core.wire.MessageDispatcher;
import org.mmosdk.core.wire.MessageRegistry;
import org.mmosdk.core.wire.WireError;
import org.mmosdk.ecs.World;
import org.mmosdk.sync.sim.LinkConditions;
import org.mmosdk.sync.sim.SimNetwork;
import org.mmosdk.sync.sim.SimPeer;
import org.mmosdk.sync.wire.fb.InputBatch;
import org.mmosdk.sync.wire.fb.SnapshotAck;

/**
 * Hostile bytes into every decoder: snapshots on the client, acks and inputs on the server. Nothing may throw; a
 * message is either applied, ignored, or rejected with the peer closed — never half-applied.
 */
class DecoderFuzzTest {
    private static final int CASES = 20_000;

    /** Real snapshots captured from a simulation run. */
    private static List<byte[]> capturedSnapshots() {
        return capturedSnapshots(SyncSim.RULES);
    }

    private static List<byte[]> capturedSnapshots(final ReplicationRules rules) {
        final SyncSim sim = new SyncSim(11, 1, 120, LinkConditions.lan(), 2000, 1, true, Integer.MAX_VALUE, rules);
        sim.npcsWalkStraight = rules.deadReckoning;
        final List<byte[]> out = new ArrayList<>();
        final SimPeer at = sim.clients.get(0).atClient;
        final MessageDispatcher<Peer> d = sim.clients.get(0).dispatch;
        at.onReceive((peer, msg) -> {
            final byte[] b = new byte[msg.remaining()];
            msg.duplicate().get(b);
            out.add(b);
            d.dispatch(peer, msg, msg.position(), msg.remaining());
        });
        sim.churn = true;
        sim.run(60);
        return out;
    }

    private static void mutate(final byte[] b, final SplittableRandom rng) {
        final int flips = 1 + rng.nextInt(4);
        for (int i = 0; i < flips; i++) {
            final int at = 2 + rng.nextInt(b.length - 2);
            if (rng.nextBoolean()) {
                b[at] ^= (byte) (1 << rng.nextInt(8));
            } else {
                b[at] = (byte) rng.nextInt(256);
            }
        }
    }

    @Test
    void mutatedSnapshotsAreAppliedOrRejectedWhole() {
        final List<byte[]> corpus = capturedSnapshots();
        assertThat(corpus).hasSizeGreaterThan(50);
        final SplittableRandom rng = new SplittableRandom(99);
        int ok = 0;
        int rejectedByVerifier = 0;
        int rejectedByDecoder = 0;
        for (int i = 0; i < CASES; i++) {
            final World mirror = World.builder().components(SyncMessageTypesHolder.TYPES).build();
            final SimPeer[] link = new SimNetwork(i, new org.mmosdk.core.time.VirtualClock()).connect(1, 2, LinkConditions.lan());
            final SyncClient client = SyncClient.builder(mirror, SyncSim.RULES, link[1]).build();
            final MessageDispatcher<Peer> d = client.registerHandlers(MessageRegistry.<Peer>builder()).build().newDispatcher();
            final byte[] b = corpus.get(rng.nextInt(corpus.size())).clone();
            final boolean truncate = rng.nextInt(8) == 0;
            if (!truncate) {
                mutate(b, rng);
            }
            final int len = truncate ? rng.nextInt(b.length) : b.length;
            final ByteBuffer buf = ByteBuffer.wrap(b, 0, len).order(ByteOrder.LITTLE_ENDIAN);
            final int entitiesBefore = mirror.entityCount();
            final int rc = d.dispatch(link[1], buf, 0, len);
            assertThat(rc).as(d.lastError()).isNotEqualTo(WireError.HANDLER_FAILED);
            if (rc != WireError.OK) {
                rejectedByVerifier++;
            } else if (client.snapshotsRejected() > 0) {
                rejectedByDecoder++;
                assertThat(link[1].isOpen()).isFalse();
                assertThat(mirror.entityCount()).isEqualTo(entitiesBefore);
            } else {
                ok++;
            }
        }
        System.out.printf("snapshot fuzz: %d applied, %d rejected by the verifier, %d by the decoder%n",
            ok, rejectedByVerifier, rejectedByDecoder);
        assertThat(rejectedByVerifier + rejectedByDecoder).isPositive();
    }

    /**
     * The slot-record paths (slots bound by earlier id records, value deltas against remembered bases, the common
     * base): a fresh client replays a real prefix of the run, so its slot table and history are the real ones, then
     * gets the next snapshot mutated (or its base field changed). It is applied or rejected whole; a rejected one
     * leaves the mirror as it was, and the unmutated snapshots all apply. With dead reckoning too (the client then
     * extrapolates the entities a snapshot has no record of from that history).
     */
    @ParameterizedTest(name = "dead reckoning {0}")
    @ValueSource(booleans = {false, true})
    void mutatedSlotRecordsAgainstARealHistoryAreAppliedOrRejectedWhole(final boolean deadReckoning) {
        final ReplicationRules rules = deadReckoning ? SyncSim.DR_RULES : SyncSim.RULES;
        final List<byte[]> corpus = capturedSnapshots(rules);
        final SplittableRandom rng = new SplittableRandom(123);
        int ok = 0;
        int rejected = 0;
        long deltas = 0;
        long reckoned = 0;
        for (int i = 0; i < 1500; i++) {
            final World mirror = World.builder().components(SyncMessageTypesHolder.TYPES).build();
            final SimPeer[] link = new SimNetwork(i, new org.mmosdk.core.time.VirtualClock()).connect(1, 2, LinkConditions.lan());
            final SyncClient client = SyncClient.builder(mirror, rules, link[1]).build();
            final MessageDispatcher<Peer> d = client.registerHandlers(MessageRegistry.<Peer>builder()).build().newDispatcher();
            final int upTo = 1 + rng.nextInt(corpus.size() - 1);
            for (int j = 0; j < upTo; j++) {
                final byte[] real = corpus.get(j);
                assertThat(d.dispatch(link[1], ByteBuffer.wrap(real).order(ByteOrder.LITTLE_ENDIAN), 0, real.length))
                    .isEqualTo(WireError.OK);
            }
            assertThat(client.snapshotsRejected()).isZero();
            deltas += client.deltaRecordsApplied();
            reckoned += client.reckonedPositions();
            final byte[] b = corpus.get(upTo).clone();
            mutate(b, rng);
            final long hashBefore = mirror.stateHash();
            final int entitiesBefore = mirror.entityCount();
            final int rc = d.dispatch(link[1], ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN), 0, b.length);
            assertThat(rc).as(d.lastError()).isNotEqualTo(WireError.HANDLER_FAILED);
            if (client.snapshotsRejected() > 0) {
                rejected++;
                assertThat(link[1].isOpen()).isFalse();
                assertThat(mirror.entityCount()).isEqualTo(entitiesBefore);
                assertThat(mirror.stateHash()).isEqualTo(hashBefore);
            } else if (rc == WireError.OK) {
                ok++;
            }
        }
        System.out.printf("slot-record fuzz (dead reckoning %s): %d applied, %d rejected by the decoder; %d delta records "
            + "in the prefixes, %d positions extrapolated%n", deadReckoning, ok, rejected, deltas, reckoned);
        if (deadReckoning) {
            assertThat(reckoned).isPositive();
        }
        assertThat(deltas).isPositive();
        assertThat(rejected).isPositive();
        assertThat(ok).isPositive();
    }

    @Test
    void randomAcksAndInputsNeverBreakTheServer() {
        final SyncSim sim = new SyncSim(12, 2, 100, LinkConditions.lan(), 2000);
        sim.run(20);
        final SplittableRandom rng = new SplittableRandom(5);
        final EnvelopeWriter w = new EnvelopeWriter();
        final SyncSim.Client victim = sim.clients.get(1);
        int closed = 0;
        for (int i = 0; i < CASES; i++) {
            final ByteBuffer msg;
            if (rng.nextBoolean()) {
                final FlatBufferBuilder b = w.begin(SyncMessageTypes.SNAPSHOT_ACK);
                msg = w.finish(SnapshotAck.createSnapshotAck(b, rng.nextLong(0, 1L << 32)));
            } else {
                final FlatBufferBuilder b = w.begin(SyncMessageTypes.INPUT_BATCH);
                final byte[] in = new byte[rng.nextInt(0, 12)];
                for (int k = 0; k < in.length; k++) {
                    in[k] = (byte) rng.nextInt(256);
                }
                final int vec = InputBatch.createInputsVector(b, in);
                msg = w.finish(InputBatch.createInputBatch(b, rng.nextLong(0, 1L << 32), rng.nextInt(0, 256), rng.nextInt(0, 256), vec));
            }
            final byte[] bytes = new byte[msg.remaining()];
            msg.get(bytes);
            if (rng.nextInt(3) == 0) {
                mutate(bytes, rng);
            }
            final int rc = sim.serverDispatch.dispatch(victim.atServer, ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN), 0, bytes.length);
            assertThat(rc).as(sim.serverDispatch.lastError()).isNotEqualTo(WireError.HANDLER_FAILED);
            if (!victim.atServer.isOpen()) {
                closed++;
                break;
            }
        }
        // the other client is unharmed; the server keeps running
        sim.run(20);
        assertThat(sim.clients.get(0).atClient.isOpen()).isTrue();
        assertThat(closed + sim.sync.rejectedMessages()).isPositive();
        sim.conditions(LinkConditions.lan());
        sim.npcsMove = false;
        sim.playersMove = false;
        sim.run(20);
        assertThat(sim.mismatch(sim.clients.get(0))).isNull();
    }

    /** The component types of {@link SyncSim}, for fresh mirror worlds. */
    static final class SyncMessageTypesHolder {
        static final org.mmosdk.ecs.ComponentType[] TYPES = {SyncSim.POSITION, SyncSim.HEADING, SyncSim.STAMINA_T};
    }
}

package org.mmosdk.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import com.google.flatbuffers.FlatBufferBuilder;
import org.junit.jupiter.api.Test;
import org.mmosdk.core.peer.Delivery;
import org.mmosdk.core.peer.Peer;
import org.mmosdk.core.time.VirtualClock;
import org.mmosdk.core.wire.EnvelopeWriter;
import org.mmosdk.core.wire.MessageDispatcher;
import org.mmosdk.core.wire.MessageRegistry;
import org.mmosdk.core.wire.WireError;
import org.mmosdk.ecs.ComponentType;
import org.mmosdk.ecs.FloatField;
import org.mmosdk.ecs.World;
import org.mmosdk.sync.wire.fb.Snapshot;
import org.mmosdk.sync.wire.fb.SnapshotAck;

/**
 * A sent snapshot's values are read, when it is acknowledged, from the server's table of the update that sent it, which
 * the server keeps for 4 x {@code snapshotRing} updates; the snapshot itself is remembered among the client's last
 * {@code snapshotRing} sent. A snapshot acknowledged too late (no longer remembered, or its update's table reused) must
 * not become a base, and an ack of a sequence number never sent (skipped, or the peer was closed) is ignored.
 */
class StaleAckTest {
    private static final ComponentType.Builder POS_B = ComponentType.builder("Position");
    private static final FloatField X = POS_B.floatField("x");
    private static final FloatField Y = POS_B.floatField("y");
    private static final ComponentType POSITION = POS_B.build();
    private static final ReplicationRules RULES = ReplicationRules.builder().position(X, Y).quantize(X, -100, 100, 16)
        .quantize(Y, -100, 100, 16).build();

    /** A peer that can be closed and opened again, and keeps the header of the last snapshot sent. */
    private static final class TogglePeer implements Peer {
        boolean open = true;
        int sent;
        final SnapshotHeader last = new SnapshotHeader();
        private final BitReader reader = new BitReader();
        private final Snapshot snapshot = new Snapshot();

        @Override
        public long id() {
            return 7;
        }

        @Override
        public boolean send(final ByteBuffer envelope, final Delivery delivery) {
            final ByteBuffer payload = envelope.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            payload.position(payload.position() + 2);
            reader.wrap(Snapshot.getRootAsSnapshot(payload, snapshot), payload);
            assertThat(last.read(reader, null)).isTrue();
            sent++;
            return true;
        }

        @Override
        public void flush() {
        }

        @Override
        public long rttNanos() {
            return -1;
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void close(final int code, final String reason) {
            open = false;
        }
    }

    @Test
    void anAckOfASnapshotOlderThanTheServersValueTablesIsNotABase() {
        final World world = World.builder().components(POSITION).build();
        final long e = world.create(world.archetype(POSITION));
        final SyncServer server = SyncServer.builder(world, RULES).clock(new VirtualClock()).snapshotRing(4).build();
        final MessageDispatcher<Peer> inbox = server.registerHandlers(MessageRegistry.<Peer>builder()).build()
            .newDispatcher();
        final TogglePeer peer = new TogglePeer();
        server.addClient(peer, e);
        final EnvelopeWriter acks = new EnvelopeWriter(64);
        int x = 0;
        for (int i = 0; i < 3; i++) {
            world.set(e, X, ++x);
            world.advanceTick();
            server.update();
        }
        final long oldSeq = peer.last.seq;

        // acknowledged at once: the next snapshot has it as its common base
        ack(inbox, acks, peer, oldSeq);
        sendOne(world, e, server, peer, x += 10);
        assertThat(peer.last.base).isEqualTo(oldSeq);
        final long seq = peer.last.seq;

        // no ack while 4 more snapshots are sent (the client's acks lag, so it is sent one every few updates): the ring
        // of 4 no longer holds snapshot seq, and its late ack is ignored
        final int sentBefore = peer.sent;
        int updates = 0;
        while (peer.sent < sentBefore + 4) {
            step(world, e, server, ++x);
            updates++;
        }
        assertThat(updates).as("updates for 4 snapshots: the slow acker is sent one every second or fourth").isGreaterThan(4);
        assertThat(server.slowClientSkips()).isPositive();
        ack(inbox, acks, peer, seq);
        final long newest = peer.last.seq;
        sendOne(world, e, server, peer, x += 10);
        assertThat(peer.last.base).as("the forgotten snapshot's ack is not a base; the last good one still is").isEqualTo(oldSeq);

        // a closed peer is sent nothing while its numbers keep pace with the updates; once its newest remembered
        // snapshot's update table has been reused (16 updates), an ack of it is ignored, as is one of a number never sent
        peer.open = false;
        for (int i = 0; i < 20; i++) {
            step(world, e, server, ++x);
        }
        peer.open = true;
        ack(inbox, acks, peer, newest + 1);                 // never sent
        ack(inbox, acks, peer, peer.last.seq);              // remembered, but its values are gone
        sendOne(world, e, server, peer, x += 10);
        assertThat(peer.last.seq).isGreaterThan(newest + 20);
        assertThat(peer.last.base).isEqualTo(oldSeq);
    }

    private static void step(final World world, final long e, final SyncServer server, final int x) {
        world.set(e, X, x);
        world.advanceTick();
        server.update();
    }

    /** Updates until the peer is sent a snapshot. */
    private static void sendOne(final World world, final long e, final SyncServer server, final TogglePeer peer, final int x) {
        final int before = peer.sent;
        for (int i = 0; i < 8 && peer.sent == before; i++) {
            step(world, e, server, x + i);
        }
        assertThat(peer.sent).isEqualTo(before + 1);
    }

    private static void ack(final MessageDispatcher<Peer> inbox, final EnvelopeWriter w, final Peer peer,
        final long seq) {
        final FlatBufferBuilder b = w.begin(SyncMessageTypes.SNAPSHOT_ACK);
        final ByteBuffer msg = w.finish(SnapshotAck.createSnapshotAck(b, seq));
        assertThat(inbox.dispatch(peer, msg, msg.position(), msg.remaining())).isEqualTo(WireError.OK);
    }
}

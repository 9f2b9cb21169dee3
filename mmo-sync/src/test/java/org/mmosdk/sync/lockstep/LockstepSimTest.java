package org.mmosdk.sync.lockstep;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.mmosdk.ecs.World;
import org.mmosdk.sync.sim.LinkConditions;

/** Lockstep rooms on the simulated network: equal hashes, loss, late join, reconnect, key operations. */
class LockstepSimTest {
    private static final LinkConditions NET = LinkConditions.lan().withDelay(20_000_000L, 5_000_000L);

    private static void assertConverged(final LockstepSim sim) {
        final int f = sim.commonFrame();
        assertThat(f).isGreaterThan(0);
        final long expected = sim.nodes.get(0).client.simulation().hashAt(f);
        for (final LockstepSim.Node n : sim.nodes) {
            assertThat(n.client.simulation().hashAt(f)).as("client %d at frame %d", n.atClient.id(), f).isEqualTo(expected);
        }
        if (sim.room.simulation() != null) {
            assertThat(sim.room.simulation().hashAt(f)).isEqualTo(expected);
        }
        assertThat(sim.errors).isEmpty();
    }

    @Test
    void lockstepClientsEndWithEqualHashes() {
        final LockstepSim sim = new LockstepSim(1, 4, b -> b.simulate(false));
        for (int i = 0; i < 4; i++) {
            sim.join(NET);
        }
        sim.runFrames(30);
        final long startup = sim.room.missingInputs(); // frames sealed before the join keyframes arrived
        sim.runFrames(270);
        sim.settle();
        assertConverged(sim);
        assertThat(sim.commonFrame()).isGreaterThan(290);
        assertThat(sim.room.missingInputs()).isEqualTo(startup);
        assertThat(sim.room.lateInputs()).isZero();
        assertThat(sim.desyncs).isEmpty();
    }

    @Test
    void singleLostPacketsCostNothing() {
        final LockstepSim sim = new LockstepSim(2, 4, b -> { });
        for (int i = 0; i < 4; i++) {
            sim.join(NET.withLoss(0.1).withDuplicate(0.05).withReorder(0.05));
        }
        sim.runFrames(30);
        final long startup = sim.room.missingInputs();
        sim.runFrames(370);
        sim.settle();
        assertThat(sim.net.dropped()).isGreaterThan(100);
        assertThat(sim.room.missingInputs()).as("a lost input packet is repeated by the next").isEqualTo(startup);
        assertConverged(sim);
        assertThat(sim.desyncs).isEmpty();
        for (final LockstepSim.Node n : sim.nodes) {
            assertThat(n.client.keyframeMismatches()).isZero();
        }
    }

    @Test
    void missingInputsAreSealedOnTimeWithThePolicy() {
        for (final MissingInputPolicy policy : MissingInputPolicy.values()) {
            final LockstepSim sim = new LockstepSim(3, 3, b -> b.missingInputs(policy));
            for (int i = 0; i < 3; i++) {
                sim.join(NET);
            }
            sim.runFrames(60);
            final LockstepSim.Node cut = sim.nodes.get(2);
            cut.atClient.partition(true);
            final int before = sim.room.sealedFrames();
            sim.runFrames(60);
            assertThat(sim.room.sealedFrames() - before).as("frames are sealed on time").isEqualTo(60);
            assertThat(sim.room.missingInputs()).isGreaterThanOrEqualTo(55);
            final FrameInputs sealedWithout = sim.room.simulation().inputsOf(sim.room.sealedFrames() - 5);
            assertThat(sealedWithout.present(2)).isFalse();
            if (policy == MissingInputPolicy.NEUTRAL) {
                assertThat(sealedWithout.input(2, 0)).isZero();
                assertThat(sealedWithout.input(2, 1)).isZero();
            }
            cut.atClient.partition(false);
            sim.runFrames(60);
            sim.settle();
            assertConverged(sim);
        }
    }

    @Test
    void lateJoinerConvergesFromAKeyframe() {
        final LockstepSim sim = new LockstepSim(4, 4, b -> { });
        for (int i = 0; i < 3; i++) {
            sim.join(NET);
        }
        sim.runFrames(150);
        final LockstepSim.Node late = sim.join(NET.withLoss(0.05));
        sim.runFrames(150);
        sim.settle();
        assertConverged(sim);
        assertThat(late.client.inexactKeyframes()).isZero();
        assertThat(late.client.frame()).isGreaterThan(290);
    }

    @Test
    void lateJoinerOfAPureLockstepRoomReplaysFromTheStart() {
        final LockstepSim sim = new LockstepSim(5, 3, b -> b.simulate(false));
        sim.join(NET);
        sim.join(NET);
        sim.runFrames(100);
        sim.join(NET);
        sim.runFrames(100);
        sim.settle();
        assertConverged(sim);
    }

    @Test
    void reconnectTakesTheOldSlotBack() {
        final LockstepSim sim = new LockstepSim(6, 3, b -> { });
        for (int i = 0; i < 3; i++) {
            sim.join(NET);
        }
        sim.runFrames(100);
        final LockstepSim.Node old = sim.nodes.remove(1);
        final int slot = sim.room.removePlayer(old.atServer);
        old.atClient.close(1000, "bye");
        sim.runFrames(30);
        final LockstepSim.Node again = sim.new Node(10, NET, LockstepSim.step(-1), c -> { });
        sim.nodes.add(again);
        sim.room.addPlayer(again.atServer, slot);
        sim.runFrames(100);
        sim.settle();
        assertThat(again.client.slot()).isEqualTo(slot);
        assertConverged(sim);
    }

    @Test
    void keyOperationsArriveExactlyOnceUnderLoss() {
        final LockstepSim sim = new LockstepSim(7, 3, b -> { });
        for (int i = 0; i < 3; i++) {
            sim.join(NET.withLoss(0.3).withDuplicate(0.1).withReorder(0.1));
        }
        for (int round = 0; round < 20; round++) {
            for (final LockstepSim.Node n : sim.nodes) {
                assertThat(n.client.keyOp(new byte[] {(byte) (round % 7), 1})).isPositive();
            }
            sim.runFrames(5);
        }
        sim.runFrames(120);
        sim.settle();
        assertConverged(sim);
        final World w = sim.nodes.get(0).client.world();
        final long[] actors = w.archetype(LockstepSim.POSITION, LockstepSim.HEALTH).chunk(0).entities();
        int totalDamage = 0;
        for (int p = 0; p < 3; p++) {
            assertThat(w.get(actors[p], LockstepSim.OPS)).as("ops applied by player %d", p).isEqualTo(20);
        }
        for (int i = 0; i < 3 + LockstepSim.NPCS; i++) {
            totalDamage += 100 - w.get(actors[i], LockstepSim.HP);
        }
        assertThat(totalDamage).isEqualTo(60);
        for (final LockstepSim.Node n : sim.nodes) {
            assertThat(n.client.unackedOps()).isZero();
        }
    }

    @Test
    void hybridKeyframesResyncADivergedClient() {
        final LockstepSim sim = new LockstepSim(8, 3, b -> b.keyframeEvery(5));
        sim.join(NET);
        sim.join(NET);
        final LockstepSim.Node bad = sim.join(NET, LockstepSim.step(42), c -> { });
        sim.runFrames(200);
        sim.settle();
        assertThat(bad.client.keyframeMismatches()).isEqualTo(1);
        assertThat(bad.client.resyncs()).isEqualTo(1);
        assertThat(sim.nodes.get(0).client.keyframeMismatches()).isZero();
        assertConverged(sim);
        assertThat(sim.desyncs).hasSizeLessThanOrEqualTo(1);
    }
}

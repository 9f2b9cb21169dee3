package org.mmosdk.sync.lockstep;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.mmosdk.core.id.EntityIds;
import org.mmosdk.ecs.World;
import org.mmosdk.sync.sim.LinkConditions;

/** An injected divergence is reported at the exact frame, client, entity and component. */
class DesyncForensicsTest {
    private static final LinkConditions NET = LinkConditions.lan().withDelay(20_000_000L, 5_000_000L).withLoss(0.05);

    private static long actor(final World w, final int i) {
        return w.archetype(LockstepSim.POSITION, LockstepSim.HEALTH).chunk(0).entity(i);
    }

    @Test
    void hybridRoomNamesFrameClientEntityAndComponent() {
        final LockstepSim sim = new LockstepSim(21, 3, b -> b.fullKeyframes(false));
        sim.join(NET);
        final LockstepSim.Node bad = sim.join(NET, LockstepSim.step(37), c -> c.hashReportEvery(8));
        sim.join(NET);
        sim.runFrames(120);
        sim.settle();
        assertThat(sim.errors).isEmpty();
        assertThat(sim.desyncs).hasSize(1);
        final DesyncReport r = sim.desyncs.get(0);
        assertThat(r.frame()).as("state after frame 37 is the first to differ").isEqualTo(38);
        assertThat(r.peerId()).isEqualTo(bad.atServer.id());
        assertThat(r.entity()).isEqualTo(actor(sim.room.simulation().world(), 1));
        assertThat(r.component()).isEqualTo("Health");
        assertThat(r.archetype()).contains("Position").contains("Health");
        assertThat(bad.client.keyframeMismatches()).isPositive();
        assertThat(sim.nodes.get(0).client.keyframeMismatches()).isZero();
    }

    @Test
    void pureLockstepRoomNamesTheMinorityClientAndFrame() {
        final LockstepSim sim = new LockstepSim(22, 3, b -> b.simulate(false));
        sim.join(NET);
        sim.join(NET);
        final LockstepSim.Node bad = sim.join(NET, LockstepSim.step(50), c -> { });
        sim.runFrames(120);
        sim.settle();
        assertThat(sim.desyncs).hasSize(1);
        final DesyncReport r = sim.desyncs.get(0);
        assertThat(r.frame()).isEqualTo(51);
        assertThat(r.peerId()).isEqualTo(bad.atServer.id());
        assertThat(r.entity()).isEqualTo(EntityIds.NONE);
    }

    @Test
    void honestClientsAreNeverReported() {
        final LockstepSim sim = new LockstepSim(23, 4, b -> b.fullKeyframes(false));
        for (int i = 0; i < 4; i++) {
            sim.join(NET.withReorder(0.1));
        }
        sim.runFrames(200);
        sim.settle();
        assertThat(sim.desyncs).isEmpty();
        assertThat(sim.room.desyncs()).isZero();
    }
}

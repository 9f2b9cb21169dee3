package org.mmosdk.sync.lockstep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.mmosdk.sync.sim.LinkConditions;

/** A recorded room replays bit for bit; a tampered recording is caught at its frame. */
class ReplayTest {
    private static final LinkConditions NET = LinkConditions.lan().withDelay(20_000_000L, 5_000_000L).withLoss(0.1);

    private static byte[] record(final long seed, final ReplayRecorder rec) {
        final LockstepSim sim = new LockstepSim(seed, 3, b -> b.record(rec));
        for (int i = 0; i < 3; i++) {
            sim.join(NET);
        }
        for (int i = 0; i < 10; i++) {
            sim.nodes.get(i % 3).client.keyOp(new byte[] {(byte) i, 3});
            sim.runFrames(20);
        }
        sim.settle();
        return rec.toByteArray();
    }

    @Test
    void replayReproducesEveryHash() {
        final ReplayRecorder rec = new ReplayRecorder();
        final byte[] bytes = record(31, rec);
        final Replay.Result r = Replay.play(bytes, LockstepSim::emptyWorld, LockstepSim.step(-1));
        assertThat(r.firstMismatch()).isEqualTo(-1);
        assertThat(r.frames()).isGreaterThanOrEqualTo(200);
        assertThat(r.hashesChecked()).isEqualTo(r.frames() + 1);
        // the same seed records the same bytes
        assertThat(record(31, new ReplayRecorder())).isEqualTo(bytes);
    }

    @Test
    void replayEndsAtTheRoomsHash() {
        final ReplayRecorder rec = new ReplayRecorder();
        final LockstepSim sim = new LockstepSim(32, 2, b -> b.record(rec));
        sim.join(NET);
        sim.join(NET);
        sim.runFrames(150);
        final Replay.Result r = Replay.play(rec.toByteArray(), LockstepSim::emptyWorld, LockstepSim.step(-1));
        assertThat(r.frames()).isEqualTo(sim.room.simulation().frame());
        assertThat(r.finalHash()).isEqualTo(sim.room.simulation().world().stateHash());
    }

    @Test
    void aDifferentSimulationIsCaughtAtItsFrame() {
        final byte[] bytes = record(33, new ReplayRecorder());
        final Replay.Result r = Replay.play(bytes, LockstepSim::emptyWorld, LockstepSim.step(77));
        assertThat(r.firstMismatch()).isEqualTo(78);
    }

    @Test
    void malformedRecordingsAreRejectedCleanly() {
        final byte[] bytes = record(34, new ReplayRecorder());
        final java.util.SplittableRandom rng = new java.util.SplittableRandom(34);
        int rejected = 0;
        for (int i = 0; i < 300; i++) {
            final byte[] m = bytes.clone();
            final int flips = 1 + rng.nextInt(3);
            for (int k = 0; k < flips; k++) {
                m[rng.nextInt(Math.min(m.length, 4000))] = (byte) rng.nextInt(256);
            }
            try {
                Replay.play(m, LockstepSim::emptyWorld, LockstepSim.step(-1));
            } catch (final IllegalArgumentException e) {
                rejected++;
            }
        }
        assertThat(rejected).isPositive();
        assertThatThrownBy(() -> Replay.play(new byte[3], LockstepSim::emptyWorld, LockstepSim.step(-1)))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Replay.play(java.util.Arrays.copyOf(bytes, bytes.length - 3), LockstepSim::emptyWorld,
            LockstepSim.step(-1))).isInstanceOf(IllegalArgumentException.class);
    }
}

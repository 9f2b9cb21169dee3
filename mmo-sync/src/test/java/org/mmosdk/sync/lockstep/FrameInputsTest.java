package org.mmosdk.sync.lockstep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.mmosdk.sync.sim.LinkConditions;

/** Rooms larger than 64 players (issue 5's 100-player lockstep room): presence beyond the first 64-bit word. */
class FrameInputsTest {
    @Test
    void presenceOfSlotsBeyond64() {
        final FrameInputs in = new FrameInputs(100, 2);
        assertThat(in.presentWords()).isEqualTo(2);
        in.set(70, new byte[] {1, 2}, 0);
        in.set(3, new byte[] {3, 4}, 0);
        assertThat(in.present(70)).isTrue();
        assertThat(in.present(6)).isFalse();
        assertThat(in.present(3)).isTrue();
        assertThat(in.present(69)).isFalse();
        final FrameInputs copy = new FrameInputs(100, 2).copyFrom(in);
        assertThat(copy.samePresence(in)).isTrue();
        copy.set(99, new byte[] {0, 0}, 0);
        assertThat(copy.samePresence(in)).isFalse();
        in.clear();
        assertThat(in.present(70)).isFalse();
    }

    @Test
    void allPresentCoversExactlyTheSlots() {
        final FrameInputs in = new FrameInputs(100, 1);
        in.allPresent();
        assertThat(in.presentWord(0)).isEqualTo(-1L);
        assertThat(in.presentWord(1)).isEqualTo((1L << 36) - 1);
        final FrameInputs small = new FrameInputs(64, 1);
        small.allPresent();
        assertThat(small.presentWords()).isEqualTo(1);
        assertThat(small.presentWord(0)).isEqualTo(-1L);
    }

    @Test
    void atMost255Players() {
        assertThat(new FrameInputs(FrameInputs.MAX_PLAYERS, 1).presentWords()).isEqualTo(4);
        assertThatThrownBy(() -> new FrameInputs(256, 1)).hasMessageContaining("[1, 255]");
    }

    @Test
    void aRoomOf70PlayersRunsAndReplays() {
        final ReplayRecorder rec = new ReplayRecorder();
        final LockstepSim sim = new LockstepSim(35, 70, b -> b.record(rec));
        for (int i = 0; i < 70; i++) {
            sim.join(LinkConditions.lan());
        }
        sim.runFrames(60);
        final Replay.Result r = Replay.play(rec.toByteArray(), LockstepSim::emptyWorld, LockstepSim.step(-1));
        assertThat(r.firstMismatch()).isEqualTo(-1);
        assertThat(r.frames()).isEqualTo(sim.room.simulation().frame());
        assertThat(r.finalHash()).isEqualTo(sim.room.simulation().world().stateHash());
    }
}

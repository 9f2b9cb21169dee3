package org.mmosdk.sync.lockstep;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.mmosdk.ecs.World;

/** A late input rolls back, re-simulates, and ends exactly where an on-time run ends. */
class RollbackTest {
    private static final int PLAYERS = 4;

    private static FrameInputs[] script(final long seed, final int frames) {
        final SplittableRandom rng = new SplittableRandom(seed);
        final FrameInputs[] out = new FrameInputs[frames];
        final byte[] in = new byte[2];
        for (int f = 0; f < frames; f++) {
            out[f] = new FrameInputs(PLAYERS, 2).frame(f);
            for (int p = 0; p < PLAYERS; p++) {
                in[0] = (byte) (rng.nextInt(3) - 1);
                in[1] = (byte) (rng.nextInt(3) - 1);
                out[f].set(p, in, 0);
            }
            if (f % 7 == 3) {
                out[f].addOp(f % PLAYERS, new byte[] {(byte) f, 5});
            }
        }
        return out;
    }

    /** A prediction of frame f: player 2's input repeated from the previous frame, and no operations. */
    private static FrameInputs predicted(final FrameInputs[] script, final int f) {
        final FrameInputs p = new FrameInputs(PLAYERS, 2).frame(f);
        for (int i = 0; i < PLAYERS; i++) {
            p.set(i, (i == 2 ? script[f - 1] : script[f]).raw(), i * 2);
        }
        return p;
    }

    @Test
    void lateInputsRollBackToTheOnTimeResult() {
        final FrameInputs[] script = script(5, 200);
        final RollbackSimulation onTime = new RollbackSimulation(LockstepSim.initialWorld(PLAYERS), LockstepSim.step(-1),
            8, PLAYERS, 2);
        final RollbackSimulation late = new RollbackSimulation(LockstepSim.initialWorld(PLAYERS), LockstepSim.step(-1),
            8, PLAYERS, 2);
        final int delay = 5;
        for (int f = 0; f < script.length; f++) {
            onTime.step(script[f]);
            late.step(f == 0 ? script[f] : predicted(script, f));
            if (f - delay >= 1) {
                assertThat(late.correct(f - delay, script[f - delay])).isTrue();
            }
        }
        for (int f = script.length - delay; f < script.length; f++) {
            assertThat(late.correct(f, script[f])).isTrue();
        }
        assertThat(late.frame()).isEqualTo(onTime.frame());
        assertThat(late.world().stateHash()).isEqualTo(onTime.world().stateHash());
        for (int f = late.frame() - 8; f <= late.frame(); f++) {
            assertThat(late.hashAt(f)).as("frame %d", f).isEqualTo(onTime.hashAt(f));
        }
        assertThat(late.rollbacks()).isGreaterThan(100);
        assertThat(late.resimulatedFrames()).isGreaterThan(500);
    }

    @Test
    void inputsOutsideTheWindowAreRefusedAndChangeNothing() {
        final FrameInputs[] script = script(6, 40);
        final RollbackSimulation sim = new RollbackSimulation(LockstepSim.initialWorld(PLAYERS), LockstepSim.step(-1),
            8, PLAYERS, 2);
        for (final FrameInputs in : script) {
            sim.step(in);
        }
        final long hash = sim.world().stateHash();
        final FrameInputs other = new FrameInputs(PLAYERS, 2).set(0, new byte[] {9, 9}, 0);
        assertThat(sim.correct(40 - 9, other)).isFalse();
        assertThat(sim.correct(40, other)).as("the future is not a correction").isFalse();
        assertThat(sim.world().stateHash()).isEqualTo(hash);
        assertThat(sim.correct(40 - 8, other)).isTrue();
        assertThat(sim.world().stateHash()).isNotEqualTo(hash);
        assertThat(sim.frame()).isEqualTo(40);
    }

    @Test
    void equalCorrectionsDoNotRollBack() {
        final FrameInputs[] script = script(7, 20);
        final RollbackSimulation sim = new RollbackSimulation(LockstepSim.initialWorld(PLAYERS), LockstepSim.step(-1),
            8, PLAYERS, 2);
        for (final FrameInputs in : script) {
            sim.step(in);
        }
        assertThat(sim.correct(15, script[15])).isTrue();
        assertThat(sim.rollbacks()).isZero();
    }

    @Test
    void withStateAtShowsThePastAndRestoresThePresent() {
        final FrameInputs[] script = script(8, 20);
        final World w = LockstepSim.initialWorld(PLAYERS);
        final RollbackSimulation sim = new RollbackSimulation(w, LockstepSim.step(-1), 8, PLAYERS, 2);
        for (final FrameInputs in : script) {
            sim.step(in);
        }
        final long now = w.stateHash();
        final long[] seen = new long[1];
        assertThat(sim.withStateAt(15, world -> seen[0] = world.stateHash())).isTrue();
        assertThat(seen[0]).isEqualTo(sim.hashAt(15));
        assertThat(w.stateHash()).isEqualTo(now);
        assertThat(sim.withStateAt(5, world -> { })).isFalse();
    }
}

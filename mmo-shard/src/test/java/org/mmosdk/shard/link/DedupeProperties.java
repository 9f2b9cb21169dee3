package org.mmosdk.shard.link;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class DedupeProperties {
    @Property(tries = 200)
    void admitsEveryIdOnceWhateverTheOrderAndRepeats(@ForAll @IntRange(min = 1, max = 500) final int n,
                                                     @ForAll final long seed) {
        final List<Long> arrivals = new ArrayList<>();
        final Random random = new Random(seed);
        for (long id = 1; id <= n; id++) {
            arrivals.add(id);
            for (int r = random.nextInt(3); r > 0; r--) {
                arrivals.add(id); // retransmissions
            }
        }
        Collections.shuffle(arrivals, random);
        final Dedupe dedupe = new Dedupe(1 << 20);
        final boolean[] seen = new boolean[n + 1];
        for (final long id : arrivals) {
            final int r = dedupe.tryBegin(7, id);
            assertThat(r).isEqualTo(seen[(int) id] ? Dedupe.DUPLICATE : Dedupe.NEW);
            seen[(int) id] = true;
        }
        assertThat(dedupe.low(7)).isEqualTo(n);
        assertThat(dedupe.outOfOrder(7)).isZero();
    }

    @Property(tries = 100)
    void undoLetsTheSameIdInAgain(@ForAll @IntRange(min = 1, max = 50) final int n, @ForAll @IntRange(min = 1, max = 50) final int undone) {
        final Dedupe dedupe = new Dedupe(1 << 20);
        for (long id = 1; id <= n; id++) {
            dedupe.tryBegin(1, id);
        }
        final long u = Math.min(undone, n);
        dedupe.undo(1, u);
        assertThat(dedupe.tryBegin(1, u)).isEqualTo(Dedupe.NEW);
        for (long id = 1; id <= n; id++) {
            assertThat(dedupe.tryBegin(1, id)).isEqualTo(Dedupe.DUPLICATE);
        }
        assertThat(dedupe.low(1)).isEqualTo(n);
    }

    @Test
    void refusesZeroAndIdsTooFarAhead() {
        final Dedupe dedupe = new Dedupe(100);
        assertThat(dedupe.tryBegin(1, 0)).isEqualTo(Dedupe.INVALID);
        assertThat(dedupe.tryBegin(1, 101)).isEqualTo(Dedupe.INVALID);
        assertThat(dedupe.tryBegin(1, 100)).isEqualTo(Dedupe.NEW);
    }

    @Test
    void aRestartedSenderStartsAgainAndItsFormerLifeIsStillRecognised() {
        final Dedupe dedupe = new Dedupe(100);
        assertThat(dedupe.tryBegin(1, 1)).isEqualTo(Dedupe.NEW);
        assertThat(dedupe.tryBegin(2, 1)).isEqualTo(Dedupe.NEW);
        assertThat(dedupe.tryBegin(1, 1)).as("late retransmission of the former life").isEqualTo(Dedupe.DUPLICATE);
        assertThat(dedupe.tryBegin(2, 1)).isEqualTo(Dedupe.DUPLICATE);
    }
}

package org.mmosdk.examples.arena;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LoadSheddingTest {
    private static final long PERIOD = 50_000_000L;

    /** Long ticks raise the interval step by step, two seconds apart, up to the bound; short ticks bring it back. */
    @Test
    void raisesWhileTicksAreLongAndLowersWhenTheyAreShort() {
        final LoadShedding shedding = new LoadShedding(PERIOD, 20, 4);
        int every = 1;
        for (int t = 0; t < 20 * 5; t++) {
            every = shedding.next(5_000_000L, every);   // a quiet zone first
        }
        assertThat(every).isEqualTo(1);
        int firstRaise = -1;
        for (int t = 0; t < 20 * 10; t++) {
            final int next = shedding.next(45_000_000L, every);
            if (next != every && firstRaise < 0) {
                firstRaise = t;
            }
            assertThat(next - every).isBetween(0, 1);
            every = next;
        }
        assertThat(firstRaise).as("after most of a second of long ticks").isBetween(10, 30);
        assertThat(every).isEqualTo(4);
        // ticks at 10% of the period: back to 1, a step at a time
        for (int t = 0; t < 20 * 10; t++) {
            every = shedding.next(5_000_000L, every);
        }
        assertThat(every).isEqualTo(1);
    }

    /** Ticks at 60% of the period are neither long enough to shed nor short enough to take more on. */
    @Test
    void holdsInBetween() {
        final LoadShedding shedding = new LoadShedding(PERIOD, 20, 4);
        int every = 2;
        for (int t = 0; t < 20 * 20; t++) {
            every = shedding.next(30_000_000L, every);
        }
        assertThat(every).isEqualTo(2);
    }
}

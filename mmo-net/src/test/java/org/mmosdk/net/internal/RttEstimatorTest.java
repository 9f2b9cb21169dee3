package org.mmosdk.net.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RttEstimatorTest {
    @Test
    void followsRfc6298() {
        final RttEstimator e = new RttEstimator();
        assertThat(e.smoothedNanos()).isEqualTo(-1);
        e.sample(800);
        assertThat(e.smoothedNanos()).isEqualTo(800);
        assertThat(e.variationNanos()).isEqualTo(400);
        e.sample(1600);
        // rttvar = 3/4 * 400 + 1/4 * 800 = 500; srtt = 7/8 * 800 + 1/8 * 1600 = 900
        assertThat(e.variationNanos()).isEqualTo(500);
        assertThat(e.smoothedNanos()).isEqualTo(900);
        for (int i = 0; i < 200; i++) {
            e.sample(1000);
        }
        assertThat(e.smoothedNanos()).isBetween(990L, 1010L);
        assertThat(e.variationNanos()).isLessThan(10);
    }

    @Test
    void cutKeepsReasonsWithinTheSchemaCap() {
        assertThat(Control.cut(null)).isEmpty();
        assertThat(Control.cut("short")).isEqualTo("short");
        final String longText = "é".repeat(300);
        assertThat(Control.cut(longText).getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
            .isLessThanOrEqualTo(Control.MAX_REASON_BYTES);
        final String emoji = "😀".repeat(100);
        final String cut = Control.cut(emoji);
        assertThat(cut.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isLessThanOrEqualTo(Control.MAX_REASON_BYTES);
        assertThat(Character.isHighSurrogate(cut.charAt(cut.length() - 1))).isFalse();
    }
}

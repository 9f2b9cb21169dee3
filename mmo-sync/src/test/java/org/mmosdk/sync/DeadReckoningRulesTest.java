package org.mmosdk.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.mmosdk.ecs.ComponentType;
import org.mmosdk.ecs.FloatField;

/** What {@link ReplicationRules.Builder#deadReckoning} accepts and refuses, with messages that say why. */
class DeadReckoningRulesTest {
    private static final ComponentType.Builder POS3_B = ComponentType.builder("Position3");
    private static final FloatField X3 = POS3_B.floatField("x");
    private static final FloatField Y3 = POS3_B.floatField("y");
    private static final FloatField Z3 = POS3_B.floatField("z");
    private static final ComponentType POSITION3 = POS3_B.build();

    @Test
    void theToleranceIsKeptInQuantizationSteps() {
        // 20 bits over [-256, 256]: a step of 512 / (2^20 - 1), so 0.05 units is 102 steps
        assertThat(SyncSim.DR_RULES.deadReckoning).isTrue();
        assertThat(SyncSim.DR_RULES.toleranceStepsX).isEqualTo(102);
        assertThat(SyncSim.DR_RULES.toleranceStepsY).isEqualTo(102);
        assertThat(SyncSim.RULES.deadReckoning).isFalse();
    }

    @Test
    void refusesAPositionThatIsNotQuantized() {
        assertThatThrownBy(() -> ReplicationRules.builder().position(SyncSim.X, SyncSim.Y).quantize(SyncSim.X, -1, 1, 10)
            .deadReckoning(0.1f).build())
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("quantized").hasMessageContaining("y");
    }

    @Test
    void refusesAPositionComponentWithOtherFields() {
        assertThatThrownBy(() -> ReplicationRules.builder().position(X3, Y3).quantize(X3, -1, 1, 10).quantize(Y3, -1, 1, 10)
            .quantize(Z3, -1, 1, 10).deadReckoning(0.1f).build())
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("only x and y");
    }

    @Test
    void refusesANegativeOrNonFiniteTolerance() {
        for (final float bad : new float[] {-0.1f, Float.NaN, Float.POSITIVE_INFINITY}) {
            assertThatThrownBy(() -> ReplicationRules.builder().deadReckoning(bad))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tolerance");
        }
    }
}

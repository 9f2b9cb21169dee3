package org.mmosdk.core.id;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import java.util.function.LongSupplier;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class IdsTest {
    @Property
    void entityHandlesPackAndUnpack(@ForAll @IntRange(min = 0) final int index, @ForAll final int generation) {
        final long handle = EntityIds.of(index, generation);
        assertThat(EntityIds.index(handle)).isEqualTo(index);
        assertThat(EntityIds.generation(handle)).isEqualTo(generation);
    }

    @Test
    void entityHandlesPrintReadably() {
        assertThat(EntityIds.toString(EntityIds.of(42, 3))).isEqualTo("42:3");
        assertThat(EntityIds.toString(EntityIds.NONE)).isEqualTo("none");
    }

    @Test
    void sessionIdsAreUniqueAndCarryTheirNode() {
        final LongSupplier ids = SessionIds.newGenerator(7);
        final Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            final long id = ids.getAsLong();
            assertThat(SessionIds.node(id)).isEqualTo(7);
            assertThat(seen.add(id)).isTrue();
        }
        assertThat(SessionIds.toString(SessionIds.newGenerator(3).getAsLong())).isEqualTo("3/1");
        assertThatThrownBy(() -> SessionIds.newGenerator(0)).hasMessage("nodeId must be in [1, 65535], was 0");
    }
}

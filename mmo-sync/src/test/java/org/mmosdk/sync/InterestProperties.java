package org.mmosdk.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Set;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Properties of the server's interest helpers. */
class InterestProperties {
    /** The interest cap's selection: the first k are the k smallest, whatever the order of the input. */
    @Property(tries = 500)
    void selectionKeepsTheSmallest(@ForAll @Size(min = 1, max = 400) final Set<Long> values,
        @ForAll @IntRange(min = 1, max = 400) final int kWanted) {
        final long[] a = values.stream().mapToLong(Long::longValue).toArray();
        final int k = Math.min(kWanted, a.length);
        final long[] sorted = a.clone();
        Arrays.sort(sorted);
        SyncServer.selectSmallest(a, a.length, k);
        final long[] firstK = Arrays.copyOf(a, k);
        Arrays.sort(firstK);
        assertThat(firstK).containsExactly(Arrays.copyOf(sorted, k));
    }
}

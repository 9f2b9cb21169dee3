package org.mmosdk.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

class TokenBucketProperties {
    @Property(tries = 500)
    void neverGrantsMoreThanBurstPlusRefill(@ForAll @IntRange(min = 1, max = 10_000) final int rate,
        @ForAll @IntRange(min = 1, max = 1000) final int burst,
        @ForAll @Size(max = 300) final List<@LongRange(min = 0, max = 50_000_000) Long> gaps) {
        long now = 1_000_000_000L;
        final TokenBucket bucket = new TokenBucket(rate, burst, now);
        long granted = 0;
        long elapsed = 0;
        for (final long gap : gaps) {
            now += gap;
            elapsed += gap;
            for (int i = 0; i < 5; i++) {
                if (bucket.tryAcquire(now)) {
                    granted++;
                }
            }
        }
        final double allowed = burst + rate * (elapsed / 1e9);
        assertThat((double) granted).isLessThanOrEqualTo(allowed + 1e-6);
    }

    @Property(tries = 200)
    void aFullBucketGrantsExactlyTheBurst(@ForAll @IntRange(min = 1, max = 1000) final int rate,
        @ForAll @IntRange(min = 1, max = 1000) final int burst) {
        final TokenBucket bucket = new TokenBucket(rate, burst, 0);
        int granted = 0;
        while (bucket.tryAcquire(0)) {
            granted++;
        }
        assertThat(granted).isEqualTo(burst);
        assertThat(bucket.tryAcquire(1_000_000_000L)).isTrue();
    }
}

package org.mmosdk.shard.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class FencingGuardTest {
    @Test
    void rejectsOnlyTokensOlderThanTheHighestSeen() {
        final FencingGuard guard = new FencingGuard();
        assertThat(guard.tryAccept(5)).isTrue();
        assertThat(guard.tryAccept(5)).isTrue();
        assertThat(guard.tryAccept(9)).isTrue();
        assertThat(guard.tryAccept(6)).isFalse();
        assertThat(guard.highest()).isEqualTo(9);
        assertThatThrownBy(() -> guard.accept(8)).isInstanceOf(IllegalStateException.class)
            .hasMessage("stale fencing token 8, highest seen is 9: the writer lost ownership");
    }

    @Test
    void concurrentWritersEndAtTheHighestToken() {
        final FencingGuard guard = new FencingGuard();
        final AtomicInteger accepted = new AtomicInteger();
        IntStream.rangeClosed(1, 100_000).parallel().forEach(t -> {
            if (guard.tryAccept(t)) {
                accepted.incrementAndGet();
            }
        });
        assertThat(guard.highest()).isEqualTo(100_000);
        assertThat(accepted.get()).isPositive();
    }
}

package org.mmosdk.shard.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mmosdk.core.time.VirtualClock;

@Timeout(30)
class PlayerDataCacheTest {
    private final VirtualClock clock = new VirtualClock();

    /** A store of "player" → "data of player"; keys starting with "ghost" do not exist. Counts calls per key. */
    private static final class CountingStore implements PlayerStore<String, String> {
        final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        volatile CompletableFuture<Optional<String>> pending;
        volatile RuntimeException failNext;

        @Override
        public CompletableFuture<Optional<String>> load(final String key, final java.util.concurrent.Executor executor) {
            calls.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            if (pending != null) {
                return pending;
            }
            if (failNext != null) {
                final RuntimeException e = failNext;
                failNext = null;
                return CompletableFuture.failedFuture(e);
            }
            return CompletableFuture.completedFuture(key.startsWith("ghost") ? Optional.empty() : Optional.of("data of " + key));
        }

        int calls(final String key) {
            final AtomicInteger n = calls.get(key);
            return n == null ? 0 : n.get();
        }
    }

    private PlayerDataCache.Builder<String, String> builder(final CountingStore store) {
        return PlayerDataCache.builder(store).clock(clock).executor(Runnable::run).ttl(Duration.ofMinutes(10))
            .negativeTtl(Duration.ofSeconds(5));
    }

    @Test
    void hundredConcurrentGetsOfOneKeyMakeOneStoreCall() throws Exception {
        final CountingStore store = new CountingStore();
        store.pending = new CompletableFuture<>();
        final PlayerDataCache<String, String> cache = builder(store).build();
        final ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            final CountDownLatch go = new CountDownLatch(1);
            final List<Future<CompletableFuture<Optional<String>>>> gets = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                gets.add(pool.submit(() -> {
                    go.await();
                    return cache.get("alice");
                }));
            }
            go.countDown();
            final List<CompletableFuture<Optional<String>>> results = new ArrayList<>();
            for (final Future<CompletableFuture<Optional<String>>> f : gets) {
                results.add(f.get(10, TimeUnit.SECONDS));
            }
            // every caller holds a future before the store answers: all 100 were in flight together
            assertThat(results).allMatch(f -> !f.isDone());
            store.pending.complete(Optional.of("alice's data"));
            for (final CompletableFuture<Optional<String>> f : results) {
                assertThat(f.get(10, TimeUnit.SECONDS)).contains("alice's data");
            }
            assertThat(store.calls("alice")).isEqualTo(1);
            assertThat(cache.stats().loadCount()).isEqualTo(1);
            assertThat(cache.stats().requestCount()).isEqualTo(100);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void missingKeysAreCachedOnlyForTheNegativeTtl() throws Exception {
        final CountingStore store = new CountingStore();
        final PlayerDataCache<String, String> cache = builder(store).build();
        assertThat(cache.get("ghost1").get()).isEmpty();
        assertThat(cache.get("ghost1").get()).isEmpty();
        assertThat(cache.get("bob").get()).contains("data of bob");
        assertThat(store.calls("ghost1")).as("a miss is cached").isEqualTo(1);

        clock.advance(Duration.ofSeconds(4));
        assertThat(cache.get("ghost1").get()).isEmpty();
        assertThat(store.calls("ghost1")).isEqualTo(1);

        clock.advance(Duration.ofSeconds(2));
        assertThat(cache.get("ghost1").get()).isEmpty();
        assertThat(store.calls("ghost1")).as("the miss expired after the negative ttl").isEqualTo(2);
        assertThat(cache.get("bob").get()).contains("data of bob");
        assertThat(store.calls("bob")).as("a found value outlives the negative ttl").isEqualTo(1);

        clock.advance(Duration.ofMinutes(10));
        assertThat(cache.get("bob").get()).contains("data of bob");
        assertThat(store.calls("bob")).as("a found value expires after its ttl").isEqualTo(2);
    }

    @Test
    void putEndsACachedMissAndInvalidateForcesALoad() throws Exception {
        final CountingStore store = new CountingStore();
        final PlayerDataCache<String, String> cache = builder(store).build();
        assertThat(cache.get("ghost-new").get()).isEmpty();
        cache.put("ghost-new", "just created");
        assertThat(cache.get("ghost-new").get()).contains("just created");
        cache.invalidate("ghost-new");
        assertThat(cache.get("ghost-new").get()).isEmpty();
        assertThat(store.calls("ghost-new")).isEqualTo(2);
    }

    @Test
    void failedLoadsAreNotCached() throws Exception {
        final CountingStore store = new CountingStore();
        final PlayerDataCache<String, String> cache = builder(store).build();
        store.failNext = new IllegalStateException("store down");
        assertThatThrownBy(() -> cache.get("carol").get()).isInstanceOf(ExecutionException.class)
            .hasRootCauseMessage("store down");
        assertThat(cache.get("carol").get()).contains("data of carol");
        assertThat(store.calls("carol")).isEqualTo(2);
        assertThat(cache.stats().loadFailureCount()).isEqualTo(1);
    }

    @Test
    void sizeIsBoundedForFoundAndMissingKeys() throws Exception {
        final CountingStore store = new CountingStore();
        final PlayerDataCache<String, String> cache = builder(store).maximumSize(10).build();
        for (int i = 0; i < 200; i++) {
            cache.get((i % 2 == 0 ? "ghost" : "p") + i).get();
        }
        cache.cleanUp();
        assertThat(cache.estimatedSize()).isLessThanOrEqualTo(10);
        assertThat(cache.stats().evictionCount()).isGreaterThanOrEqualTo(190);
    }

    @Test
    void builderNamesInvalidValues() {
        final CountingStore store = new CountingStore();
        assertThatThrownBy(() -> builder(store).maximumSize(0).build()).hasMessage("maximumSize must be in [1, 2^40], was 0");
        assertThatThrownBy(() -> builder(store).negativeTtl(Duration.ofHours(1)).build())
            .hasMessage("negativeTtl must be in [1 ms, ttl = PT10M], was PT1H");
        assertThatThrownBy(() -> builder(store).ttl(Duration.ZERO).build()).hasMessageStartingWith("ttl must be in");
    }

    @Test
    void aStoreReturningNullFailsTheGetNotTheCache() throws Exception {
        final PlayerDataCache<String, String> cache = PlayerDataCache.<String, String>builder((k, e) -> null)
            .clock(clock).executor(Runnable::run).build();
        assertThatThrownBy(() -> cache.get("x").get()).hasMessageContaining("PlayerStore.load returned null");
    }
}

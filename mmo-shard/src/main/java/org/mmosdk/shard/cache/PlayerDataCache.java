package org.mmosdk.shard.cache;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.stats.CacheStats;

import org.mmosdk.core.time.Clock;

/**
 * A bounded loading cache of player data in front of a studio's {@link PlayerStore}, built on Caffeine's
 * {@link AsyncLoadingCache}:
 * <ul>
 *   <li>concurrent gets of one key share one load (one store call, one future);</li>
 *   <li>a key the store does not have is remembered as missing for {@link Builder#negativeTtl(Duration)} (short), so
 *       repeated lookups of keys that do not exist do not reach the store; found values live for
 *       {@link Builder#ttl(Duration)};</li>
 *   <li>failed loads are not cached: the next get tries again;</li>
 *   <li>at most {@link Builder#maximumSize(long)} entries (found and missing together), evicted by Caffeine's
 *       W-TinyLFU policy;</li>
 *   <li>hit, miss, load and eviction counts in {@link #stats()}.</li>
 * </ul>
 * Time comes from an mmo-core {@link Clock}, so tests drive expiry with a {@code VirtualClock}.
 *
 * <p><b>Threads.</b> Thread-safe: any thread may call any method. {@link #get} never blocks; it returns a future
 * that the store completes (on its own thread); a tick thread must not wait on it but poll it, or let the
 * continuation post the result to the zone's inbox.
 *
 * @param <K> the key
 * @param <V> the value
 */
public final class PlayerDataCache<K, V> {
    /** Default bound on entries. */
    public static final long MAXIMUM_SIZE_DEFAULT = 100_000;
    /** Default lifetime of a found value. */
    public static final Duration TTL_DEFAULT = Duration.ofMinutes(10);
    /** Default lifetime of a "not found". */
    public static final Duration NEGATIVE_TTL_DEFAULT = Duration.ofSeconds(30);

    private final AsyncLoadingCache<K, Optional<V>> cache;

    private PlayerDataCache(final Builder<K, V> b) {
        final PlayerStore<K, V> store = b.store;
        final long ttl = b.ttl.toNanos();
        final long negativeTtl = b.negativeTtl.toNanos();
        final Clock clock = b.clock;
        this.cache = Caffeine.newBuilder()
            .maximumSize(b.maximumSize)
            .expireAfter(new Expiry<K, Optional<V>>() {
                @Override
                public long expireAfterCreate(final K key, final Optional<V> value, final long currentTime) {
                    return value.isPresent() ? ttl : negativeTtl;
                }

                @Override
                public long expireAfterUpdate(final K key, final Optional<V> value, final long currentTime,
                    final long currentDuration) {
                    return value.isPresent() ? ttl : negativeTtl;
                }

                @Override
                public long expireAfterRead(final K key, final Optional<V> value, final long currentTime,
                    final long currentDuration) {
                    return currentDuration;
                }
            })
            .ticker(clock::nanoTime)
            .executor(b.executor)
            .recordStats()
            .buildAsync((key, executor) -> Objects.requireNonNull(store.load(key, executor),
                "PlayerStore.load returned null instead of a future"));
    }

    /**
     * A builder.
     *
     * @param store the studio's store
     * @param <K> the key
     * @param <V> the value
     * @return a new builder
     */
    public static <K, V> Builder<K, V> builder(final PlayerStore<K, V> store) {
        return new Builder<>(store);
    }

    /**
     * The value of a key: cached, or loaded once however many callers ask at the same time.
     *
     * @param key the key
     * @return a future of the value, or of empty if the store does not have the key
     */
    public CompletableFuture<Optional<V>> get(final K key) {
        return cache.get(key);
    }

    /**
     * Replaces a key's cached value, e.g. after the studio wrote it to the store (also ends a cached "not found").
     *
     * @param key the key
     * @param value the value now in the store
     */
    public void put(final K key, final V value) {
        cache.put(key, CompletableFuture.completedFuture(Optional.of(value)));
    }

    /**
     * Drops a key; the next get loads it.
     *
     * @param key the key
     */
    public void invalidate(final K key) {
        cache.synchronous().invalidate(key);
    }

    /**
     * Hits, misses, loads, evictions since the cache was built.
     *
     * @return Caffeine's statistics snapshot
     */
    public CacheStats stats() {
        return cache.synchronous().stats();
    }

    /**
     * Entries, found and missing, approximately.
     *
     * @return at least 0
     */
    public long estimatedSize() {
        return cache.synchronous().estimatedSize();
    }

    /** Runs pending maintenance (expiry, eviction) now; normally it runs on the executor by itself. */
    public void cleanUp() {
        cache.synchronous().cleanUp();
    }

    /**
     * Builds a {@link PlayerDataCache}; validated once in {@link #build()}.
     *
     * @param <K> the key
     * @param <V> the value
     */
    public static final class Builder<K, V> {
        private final PlayerStore<K, V> store;
        private long maximumSize = MAXIMUM_SIZE_DEFAULT;
        private Duration ttl = TTL_DEFAULT;
        private Duration negativeTtl = NEGATIVE_TTL_DEFAULT;
        private Clock clock = Clock.system();
        private Executor executor = ForkJoinPool.commonPool();

        private Builder(final PlayerStore<K, V> store) {
            this.store = store;
        }

        /**
         * Bound on entries.
         *
         * @param max in [1, 2^40]
         * @return this
         */
        public Builder<K, V> maximumSize(final long max) {
            this.maximumSize = max;
            return this;
        }

        /**
         * Lifetime of a found value after it was loaded or put.
         *
         * @param ttl in [1 ms, 30 days]
         * @return this
         */
        public Builder<K, V> ttl(final Duration ttl) {
            this.ttl = ttl;
            return this;
        }

        /**
         * Lifetime of a "not found"; keep it short, a player created meanwhile is invisible until it expires
         * (or {@link PlayerDataCache#put} it).
         *
         * @param ttl in [1 ms, the found-value ttl]
         * @return this
         */
        public Builder<K, V> negativeTtl(final Duration ttl) {
            this.negativeTtl = ttl;
            return this;
        }

        /**
         * The time source for expiry; default the system clock.
         *
         * @param clock e.g. a {@code VirtualClock} in tests
         * @return this
         */
        public Builder<K, V> clock(final Clock clock) {
            this.clock = clock;
            return this;
        }

        /**
         * Where Caffeine runs maintenance and completes dependent work; default the common pool.
         *
         * @param executor e.g. {@code Runnable::run} in tests
         * @return this
         */
        public Builder<K, V> executor(final Executor executor) {
            this.executor = executor;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return the cache
         * @throws IllegalArgumentException naming the invalid value
         */
        public PlayerDataCache<K, V> build() {
            if (store == null) {
                throw new IllegalArgumentException("store must not be null");
            }
            if (maximumSize < 1 || maximumSize > (1L << 40)) {
                throw new IllegalArgumentException("maximumSize must be in [1, 2^40], was " + maximumSize);
            }
            if (ttl == null || ttl.compareTo(Duration.ofMillis(1)) < 0 || ttl.compareTo(Duration.ofDays(30)) > 0) {
                throw new IllegalArgumentException("ttl must be in [1 ms, 30 days], was " + ttl);
            }
            if (negativeTtl == null || negativeTtl.compareTo(Duration.ofMillis(1)) < 0 || negativeTtl.compareTo(ttl) > 0) {
                throw new IllegalArgumentException("negativeTtl must be in [1 ms, ttl = " + ttl + "], was " + negativeTtl);
            }
            if (clock == null || executor == null) {
                throw new IllegalArgumentException("clock and executor must not be null");
            }
            return new PlayerDataCache<>(this);
        }
    }
}

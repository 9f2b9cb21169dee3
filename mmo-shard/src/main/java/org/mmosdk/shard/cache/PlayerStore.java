package org.mmosdk.shard.cache;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The studio's store of player data (a database, a key-value service), read asynchronously.
 *
 * @param <K> the key, e.g. a player id
 * @param <V> the value
 */
@FunctionalInterface
public interface PlayerStore<K, V> {
    /**
     * Starts loading one key. Called at most once at a time per key by {@link PlayerDataCache}; must not block.
     *
     * @param key the key
     * @param executor the cache's executor, for work the store wants to run asynchronously
     * @return a future of the value, or of empty if the key does not exist; completed exceptionally on failure
     *     (failures are not cached)
     */
    CompletableFuture<Optional<V>> load(K key, Executor executor);
}

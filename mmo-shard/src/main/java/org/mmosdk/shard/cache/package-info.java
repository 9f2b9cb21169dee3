/**
 * A loading cache for player data in front of a studio-supplied asynchronous store
 * ({@link org.mmosdk.shard.cache.PlayerStore}): {@link org.mmosdk.shard.cache.PlayerDataCache} coalesces
 * concurrent loads of one key, remembers missing keys briefly (its own short TTL), is bounded in size and keeps
 * statistics. It is Caffeine's {@code AsyncLoadingCache} configured for this job, not a cache of our own.
 *
 * <p><b>Threads.</b> Every method of {@code PlayerDataCache} is thread-safe and non-blocking and may be called
 * from any thread, tick threads included; the futures it returns complete on the store's threads (or the
 * configured executor), so a tick thread never waits on one — it hands the result to the zone through its inbox.
 * {@code PlayerStore.load} is called on the thread that missed and must not block.
 */
package org.mmosdk.shard.cache;

package org.mmosdk.shard.partition;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import org.mmosdk.core.stats.Counter;
import org.mmosdk.core.stats.StatsRegistry;

/**
 * Routes of non-spatial keys (a player's home, a guild, a chat channel), cached in a bounded Caffeine cache in
 * front of the current {@link PartitionMap}. {@link #update(PartitionMap)} swaps the map and invalidates every
 * cached route; each entry also carries the epoch of the map it came from, so a route computed concurrently
 * with an update from the old map is never served after the update.
 *
 * <p>Zone routes need no cache: {@link #routeZone(int)} is an array read on the current map.
 *
 * <p>Thread-safe: any thread may route while another one updates.
 */
public final class RouteCache {
    /** Default bound on cached routes. */
    public static final long MAX_ROUTES_DEFAULT = 100_000;

    private final Cache<String, Route> cache;
    private final Counter misses;
    private final Counter invalidations;
    private volatile PartitionMap map;

    private record Route(long epoch, int node) {
    }

    private RouteCache(final Builder b) {
        this.map = b.map;
        this.cache = Caffeine.newBuilder().maximumSize(b.maxRoutes).build();
        this.misses = b.stats.counter("shard.route.misses", "key routes computed because none was cached");
        this.invalidations = b.stats.counter("shard.route.invalidations", "route cache invalidations on map changes");
    }

    /**
     * A builder.
     *
     * @param initial the first partition map
     * @return a new builder
     */
    public static Builder builder(final PartitionMap initial) {
        return new Builder(initial);
    }

    /**
     * The node a text key routes to.
     *
     * @param key e.g. {@code "guild:42"}
     * @return the node, or {@link org.mmosdk.core.id.NodeIds#NONE} when no node is live
     */
    public int route(final String key) {
        final PartitionMap current = map;
        final Route cached = cache.getIfPresent(key);
        if (cached != null && cached.epoch == current.epoch()) {
            return cached.node;
        }
        misses.increment();
        final int node = current.nodeForKey(key);
        cache.put(key, new Route(current.epoch(), node));
        return node;
    }

    /**
     * The node that owns a zone, from the current map.
     *
     * @param zone a zone id
     * @return the owner, or {@link org.mmosdk.core.id.NodeIds#NONE}
     */
    public int routeZone(final int zone) {
        return map.nodeOfZone(zone);
    }

    /**
     * Swaps in a new map and drops every cached route.
     *
     * @param next the new map; ignored if its epoch is not newer than the current one's
     * @return true if the map was swapped
     */
    public synchronized boolean update(final PartitionMap next) {
        if (next.epoch() <= map.epoch() && next != map) {
            return false;
        }
        map = next;
        cache.invalidateAll();
        invalidations.increment();
        return true;
    }

    /**
     * The current map.
     *
     * @return the map routes are computed from
     */
    public PartitionMap map() {
        return map;
    }

    /**
     * How many routes are cached, approximately.
     *
     * @return at least 0
     */
    public long cachedRoutes() {
        return cache.estimatedSize();
    }

    /** Builds a {@link RouteCache}. */
    public static final class Builder {
        private final PartitionMap map;
        private long maxRoutes = MAX_ROUTES_DEFAULT;
        private StatsRegistry stats = new StatsRegistry();

        private Builder(final PartitionMap map) {
            this.map = map;
        }

        /**
         * Bound on cached routes.
         *
         * @param max in [1, 2^40]
         * @return this
         */
        public Builder maxRoutes(final long max) {
            this.maxRoutes = max;
            return this;
        }

        /**
         * Where to register the cache's counters ({@code shard.route.*}).
         *
         * @param registry the registry
         * @return this
         */
        public Builder stats(final StatsRegistry registry) {
            this.stats = registry;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return the cache
         * @throws IllegalArgumentException naming the invalid value
         */
        public RouteCache build() {
            if (map == null) {
                throw new IllegalArgumentException("initial partition map must not be null");
            }
            if (maxRoutes < 1 || maxRoutes > (1L << 40)) {
                throw new IllegalArgumentException("maxRoutes must be in [1, 2^40], was " + maxRoutes);
            }
            if (stats == null) {
                throw new IllegalArgumentException("stats registry must not be null");
            }
            return new RouteCache(this);
        }
    }
}

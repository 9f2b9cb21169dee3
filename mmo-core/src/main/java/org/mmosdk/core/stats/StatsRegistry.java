package org.mmosdk.core.stats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;

/**
 * Holds the stats of one server (or one component) by name and tags. Library modules register their
 * instruments here; a studio reads them, prints them, or binds them to its backend with a listener that
 * sees every instrument registered before and after it was added.
 *
 * <p>Getting an instrument with a name and tags already registered returns the existing one, so two
 * components may share a counter. Asking for the same name and tags as a different kind throws.
 */
public final class StatsRegistry {
    private final Map<String, Stat> stats = new ConcurrentHashMap<>();
    private final List<Stat> ordered = new CopyOnWriteArrayList<>();
    private final List<Consumer<Stat>> listeners = new CopyOnWriteArrayList<>();

    /** An empty registry. */
    public StatsRegistry() {
    }

    /**
     * The counter with this name and tags, created if needed.
     *
     * @param name dotted name
     * @param description a short human description
     * @param tags alternating keys and values
     * @return the counter
     */
    public Counter counter(final String name, final String description, final String... tags) {
        return register(Counter.class, name, tags, t -> new Counter(name, t, description));
    }

    /**
     * Registers a gauge read from {@code supplier}; if one with this name and tags exists, returns it unchanged.
     *
     * @param name dotted name
     * @param description a short human description
     * @param supplier read on demand, from the reader's thread
     * @param tags alternating keys and values
     * @return the gauge
     */
    public Gauge gauge(final String name, final String description, final DoubleSupplier supplier, final String... tags) {
        return register(Gauge.class, name, tags, t -> new Gauge(name, t, description, supplier));
    }

    /**
     * The latency histogram with this name and tags, created if needed (clamped at one minute).
     *
     * @param name dotted name
     * @param description a short human description
     * @param tags alternating keys and values
     * @return the histogram
     */
    public LatencyHistogram histogram(final String name, final String description, final String... tags) {
        return register(LatencyHistogram.class, name, tags,
            t -> new LatencyHistogram(name, t, description, LatencyHistogram.DEFAULT_HIGHEST_TRACKABLE_NANOS));
    }

    /**
     * Every instrument registered so far, in registration order.
     *
     * @return an unmodifiable snapshot
     */
    public List<Stat> all() {
        return List.copyOf(ordered);
    }

    /**
     * Calls {@code listener} for every instrument registered so far and for each one registered later.
     *
     * @param listener called on the registering thread; must not block
     */
    public void subscribe(final Consumer<Stat> listener) {
        synchronized (this) {
            listeners.add(listener);
            for (final Stat stat : ordered) {
                listener.accept(stat);
            }
        }
    }

    private <T extends Stat> T register(
        final Class<T> kind, final String name, final String[] tags, final java.util.function.Function<List<String>, T> factory) {
        final List<String> tagList = checkTags(name, tags);
        final String key = name + '\u0000' + String.join("\u0000", tagList);
        Stat existing = stats.get(key);
        if (existing == null) {
            synchronized (this) {
                existing = stats.get(key);
                if (existing == null) {
                    final T created = factory.apply(tagList);
                    stats.put(key, created);
                    ordered.add(created);
                    for (final Consumer<Stat> listener : listeners) {
                        listener.accept(created);
                    }
                    return created;
                }
            }
        }
        if (!kind.isInstance(existing)) {
            throw new IllegalArgumentException("stat '" + name + "' " + tagList + " is already registered as a "
                + existing.getClass().getSimpleName() + ", not a " + kind.getSimpleName());
        }
        return kind.cast(existing);
    }

    private static List<String> checkTags(final String name, final String[] tags) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("stat name must not be empty");
        }
        if (tags.length % 2 != 0) {
            throw new IllegalArgumentException("tags of stat '" + name + "' must be key/value pairs, got "
                + Arrays.toString(tags));
        }
        final List<String> list = new ArrayList<>(tags.length);
        for (final String tag : tags) {
            if (tag == null) {
                throw new IllegalArgumentException("tags of stat '" + name + "' must not be null: " + Arrays.toString(tags));
            }
            list.add(tag);
        }
        return List.copyOf(list);
    }

    @Override
    public String toString() {
        return "StatsRegistry" + ordered;
    }
}

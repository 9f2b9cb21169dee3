package org.mmosdk.core.stats;

import java.util.List;

/**
 * Something a {@link StatsRegistry} holds: a {@link Counter}, {@link Gauge} or {@link LatencyHistogram}.
 */
public sealed interface Stat permits Counter, Gauge, LatencyHistogram {
    /**
     * The dotted name, e.g. {@code tick.duration}.
     *
     * @return the name
     */
    String name();

    /**
     * Tags as alternating keys and values, e.g. {@code ["zone", "arena"]}.
     *
     * @return an unmodifiable list with an even number of entries
     */
    List<String> tags();

    /**
     * A short human description, or an empty string.
     *
     * @return the description
     */
    String description();
}

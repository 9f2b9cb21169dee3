package org.mmosdk.core.stats;

import java.util.List;
import java.util.function.DoubleSupplier;

/** A value read on demand, e.g. the number of connected sessions. */
public final class Gauge implements Stat {
    private final String name;
    private final List<String> tags;
    private final String description;
    private final DoubleSupplier supplier;

    Gauge(final String name, final List<String> tags, final String description, final DoubleSupplier supplier) {
        this.name = name;
        this.tags = tags;
        this.description = description;
        this.supplier = supplier;
    }

    /**
     * Reads the value now; the supplier must be safe to call from the reading thread.
     *
     * @return the current value
     */
    public double get() {
        return supplier.getAsDouble();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<String> tags() {
        return tags;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public String toString() {
        return name + tags + '=' + get();
    }
}

package org.mmosdk.core.stats;

import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/** A monotonically increasing count. Thread-safe, allocation-free to update. */
public final class Counter implements Stat {
    private final String name;
    private final List<String> tags;
    private final String description;
    private final LongAdder adder = new LongAdder();

    Counter(final String name, final List<String> tags, final String description) {
        this.name = name;
        this.tags = tags;
        this.description = description;
    }

    /** Adds one. */
    public void increment() {
        adder.increment();
    }

    /**
     * Adds {@code delta}.
     *
     * @param delta at least 0
     */
    public void add(final long delta) {
        adder.add(delta);
    }

    /**
     * The current count.
     *
     * @return the sum of all increments
     */
    public long get() {
        return adder.sum();
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

package org.mmosdk.core.stats;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * A latency histogram in nanoseconds (HdrHistogram, 3 significant digits). Recording is wait-free,
 * allocation-free and safe from any thread; values above {@link #highestTrackableNanos()} are clamped to it
 * and counted in {@link #clampedCount()}.
 *
 * <p>{@link #snapshot()} returns a copy of everything recorded since creation (or the last {@link #reset()}).
 * To see a recent window, keep the previous snapshot and {@link Histogram#subtract(Histogram) subtract} it.
 */
public final class LatencyHistogram implements Stat {
    /** Default highest trackable value: one minute. */
    public static final long DEFAULT_HIGHEST_TRACKABLE_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final String name;
    private final List<String> tags;
    private final String description;
    private final long highest;
    private final Recorder recorder;
    private final Histogram total;
    private Histogram recycle;
    private final LongAdder clamped = new LongAdder();

    LatencyHistogram(final String name, final List<String> tags, final String description, final long highestTrackableNanos) {
        this.name = name;
        this.tags = tags;
        this.description = description;
        this.highest = highestTrackableNanos;
        this.recorder = new Recorder(highestTrackableNanos, 3);
        this.total = new Histogram(highestTrackableNanos, 3);
    }

    /**
     * A histogram that belongs to no registry, for a caller's private use.
     *
     * @param name name shown in {@link #toString()}
     * @param highestTrackableNanos values above this are clamped
     * @return a new histogram
     */
    public static LatencyHistogram standalone(final String name, final long highestTrackableNanos) {
        return new LatencyHistogram(name, List.of(), "", highestTrackableNanos);
    }

    /**
     * Records one value.
     *
     * @param nanos the latency; negative values count as 0
     */
    public void record(final long nanos) {
        long v = nanos;
        if (v < 0) {
            v = 0;
        } else if (v > highest) {
            v = highest;
            clamped.increment();
        }
        recorder.recordValue(v);
    }

    /**
     * A copy of all values recorded so far.
     *
     * @return a new histogram the caller owns
     */
    public synchronized Histogram snapshot() {
        drain();
        return total.copy();
    }

    /**
     * The value at a percentile of everything recorded so far, in nanoseconds.
     *
     * @param percentile in [0, 100]
     * @return the value, or 0 if nothing was recorded
     */
    public synchronized long valueAtPercentile(final double percentile) {
        drain();
        return total.getValueAtPercentile(percentile);
    }

    /**
     * How many values were recorded so far.
     *
     * @return the count
     */
    public synchronized long count() {
        drain();
        return total.getTotalCount();
    }

    /** Forgets everything recorded so far. */
    public synchronized void reset() {
        drain();
        total.reset();
    }

    /**
     * How many recorded values were above {@link #highestTrackableNanos()} and clamped.
     *
     * @return the count
     */
    public long clampedCount() {
        return clamped.sum();
    }

    /**
     * Values above this are clamped to it.
     *
     * @return nanoseconds
     */
    public long highestTrackableNanos() {
        return highest;
    }

    private void drain() {
        recycle = recorder.getIntervalHistogram(recycle);
        total.add(recycle);
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
        final Histogram h = snapshot();
        return name + tags + "{count=" + h.getTotalCount() + ", p50=" + h.getValueAtPercentile(50) + "ns, p99="
            + h.getValueAtPercentile(99) + "ns, max=" + h.getMaxValue() + "ns}";
    }
}

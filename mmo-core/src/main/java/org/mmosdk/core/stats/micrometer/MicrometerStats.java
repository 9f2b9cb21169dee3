package org.mmosdk.core.stats.micrometer;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;

import org.mmosdk.core.stats.Counter;
import org.mmosdk.core.stats.LatencyHistogram;
import org.mmosdk.core.stats.Stat;
import org.mmosdk.core.stats.StatsRegistry;

/**
 * Publishes every instrument of a {@link StatsRegistry} — present and future — as Micrometer meters:
 * a {@link Counter} as a {@code FunctionCounter}, a gauge as a {@code Gauge}, and a {@link LatencyHistogram}
 * as {@code <name>.count} plus time gauges {@code <name>} tagged {@code quantile=0.5|0.99|0.999|1.0}
 * (1.0 is the maximum), in seconds as Micrometer's base unit.
 */
public final class MicrometerStats {
    private static final double[] QUANTILES = {0.5, 0.99, 0.999, 1.0};

    private MicrometerStats() {
    }

    /**
     * Binds {@code stats} to {@code meters}.
     *
     * @param stats where mmo-sdk registers its instruments
     * @param meters the studio's Micrometer registry
     */
    public static void bind(final StatsRegistry stats, final MeterRegistry meters) {
        stats.subscribe(stat -> bindOne(stat, meters));
    }

    private static void bindOne(final Stat stat, final MeterRegistry meters) {
        final Tags tags = tags(stat.tags());
        if (stat instanceof Counter counter) {
            FunctionCounter.builder(stat.name(), counter, Counter::get)
                .description(stat.description()).tags(tags).register(meters);
        } else if (stat instanceof org.mmosdk.core.stats.Gauge gauge) {
            Gauge.builder(stat.name(), gauge, org.mmosdk.core.stats.Gauge::get)
                .description(stat.description()).tags(tags).register(meters);
        } else if (stat instanceof LatencyHistogram histogram) {
            FunctionCounter.builder(stat.name() + ".count", histogram, LatencyHistogram::count)
                .description(stat.description()).tags(tags).register(meters);
            for (final double q : QUANTILES) {
                TimeGauge.builder(stat.name(), histogram, TimeUnit.NANOSECONDS, h -> h.valueAtPercentile(q * 100.0))
                    .description(stat.description()).tags(tags.and("quantile", Double.toString(q))).register(meters);
            }
        }
    }

    private static Tags tags(final List<String> keyValues) {
        Tags tags = Tags.empty();
        for (int i = 0; i < keyValues.size(); i += 2) {
            tags = tags.and(keyValues.get(i), keyValues.get(i + 1));
        }
        return tags;
    }
}

package org.mmosdk.core.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.mmosdk.core.stats.micrometer.MicrometerStats;

class StatsRegistryTest {
    private final StatsRegistry stats = new StatsRegistry();

    @Test
    void sameNameAndTagsGiveTheSameInstrument() {
        final Counter a = stats.counter("net.accepts", "accepted connections", "transport", "tcp");
        final Counter b = stats.counter("net.accepts", "", "transport", "tcp");
        final Counter ws = stats.counter("net.accepts", "", "transport", "ws");
        a.increment();
        b.add(2);
        assertThat(a).isSameAs(b);
        assertThat(a.get()).isEqualTo(3);
        assertThat(ws.get()).isZero();
        assertThat(stats.all()).hasSize(2);
    }

    @Test
    void mismatchedKindsAndBadTagsAreRejected() {
        stats.counter("x", "");
        assertThatThrownBy(() -> stats.histogram("x", ""))
            .hasMessage("stat 'x' [] is already registered as a Counter, not a LatencyHistogram");
        assertThatThrownBy(() -> stats.counter("y", "", "odd"))
            .hasMessage("tags of stat 'y' must be key/value pairs, got [odd]");
    }

    @Test
    void histogramClampsAndSnapshotsAccumulate() {
        final LatencyHistogram h = LatencyHistogram.standalone("h", TimeUnit.SECONDS.toNanos(1));
        for (int i = 1; i <= 100; i++) {
            h.record(i * 1000L);
        }
        h.record(TimeUnit.SECONDS.toNanos(5));
        assertThat(h.count()).isEqualTo(101);
        assertThat(h.clampedCount()).isEqualTo(1);
        assertThat(h.valueAtPercentile(50)).isBetween(49_000L, 52_000L);
        h.record(1);
        assertThat(h.snapshot().getTotalCount()).isEqualTo(102);
        h.reset();
        assertThat(h.count()).isZero();
    }

    @Test
    void subscribersSeePastAndFutureInstruments() {
        final List<String> seen = new ArrayList<>();
        stats.counter("early", "");
        stats.subscribe(s -> seen.add(s.name()));
        stats.gauge("late", "", () -> 1.0);
        assertThat(seen).containsExactly("early", "late");
    }

    @Test
    void bindsToMicrometer() {
        final SimpleMeterRegistry meters = new SimpleMeterRegistry();
        final Counter counter = stats.counter("net.bytes.in", "bytes received", "transport", "tcp");
        MicrometerStats.bind(stats, meters);
        final LatencyHistogram tick = stats.histogram("tick.duration", "tick time", "loop", "arena");
        stats.gauge("net.sessions", "open sessions", () -> 42);
        counter.add(1234);
        tick.record(TimeUnit.MILLISECONDS.toNanos(3));
        assertThat(meters.get("net.bytes.in").tag("transport", "tcp").functionCounter().count()).isEqualTo(1234.0);
        assertThat(meters.get("net.sessions").gauge().value()).isEqualTo(42.0);
        assertThat(meters.get("tick.duration.count").functionCounter().count()).isEqualTo(1.0);
        assertThat(meters.get("tick.duration").tag("quantile", "0.99").timeGauge().value(TimeUnit.MILLISECONDS))
            .isBetween(2.99, 3.01);
    }
}

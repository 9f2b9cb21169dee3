package org.mmosdk.core.tick;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.mmosdk.core.stats.StatsRegistry;
import org.mmosdk.core.time.Clock;
import org.mmosdk.core.time.VirtualClock;

class TickLoopTest {
    private static final long PERIOD = TimeUnit.MILLISECONDS.toNanos(50); // 20 Hz

    private final VirtualClock clock = new VirtualClock(1_000_000_000L);
    private final List<Long> ticks = new ArrayList<>();

    private TickLoop.Builder loop(final Tickable tickable) {
        return TickLoop.builder(tickable).name("test").tickRate(20).clock(clock);
    }

    @Test
    void runsTickZeroAtOnceThenOneTickPerPeriod() {
        final TickLoop loop = loop(ticks::add).build();
        assertThat(loop.doWork()).isEqualTo(1);
        assertThat(loop.doWork()).isZero();
        clock.advance(PERIOD - 1);
        assertThat(loop.doWork()).isZero();
        clock.advance(1);
        assertThat(loop.doWork()).isEqualTo(1);
        for (int i = 0; i < 98; i++) {
            clock.advance(PERIOD);
            assertThat(loop.doWork()).isEqualTo(1);
        }
        assertThat(ticks).hasSize(100).startsWith(0L, 1L, 2L).endsWith(99L);
        assertThat(loop.tick()).isEqualTo(100);
        assertThat(loop.skippedTicks()).isZero();
        assertThat(loop.overruns()).isZero();
        assertThat(loop.state()).isEqualTo(TickLoop.State.RUNNING);
    }

    @Test
    void skipPolicyRunsOneTickAndSkipsTheMissedSlots() {
        final TickLoop loop = loop(ticks::add).catchUp(TickLoop.CatchUp.SKIP).build();
        loop.doWork();
        clock.advance(5 * PERIOD + PERIOD / 2); // slots 1..5 are due
        assertThat(loop.doWork()).isEqualTo(1);
        assertThat(loop.skippedTicks()).isEqualTo(4);
        // the schedule stays on the original grid: slot 6 is due at start + 6 periods
        clock.advance(PERIOD / 2 - 1);
        assertThat(loop.doWork()).isZero();
        clock.advance(1);
        assertThat(loop.doWork()).isEqualTo(1);
        assertThat(ticks).containsExactly(0L, 1L, 2L);
    }

    @Test
    void burstPolicyRunsUpToMaxBurstAndSkipsTheRest() {
        final TickLoop loop = loop(ticks::add).catchUp(TickLoop.CatchUp.BURST).maxBurst(3).build();
        loop.doWork();
        clock.advance(2 * PERIOD);
        assertThat(loop.doWork()).isEqualTo(2);
        assertThat(loop.skippedTicks()).isZero();
        clock.advance(10 * PERIOD);
        assertThat(loop.doWork()).isEqualTo(3);
        assertThat(loop.skippedTicks()).isEqualTo(7);
        assertThat(ticks).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
        clock.advance(PERIOD);
        assertThat(loop.doWork()).isEqualTo(1);
    }

    @Test
    void slowTicksCountAsOverrunsAndAreMeasured() {
        final TickLoop loop = loop(tick -> clock.advance(tick % 2 == 0 ? PERIOD + 1 : PERIOD / 10))
            .catchUp(TickLoop.CatchUp.BURST).maxBurst(1).build();
        for (int i = 0; i < 10; i++) {
            loop.doWork();
            clock.advance(PERIOD);
        }
        assertThat(loop.tick()).isEqualTo(10);
        assertThat(loop.overruns()).isEqualTo(5);
        assertThat(loop.tickDuration().count()).isEqualTo(10);
        assertThat(loop.tickDuration().snapshot().getMaxValue()).isGreaterThanOrEqualTo(PERIOD);
        // each even tick overran by one period, so one slot was skipped after each of them
        assertThat(loop.skippedTicks()).isEqualTo(5);
    }

    @Test
    void aThrowingTickIsReportedAndTheLoopKeepsTicking() {
        final List<Long> failed = new ArrayList<>();
        final TickLoop loop = loop(tick -> {
            ticks.add(tick);
            if (tick == 3) {
                throw new IllegalStateException("boom at 3");
            }
        }).errorHandler((l, tick, error) -> {
            failed.add(tick);
            assertThat(error).hasMessage("boom at 3");
            return TickErrorHandler.Action.CONTINUE;
        }).build();
        for (int i = 0; i < 10; i++) {
            loop.doWork();
            clock.advance(PERIOD);
        }
        assertThat(failed).containsExactly(3L);
        assertThat(ticks).hasSize(10);
        assertThat(loop.errors()).isEqualTo(1);
        assertThat(loop.state()).isEqualTo(TickLoop.State.RUNNING);
    }

    @Test
    void handlerCanStopTheLoopCleanly() {
        final List<String> events = new ArrayList<>();
        final TickLoop loop = loop(new Tickable() {
            @Override
            public void onTick(final long tick) {
                events.add("tick " + tick);
                if (tick == 2) {
                    throw new IllegalArgumentException("fatal");
                }
            }

            @Override
            public void onStart() {
                events.add("start");
            }

            @Override
            public void onStop() {
                events.add("stop");
            }
        }).errorHandler((l, tick, error) -> TickErrorHandler.Action.STOP).build();
        for (int i = 0; i < 10; i++) {
            loop.doWork();
            clock.advance(PERIOD);
        }
        assertThat(events).containsExactly("start", "tick 0", "tick 1", "tick 2", "stop");
        assertThat(loop.state()).isEqualTo(TickLoop.State.FAILED);
        assertThat(loop.failure()).isInstanceOf(IllegalArgumentException.class).hasMessage("fatal");
    }

    @Test
    void defaultHandlerStopsAfterTooManyConsecutiveErrors() {
        final TickLoop loop = loop(tick -> {
            if (tick >= 5) {
                throw new IllegalStateException("broken since 5");
            }
        }).maxConsecutiveErrors(3).build();
        for (int i = 0; i < 20; i++) {
            loop.doWork();
            clock.advance(PERIOD);
        }
        assertThat(loop.tick()).isEqualTo(8);
        assertThat(loop.errors()).isEqualTo(3);
        assertThat(loop.state()).isEqualTo(TickLoop.State.FAILED);
    }

    @Test
    void aHandlerThatThrowsStopsTheLoopWithBothErrors() {
        final TickLoop loop = loop(tick -> {
            throw new IllegalStateException("tick");
        }).errorHandler((l, tick, error) -> {
            throw new UnsupportedOperationException("handler");
        }).build();
        loop.doWork();
        assertThat(loop.state()).isEqualTo(TickLoop.State.FAILED);
        assertThat(loop.failure()).hasMessage("handler");
        assertThat(loop.failure().getSuppressed()).hasSize(1);
    }

    @Test
    void failingOnStartRunsNoTick() {
        final TickLoop loop = loop(new Tickable() {
            @Override
            public void onTick(final long tick) {
                ticks.add(tick);
            }

            @Override
            public void onStart() {
                throw new IllegalStateException("no world");
            }
        }).build();
        assertThat(loop.doWork()).isZero();
        assertThat(loop.state()).isEqualTo(TickLoop.State.FAILED);
        assertThat(ticks).isEmpty();
    }

    @Test
    void stopFromInsideATickFinishesThatCall() {
        final TickLoop[] self = new TickLoop[1];
        self[0] = loop(tick -> {
            ticks.add(tick);
            if (tick == 1) {
                self[0].stop();
            }
        }).maxBurst(5).build();
        self[0].doWork();
        clock.advance(4 * PERIOD);
        assertThat(self[0].doWork()).isEqualTo(1);
        assertThat(self[0].state()).isEqualTo(TickLoop.State.STOPPED);
        assertThat(ticks).containsExactly(0L, 1L);
        clock.advance(PERIOD);
        assertThat(self[0].doWork()).isZero();
    }

    @Test
    void registersStatsUnderTheLoopName() {
        final StatsRegistry stats = new StatsRegistry();
        final TickLoop loop = loop(ticks::add).stats(stats).build();
        loop.doWork();
        assertThat(stats.counter("tick.count", "", "loop", "test").get()).isEqualTo(1);
        assertThat(stats.histogram("tick.duration", "", "loop", "test").count()).isEqualTo(1);
    }

    @Test
    void runsOnItsOwnThreadAgainstAVirtualClock() throws Exception {
        final List<Long> seen = new CopyOnWriteArrayList<>();
        final List<String> threads = new CopyOnWriteArrayList<>();
        final TickLoop loop = loop(tick -> {
            seen.add(tick);
            threads.add(Thread.currentThread().getName());
        }).build().start();
        waitUntil(() -> seen.size() == 1);
        for (int i = 1; i <= 5; i++) {
            clock.advance(PERIOD);
            final int expected = i + 1;
            waitUntil(() -> seen.size() == expected);
        }
        loop.stop();
        assertThat(loop.awaitTermination(Duration.ofSeconds(5))).isTrue();
        assertThat(seen).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
        assertThat(threads).containsOnly("mmo-tick-test");
        assertThat(loop.state()).isEqualTo(TickLoop.State.STOPPED);
        assertThatThrownBy(loop::start).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void runsOnTheSystemClockAndStopsPromptly() throws Exception {
        final List<Long> seen = new CopyOnWriteArrayList<>();
        final TickLoop loop = TickLoop.builder(seen::add).name("sys").tickRate(200).clock(Clock.system()).build();
        loop.start();
        waitUntil(() -> seen.size() >= 5);
        loop.close();
        assertThat(loop.state()).isEqualTo(TickLoop.State.STOPPED);
        final int after = seen.size();
        Thread.sleep(30);
        assertThat(seen).hasSize(after);
    }

    @Test
    void builderRejectsBadSettingsWithUsableMessages() {
        assertThatThrownBy(() -> TickLoop.builder(t -> { }).tickRate(0))
            .hasMessage("tickRate must be in [1, 10000] Hz, was 0");
        assertThatThrownBy(() -> TickLoop.builder(t -> { }).maxBurst(0))
            .hasMessage("maxBurst must be in [1, 1000], was 0");
        assertThatThrownBy(() -> TickLoop.builder(t -> { }).period(Duration.ofNanos(10)))
            .hasMessageContaining("period must be in [100us, 1h]");
    }

    private static void waitUntil(final java.util.function.BooleanSupplier condition) throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not reached within 10 s");
            }
            Thread.sleep(1);
        }
    }
}

package org.mmosdk.examples.arena;

/**
 * The arena's load shedding: while the zone's ticks take most of their period (it is about to fall behind, and then
 * every player's snapshots age and grow), each player gets a snapshot every second tick, then every third, up to a
 * bound; when the ticks are short again, back towards every tick. Dead reckoning keeps the players' views moving in
 * between. A rise needs the smoothed tick time (about a second's worth) above 70% of the period; a fall needs it under
 * 50% even if the snapshot work grew back by {@code every / (every - 1)}; after a change the next waits two seconds.
 * Zone thread.
 */
final class LoadShedding {
    private final long periodNanos;
    private final int ticksPerSecond;
    private final int maxInterval;
    private double smoothedNanos = -1;
    private int cooldown;

    /**
     * @param periodNanos the tick period
     * @param ticksPerSecond ticks a second (the smoothing window and the wait after a change are counted in them)
     * @param maxInterval the most ticks between a player's snapshots
     */
    LoadShedding(final long periodNanos, final int ticksPerSecond, final int maxInterval) {
        this.periodNanos = periodNanos;
        this.ticksPerSecond = ticksPerSecond;
        this.maxInterval = maxInterval;
    }

    /**
     * After a tick: the snapshot interval for the next ones.
     *
     * @param tickNanos how long the tick took
     * @param every the interval now
     * @return the interval from now on
     */
    int next(final long tickNanos, final int every) {
        smoothedNanos = smoothedNanos < 0 ? tickNanos : smoothedNanos + (tickNanos - smoothedNanos) / ticksPerSecond;
        if (--cooldown > 0) {
            return every;
        }
        if (smoothedNanos > 0.7 * periodNanos && every < maxInterval) {
            cooldown = 2 * ticksPerSecond;
            return every + 1;
        }
        if (every > 1 && smoothedNanos * every / (every - 1) < 0.5 * periodNanos) {
            cooldown = 2 * ticksPerSecond;
            return every - 1;
        }
        return every;
    }
}

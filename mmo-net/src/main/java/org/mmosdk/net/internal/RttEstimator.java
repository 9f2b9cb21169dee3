package org.mmosdk.net.internal;

/**
 * Smoothed round-trip time and its variation, as TCP computes them (RFC 6298): the first sample sets
 * {@code srtt = r, rttvar = r / 2}; later ones {@code rttvar = 3/4 rttvar + 1/4 |srtt - r|},
 * {@code srtt = 7/8 srtt + 1/8 r}. One thread updates; any thread reads (volatile fields).
 */
public final class RttEstimator {
    private volatile long srtt = -1;
    private volatile long rttvar = -1;
    private volatile long last = -1;

    /** An estimator with no sample yet. */
    public RttEstimator() {
    }

    /**
     * Adds a sample.
     *
     * @param rttNanos a measured round trip, at least 0
     */
    public void sample(final long rttNanos) {
        final long r = Math.max(0, rttNanos);
        last = r;
        final long s = srtt;
        if (s < 0) {
            rttvar = r / 2;
            srtt = r;
            return;
        }
        rttvar = rttvar - (rttvar >> 2) + (Math.abs(s - r) >> 2);
        srtt = s - (s >> 3) + (r >> 3);
    }

    /**
     * The smoothed round-trip time.
     *
     * @return nanoseconds, or -1 before the first sample
     */
    public long smoothedNanos() {
        return srtt;
    }

    /**
     * The round-trip variation (jitter).
     *
     * @return nanoseconds, or -1 before the first sample
     */
    public long variationNanos() {
        return rttvar;
    }

    /**
     * The last sample.
     *
     * @return nanoseconds, or -1 before the first sample
     */
    public long lastNanos() {
        return last;
    }
}

package org.mmosdk.sync.sim;

/**
 * Impairments of one direction of a simulated link. Immutable; {@code with*} return copies.
 *
 * @param latencyNanos one-way base delay
 * @param jitterNanos extra delay drawn uniformly from [0, jitter]
 * @param loss probability a droppable message is lost
 * @param duplicate probability a droppable message arrives twice
 * @param reorder probability a droppable message is held back long enough to arrive after later ones
 */
public record LinkConditions(long latencyNanos, long jitterNanos, double loss, double duplicate, double reorder) {
    /**
     * Validates.
     *
     * @param latencyNanos one-way base delay, at least 0
     * @param jitterNanos extra delay, at least 0
     * @param loss in [0, 1]
     * @param duplicate in [0, 1]
     * @param reorder in [0, 1]
     */
    public LinkConditions {
        if (latencyNanos < 0 || jitterNanos < 0) {
            throw new IllegalArgumentException("latency and jitter must be >= 0, were " + latencyNanos + ", " + jitterNanos);
        }
        check("loss", loss);
        check("duplicate", duplicate);
        check("reorder", reorder);
    }

    private static void check(final String name, final double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1], was " + p);
        }
    }

    /**
     * A perfect link with 1 ms latency.
     *
     * @return the conditions
     */
    public static LinkConditions lan() {
        return new LinkConditions(1_000_000L, 0, 0, 0, 0);
    }

    /**
     * A typical internet link: 40 ms, 10 ms jitter, no loss.
     *
     * @return the conditions
     */
    public static LinkConditions internet() {
        return new LinkConditions(40_000_000L, 10_000_000L, 0, 0, 0);
    }

    /**
     * A copy with another loss probability.
     *
     * @param p in [0, 1]
     * @return the copy
     */
    public LinkConditions withLoss(final double p) {
        return new LinkConditions(latencyNanos, jitterNanos, p, duplicate, reorder);
    }

    /**
     * A copy with another duplication probability.
     *
     * @param p in [0, 1]
     * @return the copy
     */
    public LinkConditions withDuplicate(final double p) {
        return new LinkConditions(latencyNanos, jitterNanos, loss, p, reorder);
    }

    /**
     * A copy with another reordering probability.
     *
     * @param p in [0, 1]
     * @return the copy
     */
    public LinkConditions withReorder(final double p) {
        return new LinkConditions(latencyNanos, jitterNanos, loss, duplicate, p);
    }

    /**
     * A copy with other delays.
     *
     * @param latency one-way base delay in nanoseconds
     * @param jitter extra delay bound in nanoseconds
     * @return the copy
     */
    public LinkConditions withDelay(final long latency, final long jitter) {
        return new LinkConditions(latency, jitter, loss, duplicate, reorder);
    }
}

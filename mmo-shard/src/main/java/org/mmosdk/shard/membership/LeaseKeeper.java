package org.mmosdk.shard.membership;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps one lease alive from a daemon thread of its own: {@link Membership#keepAlive(Lease)} every third of
 * the TTL. When the membership reports the lease gone, or renewals keep failing for a whole TTL (the
 * coordination service is unreachable), the keeper calls {@code onLost} once and stops: the node must stop
 * acting as an owner, since its fencing tokens are about to be — or already are — stale.
 *
 * <p>{@code onLost} runs on the keeper's thread. {@link #close()} may be called from any thread.
 */
public final class LeaseKeeper implements AutoCloseable {
    private static final long MIN_PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final Membership membership;
    private final Lease lease;
    private final Runnable onLost;
    private final ScheduledExecutorService executor;
    private final long ttlNanos;
    private long lastRenewal;
    private boolean lost;

    private LeaseKeeper(final Membership membership, final Lease lease, final Runnable onLost) {
        this.membership = membership;
        this.lease = lease;
        this.onLost = onLost;
        this.ttlNanos = lease.ttl().toNanos();
        this.lastRenewal = System.nanoTime();
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            final Thread t = new Thread(r, "mmo-lease-keeper-" + lease.nodeId());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts renewing {@code lease}.
     *
     * @param membership where the lease lives
     * @param lease the lease, from {@link Membership#join}
     * @param onLost called once if the lease is lost; must not block for long
     * @return the running keeper; close it before {@link Membership#leave(Lease)}
     */
    public static LeaseKeeper start(final Membership membership, final Lease lease, final Runnable onLost) {
        if (membership == null || lease == null || onLost == null) {
            throw new IllegalArgumentException("membership, lease and onLost must not be null");
        }
        final LeaseKeeper keeper = new LeaseKeeper(membership, lease, onLost);
        final long period = Math.max(MIN_PERIOD_NANOS, keeper.ttlNanos / 3);
        keeper.executor.scheduleAtFixedRate(keeper::renew, period, period, TimeUnit.NANOSECONDS);
        return keeper;
    }

    private void renew() {
        if (lost) {
            return;
        }
        boolean alive;
        try {
            alive = membership.keepAlive(lease);
            if (alive) {
                lastRenewal = System.nanoTime();
            }
        } catch (final RuntimeException e) {
            alive = System.nanoTime() - lastRenewal < ttlNanos;
        }
        if (!alive) {
            lost = true;
            executor.shutdown();
            onLost.run();
        }
    }

    /**
     * The period between renewals.
     *
     * @return a third of the lease's TTL, at least 10 ms
     */
    public Duration period() {
        return Duration.ofNanos(Math.max(MIN_PERIOD_NANOS, ttlNanos / 3));
    }

    /** Stops renewing; the lease then expires unless revoked. Idempotent. */
    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

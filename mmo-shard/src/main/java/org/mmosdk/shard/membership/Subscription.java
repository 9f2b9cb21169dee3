package org.mmosdk.shard.membership;

/** Ends a {@link Membership#watch} subscription. */
public interface Subscription extends AutoCloseable {
    /** Stops delivering events; idempotent. */
    @Override
    void close();
}

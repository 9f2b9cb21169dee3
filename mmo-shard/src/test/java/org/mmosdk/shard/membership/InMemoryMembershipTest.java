package org.mmosdk.shard.membership;

import java.time.Duration;

import org.mmosdk.core.time.VirtualClock;

/** The contract on {@link InMemoryMembership}, with lease expiry driven by a {@link VirtualClock}. */
class InMemoryMembershipTest extends AbstractMembershipContractTest {
    private final VirtualClock clock = new VirtualClock();
    private InMemoryMembership inMemory;

    @Override
    protected Membership create() {
        inMemory = new InMemoryMembership(clock);
        return inMemory;
    }

    @Override
    protected Duration shortTtl() {
        return Duration.ofSeconds(2);
    }

    @Override
    protected void elapse(final Duration duration) {
        clock.advance(duration);
        inMemory.expireLeases();
    }
}

package org.mmosdk.shard.membership;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.mmosdk.core.time.Clock;

class LeaseKeeperTest {
    private static final Duration TTL = Duration.ofMillis(300);

    @Test
    void keepsTheMemberAliveUntilClosed() throws InterruptedException {
        try (InMemoryMembership membership = new InMemoryMembership(Clock.system())) {
            final Lease lease = membership.join(1, "a", TTL);
            final LeaseKeeper keeper = LeaseKeeper.start(membership, lease, () -> { });
            assertThat(keeper.period()).isEqualTo(Duration.ofMillis(100));
            Thread.sleep(TTL.toMillis() * 3);
            assertThat(membership.members()).extracting(Member::nodeId).containsExactly(1);
            keeper.close();
            Thread.sleep(TTL.toMillis() * 2);
            assertThat(membership.expireLeases()).isEqualTo(1);
            assertThat(membership.members()).isEmpty();
        }
    }

    @Test
    void reportsALostLeaseOnce() throws InterruptedException {
        try (InMemoryMembership membership = new InMemoryMembership(Clock.system())) {
            final Lease lease = membership.join(1, "a", TTL);
            final CountDownLatch lost = new CountDownLatch(1);
            try (LeaseKeeper keeper = LeaseKeeper.start(membership, lease, lost::countDown)) {
                membership.leave(lease);
                assertThat(lost.await(5, TimeUnit.SECONDS)).as("onLost called").isTrue();
                assertThat(keeper.period()).isPositive();
            }
        }
    }
}

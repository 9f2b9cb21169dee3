package org.mmosdk.shard.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mmosdk.shard.membership.AbstractMembershipContractTest;
import org.mmosdk.shard.membership.Lease;
import org.mmosdk.shard.membership.Membership;
import org.mmosdk.shard.membership.MembershipEvent;
import org.mmosdk.shard.membership.Subscription;
import org.mmosdk.shard.membership.ZoneOwner;

/**
 * The membership contract against a real etcd process started for this class. Without {@code etcd} on PATH
 * the class fails when {@code CI=true} and is skipped with a loud message otherwise.
 */
class EtcdMembershipTest extends AbstractMembershipContractTest {
    private static final AtomicInteger CLUSTERS = new AtomicInteger();
    private static EtcdProcess etcd;

    @BeforeAll
    static void startEtcd() throws Exception {
        final Optional<Path> binary = EtcdProcess.findBinary();
        if (binary.isEmpty()) {
            final String message = "etcd NOT FOUND on PATH: the etcd membership contract tests did NOT run. "
                + "Install it with: apt-get install -y etcd-server etcd-client";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new IllegalStateException(message + " (CI=true, so this is a failure)");
            }
            System.err.println("\n********************************************************************\n"
                + message + "\n********************************************************************\n");
            Assumptions.abort(message);
        }
        etcd = EtcdProcess.start(binary.get());
    }

    @AfterAll
    static void stopEtcd() throws Exception {
        if (etcd != null) {
            etcd.close();
            etcd = null;
        }
    }

    @Override
    protected Membership create() {
        return EtcdMembership.builder().endpoints(etcd.clientUrl())
            .cluster("contract-" + ProcessHandle.current().pid() + '-' + CLUSTERS.incrementAndGet())
            .operationTimeout(Duration.ofSeconds(5))
            .build();
    }

    @Override
    protected Duration shortTtl() {
        return Duration.ofSeconds(2); // etcd's minimum lease TTL with default election timeout
    }

    @Override
    protected void elapse(final Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    void aWatchThatFallsBehindACompactionResynchronisesFromTheCurrentState() throws Exception {
        try (EtcdMembership m = (EtcdMembership) create();
             Client raw = Client.builder().endpoints(etcd.clientUrl()).build()) {
            final Lease one = m.join(1, "127.0.0.1:1", Duration.ofSeconds(10));
            final Lease two = m.join(2, "127.0.0.1:2", Duration.ofSeconds(10));
            final ZoneOwner zone = m.compareAndSetZoneOwner(4, 0, one).orElseThrow();
            m.leave(two);
            final long now = raw.getKVClient().get(ByteSequence.from("/", StandardCharsets.UTF_8)).get(5, TimeUnit.SECONDS)
                .getHeader().getRevision();
            raw.getKVClient().compact(now).get(5, TimeUnit.SECONDS);
            final BlockingQueue<MembershipEvent> events = new LinkedBlockingQueue<>();
            // from revision 1, long compacted: the watch ends at once and the state is sent instead of the history
            final Subscription s = m.watchFrom(events::add, 1);
            try {
                final MembershipEvent first = events.poll(10, TimeUnit.SECONDS);
                final MembershipEvent second = events.poll(10, TimeUnit.SECONDS);
                assertThat(first).isInstanceOf(MembershipEvent.Joined.class);
                assertThat(((MembershipEvent.Joined) first).member().nodeId()).isEqualTo(1);
                assertThat(second).isEqualTo(new MembershipEvent.ZoneChanged(4, 1, zone.revision()));
                m.join(3, "127.0.0.1:3", Duration.ofSeconds(10)); // and then it watches on
                final MembershipEvent third = events.poll(10, TimeUnit.SECONDS);
                assertThat(third).isInstanceOf(MembershipEvent.Joined.class);
                assertThat(((MembershipEvent.Joined) third).member().nodeId()).isEqualTo(3);
                assertThat(events.poll(300, TimeUnit.MILLISECONDS)).isNull();
            } finally {
                s.close();
            }
        }
    }

    @Test
    void builderNamesTheBadValue() {
        assertThatThrownBy(() -> EtcdMembership.builder().cluster("w").build())
            .hasMessageContaining("at least one etcd endpoint is required");
        assertThatThrownBy(() -> EtcdMembership.builder().endpoints("127.0.0.1:2379").cluster("w").build())
            .hasMessage("etcd endpoint must be an http:// or https:// URL, was 127.0.0.1:2379");
        assertThatThrownBy(() -> EtcdMembership.builder().endpoints("http://127.0.0.1:1").cluster("a/b").build())
            .hasMessage("cluster name must be 1-64 characters of [A-Za-z0-9_.-], was a/b");
    }
}

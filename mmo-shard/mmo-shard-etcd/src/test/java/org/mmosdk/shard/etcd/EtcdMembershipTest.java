package org.mmosdk.shard.etcd;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mmosdk.shard.membership.AbstractMembershipContractTest;
import org.mmosdk.shard.membership.Membership;

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
    void builderNamesTheBadValue() {
        assertThatThrownBy(() -> EtcdMembership.builder().cluster("w").build())
            .hasMessageContaining("at least one etcd endpoint is required");
        assertThatThrownBy(() -> EtcdMembership.builder().endpoints("127.0.0.1:2379").cluster("w").build())
            .hasMessage("etcd endpoint must be an http:// or https:// URL, was 127.0.0.1:2379");
        assertThatThrownBy(() -> EtcdMembership.builder().endpoints("http://127.0.0.1:1").cluster("a/b").build())
            .hasMessage("cluster name must be 1-64 characters of [A-Za-z0-9_.-], was a/b");
    }
}

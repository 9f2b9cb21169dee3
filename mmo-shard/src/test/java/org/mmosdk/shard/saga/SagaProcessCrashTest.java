package org.mmosdk.shard.saga;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mmosdk.shard.checkpoint.ChildJvm;

/**
 * A coordinator in a real child JVM runs trades against two inventory nodes served over loopback by this JVM and
 * is killed with SIGKILL ({@code destroyForcibly}) mid-run; a new coordinator reading its log finishes the open
 * sagas. Three rounds on the same log; after each kill this JVM recovers (and the next child finds nothing open). Every saga is all or
 * nothing, items are conserved.
 */
@Tag("slow")
@Timeout(180)
class SagaProcessCrashTest {
    @TempDir
    Path dir;

    @Test
    void killedCoordinatorIsRecoveredFromItsLog() throws Exception {
        final InventoryNode a = new InventoryNode("A");
        final InventoryNode b = new InventoryNode("B");
        a.give("alice", "sword", 100_000);
        b.give("bob", "shield", 100_000);
        final Path log = dir.resolve("saga.log");
        int sagasSeen = 0;
        try (InventoryServer server = new InventoryServer(Map.of("A", a, "B", b))) {
            for (int round = 0; round < 3; round++) {
                try (ChildJvm child = ChildJvm.start(SagaCoordinatorMain.class, dir.resolve("child" + round + ".log"),
                    log.toString(), Integer.toString(server.port()))) {
                    assertThat(child.nextLine(60)).startsWith("recovered ");
                    for (int i = 0; i < 40 + 13 * round; i++) {
                        assertThat(child.nextLine(60)).startsWith("saga ");
                    }
                    Thread.sleep(round * 3L);
                    child.kill();
                    sagasSeen += 40 + 13 * round + child.drain().size();
                }
                try (SagaOrchestrator o = SagaOrchestrator.builder(log).define(TradeSaga.definition(a, b)).build()) {
                    final Map<Long, SagaOutcome> recovered = o.recover();
                    System.out.printf("round %d: coordinator killed; %d saga(s) open in its log, recovered as %s%n", round,
                        recovered.size(), recovered.values());
                    assertThat(recovered.values()).doesNotContain(SagaOutcome.PENDING);
                    assertThat(o.openSagas()).isEmpty();
                }
                checkAllOrNothing(a, b);
            }
        }
        assertThat(a.sagaIds().size()).isGreaterThanOrEqualTo(sagasSeen);
    }

    private static void checkAllOrNothing(final InventoryNode a, final InventoryNode b) {
        assertThat(a.total("sword") + b.total("sword")).isEqualTo(100_000);
        assertThat(a.total("shield") + b.total("shield")).isEqualTo(100_000);
        final Set<Long> ids = new TreeSet<>(a.sagaIds());
        ids.addAll(b.sagaIds());
        for (final long id : ids) {
            int applied = 0;
            for (int step = 0; step < 4; step++) {
                final InventoryNode node = step % 2 == 0 ? a : b;
                final StepId sid = new StepId(id, step);
                applied += node.isApplied(sid) ? 1 : 0;
                assertThat(node.mutations(sid)).isLessThanOrEqualTo(node.isApplied(sid) ? 1 : 2);
            }
            assertThat(applied).as("saga %d: all four steps applied or none", id).isIn(0, 4);
        }
    }
}

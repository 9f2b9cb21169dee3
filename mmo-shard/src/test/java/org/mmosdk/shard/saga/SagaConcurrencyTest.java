package org.mmosdk.shard.saga;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Several threads run trades on one orchestrator while another keeps calling recover(): no saga is driven twice. */
@Timeout(60)
class SagaConcurrencyTest {
    @TempDir
    Path dir;

    @Test
    void concurrentRunsAndRecoverNeverDriveOneSagaTwice() throws Exception {
        final InventoryNode a = new InventoryNode("A");
        final InventoryNode b = new InventoryNode("B");
        for (int p = 0; p < 4; p++) {
            a.give("a" + p, "sword", 200);
            b.give("b" + p, "shield", 100);
        }
        final ExecutorService pool = Executors.newFixedThreadPool(4);
        try (SagaOrchestrator o = SagaOrchestrator.builder(dir.resolve("saga.log")).define(TradeSaga.definition(a, b))
            .durable(false).build()) {
            final List<Future<Integer>> workers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                final int p = t;
                workers.add(pool.submit(() -> {
                    int completed = 0;
                    for (int i = 0; i < 100; i++) {
                        // every third trade asks for more shields than there are: compensated
                        final int shields = i % 3 == 2 ? 1_000 : 1;
                        if (o.run(TradeSaga.NAME, TradeSaga.input("a" + p, "sword", 1, "b" + p, "shield", shields))
                            .outcome() == SagaOutcome.COMPLETED) {
                            completed++;
                        }
                    }
                    return completed;
                }));
            }
            int recoveredByOtherThread = 0;
            while (!workers.stream().allMatch(Future::isDone)) {
                recoveredByOtherThread += o.recover().size();
            }
            int completed = 0;
            for (final Future<Integer> w : workers) {
                completed += w.get(30, TimeUnit.SECONDS);
            }
            assertThat(recoveredByOtherThread).as("recover() never takes a saga another thread is running").isZero();
            assertThat(o.openSagas()).isEmpty();
            assertThat(completed).isEqualTo(4 * 67);
        } finally {
            pool.shutdownNow();
        }
        assertThat(a.total("sword") + b.total("sword")).isEqualTo(800);
        assertThat(a.total("shield") + b.total("shield")).isEqualTo(400);
        for (final long id : a.sagaIds()) {
            int applied = 0;
            for (int step = 0; step < 4; step++) {
                final InventoryNode node = step % 2 == 0 ? a : b;
                applied += node.isApplied(new StepId(id, step)) ? 1 : 0;
                assertThat(node.mutations(new StepId(id, step))).isLessThanOrEqualTo(2);
            }
            assertThat(applied).isIn(0, 4);
        }
        assertThat(a.count("a0", "sword")).isEqualTo(200 - 67);
        assertThat(b.count("b0", "sword")).isEqualTo(67);
    }
}

package org.mmosdk.shard.saga;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Random trades between two players on two nodes (some infeasible), random transient participant failures, and the
 * coordinator crashing at random boundaries — again and again, also during recovery. At the end every saga is
 * fully applied or fully compensated, items are conserved, nothing applied twice, and the log has no open saga.
 */
class SagaProperties {
    record Trade(int swords, int shields, int failuresOnB) {
    }

    @Provide
    Arbitrary<List<Trade>> trades() {
        return Combinators.combine(Arbitraries.integers().between(0, 6), Arbitraries.integers().between(0, 6),
            Arbitraries.integers().between(0, 4)).as(Trade::new).list().ofMinSize(1).ofMaxSize(8);
    }

    @Property(tries = 150)
    void everySagaEndsAllOrNothingWhereverTheCoordinatorCrashes(
        @ForAll("trades") final List<Trade> trades,
        @ForAll @Size(min = 0, max = 12) final List<@IntRange(min = 1, max = 40) Integer> crashAfterBoundaries)
        throws IOException {
        final Path dir = Files.createTempDirectory("saga-prop");
        try {
            final InventoryNode a = new InventoryNode("A");
            final InventoryNode b = new InventoryNode("B");
            a.give("alice", "sword", 10);
            b.give("bob", "shield", 10);
            final Path log = dir.resolve("saga.log");
            int next = 0;
            int incarnation = 0;
            while (true) {
                final int k = incarnation < crashAfterBoundaries.size() ? crashAfterBoundaries.get(incarnation) : 0;
                incarnation++;
                try (SagaOrchestrator o = SagaOrchestrator.builder(log).define(TradeSaga.definition(a, b)).durable(false)
                    .crashPoint(new SagaCrashInjectionTest.CrashAt(k)).build()) {
                    o.recover();
                    while (next < trades.size()) {
                        final Trade t = trades.get(next++); // a crash loses the request (the client would retry)
                        b.failNext(t.failuresOnB());
                        o.run(TradeSaga.NAME, TradeSaga.input("alice", "sword", t.swords(), "bob", "shield", t.shields()));
                    }
                    assertThat(o.openSagas()).isEmpty();
                    break;
                } catch (final SagaCrashInjectionTest.Crash crashed) {
                    assertThat(incarnation).isLessThanOrEqualTo(crashAfterBoundaries.size());
                }
            }
            b.failNext(0);
            assertThat(a.total("sword") + b.total("sword")).isEqualTo(10);
            assertThat(a.total("shield") + b.total("shield")).isEqualTo(10);
            final Set<Long> ids = new TreeSet<>(a.sagaIds());
            ids.addAll(b.sagaIds());
            for (final long id : ids) {
                int applied = 0;
                for (int step = 0; step < 4; step++) {
                    final InventoryNode node = step % 2 == 0 ? a : b;
                    final StepId sid = new StepId(id, step);
                    applied += node.isApplied(sid) ? 1 : 0;
                    assertThat(node.mutations(sid)).as("saga %d step %d", id, step).isLessThanOrEqualTo(
                        node.isApplied(sid) ? 1 : 2);
                }
                assertThat(applied).as("saga %d: all four steps applied or none", id).isIn(0, 4);
            }
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                for (final Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}

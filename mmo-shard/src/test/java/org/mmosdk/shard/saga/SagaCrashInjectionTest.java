package org.mmosdk.shard.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Crash injection at every boundary of a trade saga (before/after each log write, before/after each participant
 * call, during compensation), then a new orchestrator recovers from the log — and, for a second crash at every
 * boundary of that recovery, a third one. Every saga must end fully applied or fully compensated, with items
 * conserved and nothing applied twice.
 */
@Timeout(120)
class SagaCrashInjectionTest {
    @TempDir
    Path tmp;

    /** A simulated coordinator crash: an Error, so the orchestrator does not treat it as a step failure. */
    static final class Crash extends Error {
        private static final long serialVersionUID = 1L;

        Crash(final CrashPoint.Where where, final int step) {
            super("crash " + where + " step " + step, null, false, false);
        }
    }

    /** Crashes at the k-th boundary passed (k >= 1); k = 0 never crashes. Records where boundaries were. */
    static final class CrashAt implements CrashPoint {
        private int remaining;
        int passed;
        boolean lastWasEnd;
        final Set<Where> seen = EnumSet.noneOf(Where.class);

        CrashAt(final int k) {
            this.remaining = k;
        }

        @Override
        public void at(final Where where, final long sagaId, final int step) {
            passed++;
            seen.add(where);
            lastWasEnd = where == Where.AFTER_END_LOG;
            if (--remaining == 0) {
                throw new Crash(where, step);
            }
        }
    }

    enum Scenario {
        /** A gives 2 swords for 1 shield: succeeds. */
        SUCCEEDS(2, 1, 0),
        /** A asks for 10 shields B does not have: step 1 refused, step 0 compensated. */
        REFUSED_BY_B(2, 10, 0),
        /** A offers 9 swords A does not have: step 0 refused. */
        REFUSED_BY_A(9, 1, 0),
        /** Node B fails 3 calls in a row: step 1 gives up, then compensation runs (and B works again). */
        B_UNREACHABLE(2, 1, 3);

        final int swords;
        final int shields;
        final int bFailures;

        Scenario(final int swords, final int shields, final int bFailures) {
            this.swords = swords;
            this.shields = shields;
            this.bFailures = bFailures;
        }
    }

    private final class World {
        final InventoryNode a = new InventoryNode("nodeA");
        final InventoryNode b = new InventoryNode("nodeB");
        final Path log;

        World(final String name, final Scenario s) throws IOException {
            log = Files.createDirectories(tmp.resolve(name)).resolve("saga.log");
            a.give("alice", "sword", 5);
            b.give("bob", "shield", 3);
            b.failNext(s.bFailures);
        }

        SagaOrchestrator orchestrator(final CrashPoint crash) throws IOException {
            return SagaOrchestrator.builder(log).define(TradeSaga.definition(a, b)).durable(false).crashPoint(crash)
                .build();
        }
    }

    private static final byte[] input(final Scenario s) {
        return TradeSaga.input("alice", "sword", s.swords, "bob", "shield", s.shields);
    }

    /** Checks the end state of one trade saga against its outcome (null: never started). */
    private static void checkEnded(final World w, final Scenario s, final long sagaId, final SagaOutcome outcome) {
        assertThat(w.a.total("sword") + w.b.total("sword")).as("swords conserved").isEqualTo(5);
        assertThat(w.a.total("shield") + w.b.total("shield")).as("shields conserved").isEqualTo(3);
        assertThat(w.a.maxMutationsPerId()).as("no double apply on A").isLessThanOrEqualTo(2);
        assertThat(w.b.maxMutationsPerId()).as("no double apply on B").isLessThanOrEqualTo(2);
        final boolean completed = outcome == SagaOutcome.COMPLETED;
        for (int step = 0; step < 4; step++) {
            final StepId id = new StepId(sagaId, step);
            final InventoryNode node = step % 2 == 0 ? w.a : w.b;
            assertThat(node.isApplied(id)).as("step %d applied iff completed (%s)", step, outcome).isEqualTo(completed);
            assertThat(node.mutations(id)).as("step %d mutations", step).isEqualTo(completed ? 1
                : node.mutations(id) == 0 ? 0 : 2);
        }
        if (completed) {
            assertThat(s.bFailures > 0 || s == Scenario.SUCCEEDS).as("only a feasible trade completes").isTrue();
            assertThat(w.a.count("alice", "sword")).isEqualTo(5 - s.swords);
            assertThat(w.a.count("alice", "shield")).isEqualTo(s.shields);
            assertThat(w.b.count("bob", "sword")).isEqualTo(s.swords);
            assertThat(w.b.count("bob", "shield")).isEqualTo(3 - s.shields);
        } else {
            assertThat(outcome).isEqualTo(SagaOutcome.COMPENSATED);
            assertThat(w.a.count("alice", "sword")).isEqualTo(5);
            assertThat(w.a.count("alice", "shield")).isZero();
            assertThat(w.b.count("bob", "sword")).isZero();
            assertThat(w.b.count("bob", "shield")).isEqualTo(3);
        }
    }

    /**
     * The one saga recovery finished, or — if the crash came after its end record — the one that had ended, with the
     * outcome of a clean run.
     */
    private static Map.Entry<Long, SagaOutcome> single(final World w, final Scenario s, final Map<Long, SagaOutcome> recovered,
        final boolean crashedAfterEnd) {
        if (crashedAfterEnd) {
            assertThat(recovered).as("the saga had ended before the crash").isEmpty();
            final Set<Long> ids = new java.util.TreeSet<>(w.a.sagaIds());
            ids.addAll(w.b.sagaIds());
            assertThat(ids).hasSize(1);
            return Map.entry(ids.iterator().next(), s == Scenario.SUCCEEDS ? SagaOutcome.COMPLETED : SagaOutcome.COMPENSATED);
        }
        assertThat(recovered).hasSize(1);
        return recovered.entrySet().iterator().next();
    }

    private static int boundariesOfACleanRun(final World w, final Scenario s) throws IOException {
        final CrashAt count = new CrashAt(0);
        try (SagaOrchestrator o = w.orchestrator(count)) {
            final SagaOrchestrator.Result r = o.run(TradeSaga.NAME, input(s));
            checkEnded(w, s, r.sagaId(), r.outcome());
            assertThat(r.outcome()).isEqualTo(s == Scenario.SUCCEEDS ? SagaOutcome.COMPLETED : SagaOutcome.COMPENSATED);
        }
        return count.passed;
    }

    @ParameterizedTest
    @EnumSource(Scenario.class)
    void crashAtEveryBoundaryThenRecover(final Scenario s) throws IOException {
        final int n = boundariesOfACleanRun(new World("clean", s), s);
        final Set<CrashPoint.Where> crashedAt = EnumSet.noneOf(CrashPoint.Where.class);
        for (int k = 1; k <= n; k++) {
            final World w = new World("k" + k, s);
            final CrashAt crash = new CrashAt(k);
            try (SagaOrchestrator o = w.orchestrator(crash)) {
                assertThatThrownBy(() -> o.run(TradeSaga.NAME, input(s))).isInstanceOf(Crash.class);
            }
            crashedAt.addAll(crash.seen);
            try (SagaOrchestrator o = w.orchestrator(CrashPoint.NONE)) {
                final Map<Long, SagaOutcome> recovered = o.recover();
                if (k == 1) {
                    assertThat(recovered).as("crash before the start record: the saga never existed").isEmpty();
                    checkEnded(w, Scenario.REFUSED_BY_A, -1, SagaOutcome.COMPENSATED);
                    continue;
                }
                final Map.Entry<Long, SagaOutcome> e = single(w, s, recovered, k == n);
                checkEnded(w, s, e.getKey(), e.getValue());
                if (s == Scenario.SUCCEEDS) {
                    assertThat(e.getValue()).as("a feasible trade resumes forward").isEqualTo(SagaOutcome.COMPLETED);
                }
                assertThat(o.openSagas()).isEmpty();
            }
        }
        if (s == Scenario.REFUSED_BY_B) {
            assertThat(crashedAt).as("every kind of boundary was crashed at")
                .containsExactlyInAnyOrder(CrashPoint.Where.values());
        }
    }

    @ParameterizedTest
    @EnumSource(value = Scenario.class, names = {"SUCCEEDS", "REFUSED_BY_B"})
    void crashAgainAtEveryBoundaryOfTheRecovery(final Scenario s) throws IOException {
        final int n = boundariesOfACleanRun(new World("clean", s), s);
        int runs = 0;
        for (int k1 = 2; k1 <= n; k1++) {
            for (int k2 = 1; ; k2++) {
                final World w = new World("k" + k1 + "-" + k2, s);
                try (SagaOrchestrator o = w.orchestrator(new CrashAt(k1))) {
                    assertThatThrownBy(() -> o.run(TradeSaga.NAME, input(s))).isInstanceOf(Crash.class);
                }
                final CrashAt second = new CrashAt(k2);
                boolean crashedAgain = false;
                try (SagaOrchestrator o = w.orchestrator(second)) {
                    o.recover();
                } catch (final Crash expected) {
                    crashedAgain = true;
                }
                try (SagaOrchestrator o = w.orchestrator(CrashPoint.NONE)) {
                    final Map<Long, SagaOutcome> recovered = o.recover();
                    if (!crashedAgain) {
                        assertThat(recovered).isEmpty();
                        break;
                    }
                    final Map.Entry<Long, SagaOutcome> e = single(w, s, recovered, second.lastWasEnd);
                    checkEnded(w, s, e.getKey(), e.getValue());
                }
                runs++;
                if (k2 > 100) {
                    fail("recovery passed more than 100 boundaries");
                }
            }
        }
        assertThat(runs).isGreaterThan(n);
    }

    @Test
    void participantsUnreachableDuringCompensationLeaveTheSagaPendingUntilRecover() throws IOException {
        final World w = new World("pending", Scenario.REFUSED_BY_B);
        try (SagaOrchestrator o = w.orchestrator(CrashPoint.NONE)) {
            w.b.failNext(0);
            // B refuses step 1; then A is unreachable for every compensation attempt of step 0
            final CrashPoint failA = (where, id, step) -> {
                if (where == CrashPoint.Where.BEFORE_STEP_LOG && step == 1) {
                    w.a.failNext(SagaOrchestrator.MAX_ATTEMPTS_DEFAULT);
                }
            };
            try (SagaOrchestrator inner = SagaOrchestrator.builder(tmp.resolve("pending2.log"))
                .define(TradeSaga.definition(w.a, w.b)).durable(false).crashPoint(failA).build()) {
                final SagaOrchestrator.Result r = inner.run(TradeSaga.NAME, input(Scenario.REFUSED_BY_B));
                assertThat(r.outcome()).isEqualTo(SagaOutcome.PENDING);
                assertThat(w.a.count("alice", "sword")).as("step 0 still applied while pending").isEqualTo(3);
                assertThat(inner.openSagas()).containsExactly(r.sagaId());
                assertThat(inner.recover()).containsEntry(r.sagaId(), SagaOutcome.COMPENSATED);
                checkEnded(w, Scenario.REFUSED_BY_B, r.sagaId(), SagaOutcome.COMPENSATED);
            }
            assertThat(o.openSagas()).isEmpty();
        }
    }

    @Test
    void aSecondOrchestratorCannotOpenTheSameLog() throws IOException {
        final World w = new World("locked", Scenario.SUCCEEDS);
        try (SagaOrchestrator o = w.orchestrator(CrashPoint.NONE)) {
            assertThatThrownBy(() -> w.orchestrator(CrashPoint.NONE)).isInstanceOf(IOException.class)
                .hasMessageContaining("open by another writer");
            assertThat(o.openSagas()).isEmpty();
        }
    }

    @Test
    void recoveryNeedsTheDefinitionByName() throws IOException {
        final World w = new World("unknown", Scenario.SUCCEEDS);
        try (SagaOrchestrator o = w.orchestrator(new CrashAt(3))) {
            assertThatThrownBy(() -> o.run(TradeSaga.NAME, input(Scenario.SUCCEEDS))).isInstanceOf(Crash.class);
        }
        try (SagaOrchestrator o = SagaOrchestrator.builder(w.log)
            .define(SagaDefinition.of("other", TradeSaga.definition(w.a, w.b).steps().toArray(new SagaStep[0]))).build()) {
            assertThatThrownBy(o::recover).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("uses definition 'trade', which is not registered");
        }
    }

    @Test
    void idleLogIsCompactedAndIdsStayUnique() throws IOException {
        final World w = new World("compact", Scenario.SUCCEEDS);
        long lastId;
        try (SagaOrchestrator o = SagaOrchestrator.builder(w.log).define(TradeSaga.definition(w.a, w.b)).durable(false)
            .maxLogBytes(4096).build()) {
            SagaOrchestrator.Result r = null;
            for (int i = 0; i < 100; i++) {
                r = o.run(TradeSaga.NAME, TradeSaga.input("alice", "sword", 0, "bob", "shield", 0));
                assertThat(r.outcome()).isEqualTo(SagaOutcome.COMPLETED);
            }
            lastId = r.sagaId();
            assertThat(Files.size(w.log)).isGreaterThan(4096);
            assertThat(o.recover()).isEmpty();
            assertThat(Files.size(w.log)).isLessThan(100);
        }
        try (SagaOrchestrator o = w.orchestrator(CrashPoint.NONE)) {
            assertThat(o.run(TradeSaga.NAME, input(Scenario.SUCCEEDS)).sagaId()).isGreaterThan(lastId);
        }
    }
}

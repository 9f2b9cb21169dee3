package org.mmosdk.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.mmosdk.core.id.EntityIds;
import org.mmosdk.sync.sim.LinkConditions;

/** Enter / stay / leave with hysteresis, owner-only components, destroyed entities. */
class InterestTest {
    @Test
    void enterWithinRadiusLeaveBeyondHysteresis() {
        final SyncSim sim = new SyncSim(21, 1, 0, LinkConditions.lan(), 4000);
        sim.npcsMove = false;
        sim.playersMove = false;
        final SyncSim.Client c = sim.clients.get(0);
        final long npc = sim.server.create(sim.npcArchetype);
        final float px = sim.server.get(c.player, SyncSim.X);
        final float py = sim.server.get(c.player, SyncSim.Y);
        sim.server.set(npc, SyncSim.Y, py);
        sim.server.set(npc, SyncSim.X, px + 50);          // outside 48
        sim.run(5);
        assertThat(c.sync.mirrorOf(npc)).isEqualTo(EntityIds.NONE);
        sim.server.set(npc, SyncSim.X, px + 47);          // enters
        sim.run(5);
        assertThat(c.sync.mirrorOf(npc)).isNotEqualTo(EntityIds.NONE);
        sim.server.set(npc, SyncSim.X, px + 53);          // within 48 + 6: stays
        sim.run(5);
        assertThat(c.sync.mirrorOf(npc)).isNotEqualTo(EntityIds.NONE);
        assertThat(c.mirror.get(c.sync.mirrorOf(npc), SyncSim.X)).isCloseTo(px + 53, org.assertj.core.data.Offset.offset(0.01f));
        sim.server.set(npc, SyncSim.X, px + 55);          // leaves
        sim.run(5);
        assertThat(c.sync.mirrorOf(npc)).isEqualTo(EntityIds.NONE);
        assertThat(sim.sync.visibleCount(c.atServer)).isEqualTo(1);   // only its own entity
        sim.server.set(npc, SyncSim.X, px + 10);
        sim.run(5);
        final long m = c.sync.mirrorOf(npc);
        assertThat(m).isNotEqualTo(EntityIds.NONE);
        sim.server.destroy(npc);
        sim.run(5);
        assertThat(c.sync.mirrorOf(npc)).isEqualTo(EntityIds.NONE);
        assertThat(c.mirror.isAlive(m)).isFalse();
    }

    /**
     * A crowd larger than {@code maxVisible}: the client sees its own entity and the nearest others, up to the cap; an
     * entity coming nearer takes the place of the farthest one in view only once it is clearly nearer (10%), so two at
     * about the same distance do not swap every update.
     */
    @Test
    void aCrowdBeyondMaxVisibleShowsTheNearest() {
        final SyncSim sim = new SyncSim(26, 1, 0, LinkConditions.lan(), 100_000, 1, true, 10);
        sim.npcsMove = false;
        sim.playersMove = false;
        final SyncSim.Client c = sim.clients.get(0);
        final float px = sim.server.get(c.player, SyncSim.X);
        final float py = sim.server.get(c.player, SyncSim.Y);
        final long[] npcs = new long[30];
        for (int i = 0; i < npcs.length; i++) {
            npcs[i] = sim.server.create(sim.npcArchetype);
            sim.server.set(npcs[i], SyncSim.X, px + 2 + i);   // 2, 3, ... 31 away, all within the view radius (48)
            sim.server.set(npcs[i], SyncSim.Y, py);
        }
        sim.run(10);
        assertThat(sim.sync.crowdedInterestUpdates()).isPositive();
        assertThat(sim.sync.visibleCount(c.atServer)).isEqualTo(10);
        assertThat(c.sync.mirrorOf(c.player)).isNotEqualTo(EntityIds.NONE);
        for (int i = 0; i < npcs.length; i++) {
            assertThat(c.sync.mirrorOf(npcs[i]) != EntityIds.NONE).as("npc %d away", 2 + i).isEqualTo(i < 9);
        }
        // npc 9 (11 away) comes to 9.5: nearer than npc 8 (10 away) but not by 10%, so nothing changes
        sim.server.set(npcs[9], SyncSim.X, px + 9.5f);
        sim.run(10);
        assertThat(c.sync.mirrorOf(npcs[9])).isEqualTo(EntityIds.NONE);
        assertThat(c.sync.mirrorOf(npcs[8])).isNotEqualTo(EntityIds.NONE);
        // at 8.5 it is: it enters, npc 8 leaves
        sim.server.set(npcs[9], SyncSim.X, px + 8.5f);
        sim.run(10);
        assertThat(c.sync.mirrorOf(npcs[9])).isNotEqualTo(EntityIds.NONE);
        assertThat(c.sync.mirrorOf(npcs[8])).isEqualTo(EntityIds.NONE);
        assertThat(sim.sync.visibleCount(c.atServer)).isEqualTo(10);
        assertThat(c.mirror.get(c.sync.mirrorOf(npcs[9]), SyncSim.X))
            .isCloseTo(px + 8.5f, org.assertj.core.data.Offset.offset(0.01f));
    }

    /**
     * A crowded client's next query reaches only a little beyond its farthest kept entity; that is exact: over a moving
     * crowd (entities walking in and out, clients moving) every client sees the same entities, tick by tick, as with
     * the full query every time.
     */
    @Test
    void aBoundedCrowdQueryKeepsWhatTheFullQueryKeeps() {
        final SyncSim bounded = new SyncSim(27, 6, 800, LinkConditions.lan(), 100_000, 1, true, 12, SyncSim.RULES, true);
        final SyncSim full = new SyncSim(27, 6, 800, LinkConditions.lan(), 100_000, 1, true, 12, SyncSim.RULES, false);
        int compared = 0;
        for (int t = 0; t < 120; t++) {
            bounded.tick();
            full.tick();
            for (int i = 0; i < bounded.clients.size(); i++) {
                final SyncSim.Client b = bounded.clients.get(i);
                final SyncSim.Client f = full.clients.get(i);
                assertThat(bounded.sync.visibleCount(b.atServer)).as("tick %d client %d", t, i)
                    .isEqualTo(full.sync.visibleCount(f.atServer));
                for (int k = 0; k < bounded.npcs.size(); k++) {
                    assertThat(b.sync.mirrorOf(bounded.npcs.get(k)) != EntityIds.NONE).as("tick %d client %d npc %d", t, i, k)
                        .isEqualTo(f.sync.mirrorOf(full.npcs.get(k)) != EntityIds.NONE);
                }
                compared++;
            }
        }
        assertThat(compared).isEqualTo(720);
        assertThat(full.sync.crowdedInterestUpdates()).isGreaterThan(300);
        assertThat(bounded.sync.boundedInterestUpdates()).as("bounded queries").isGreaterThan(200);
        assertThat(full.sync.boundedInterestUpdates()).isZero();
    }

    @Test
    void maxVisibleMustBePositive() {
        final org.mmosdk.ecs.World w = org.mmosdk.ecs.World.builder().components(SyncSim.POSITION).build();
        assertThatThrownBy(() -> SyncServer.builder(w, SyncSim.RULES).maxVisible(0))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxVisible");
    }

    /**
     * With an interest interval of 4 ticks an entity coming into range is in view within 4 ticks (not necessarily at
     * once), one going out of range leaves within 4, and a destroyed one leaves at the next tick.
     */
    @Test
    void anInterestIntervalDelaysEnterAndLeaveByAtMostItsTicks() {
        final SyncSim sim = new SyncSim(25, 1, 0, LinkConditions.lan(), 4000, 4);
        sim.npcsMove = false;
        sim.playersMove = false;
        final SyncSim.Client c = sim.clients.get(0);
        final float px = sim.server.get(c.player, SyncSim.X);
        final float py = sim.server.get(c.player, SyncSim.Y);
        sim.run(8);
        assertThat(sim.sync.visibleCount(c.atServer)).isEqualTo(1);
        int maxEnter = 0;
        int maxLeave = 0;
        int minLeave = Integer.MAX_VALUE;
        for (int trial = 0; trial < 8; trial++) {
            final long npc = sim.server.create(sim.npcArchetype);
            sim.server.set(npc, SyncSim.Y, py);
            sim.server.set(npc, SyncSim.X, px + 10);
            int enter = 0;
            while (sim.sync.visibleCount(c.atServer) == 1) {
                sim.tick();
                enter++;
                assertThat(enter).isLessThanOrEqualTo(4);
            }
            maxEnter = Math.max(maxEnter, enter);
            sim.run(trial % 3);
            sim.server.set(npc, SyncSim.X, px + 100);
            int leave = 0;
            while (sim.sync.visibleCount(c.atServer) == 2) {
                sim.tick();
                leave++;
                assertThat(leave).isLessThanOrEqualTo(12);   // leaving, then freed when acked
            }
            maxLeave = Math.max(maxLeave, leave);
            minLeave = Math.min(minLeave, leave);
            sim.server.set(npc, SyncSim.X, px + 10);
            while (sim.sync.visibleCount(c.atServer) == 1) {
                sim.tick();
            }
            sim.run(3);
            final long m = c.sync.mirrorOf(npc);
            assertThat(m).isNotEqualTo(EntityIds.NONE);
            sim.server.destroy(npc);
            sim.run(1);
            assertThat(sim.sync.visibleCount(c.atServer)).isEqualTo(2);   // leaving: told in this tick's snapshot
            sim.run(4);
            assertThat(sim.sync.visibleCount(c.atServer)).isEqualTo(1);
            assertThat(c.mirror.isAlive(m)).isFalse();
        }
        assertThat(maxEnter).as("some entries waited for the client's interest tick").isGreaterThan(1);
        assertThat(maxLeave - minLeave).as("leaves wait at most 3 ticks for the interest tick").isBetween(1, 3);
    }

    @Test
    void ownerOnlyComponentsReachOnlyTheOwner() {
        final SyncSim sim = new SyncSim(22, 2, 0, LinkConditions.lan(), 4000);
        sim.playersMove = false;
        final SyncSim.Client a = sim.clients.get(0);
        final SyncSim.Client b = sim.clients.get(1);
        sim.server.set(b.player, SyncSim.X, sim.server.get(a.player, SyncSim.X) + 5);
        sim.server.set(b.player, SyncSim.Y, sim.server.get(a.player, SyncSim.Y));
        sim.server.set(b.player, SyncSim.STAMINA, 42);
        sim.run(5);
        final long bInA = a.sync.mirrorOf(b.player);
        final long bInB = b.sync.mirrorOf(b.player);
        assertThat(bInA).isNotEqualTo(EntityIds.NONE);
        assertThat(a.mirror.has(bInA, SyncSim.STAMINA_T)).isFalse();
        assertThat(b.mirror.get(bInB, SyncSim.STAMINA)).isEqualTo(42);
        assertThat(b.sync.ownedEntity()).isEqualTo(b.player);
    }

    @Test
    void interpolationRendersBetweenSnapshotsAndExtrapolatesBoundedly() {
        final SyncSim sim = new SyncSim(23, 1, 0, LinkConditions.lan(), 4000);
        sim.playersMove = false;
        final SyncSim.Client c = sim.clients.get(0);
        final long npc = sim.server.create(sim.npcArchetype);
        final float px = sim.server.get(c.player, SyncSim.X);
        sim.server.set(npc, SyncSim.Y, sim.server.get(c.player, SyncSim.Y));
        for (int i = 0; i < 10; i++) {           // moves 1 unit per tick
            sim.server.set(npc, SyncSim.X, px + i);
            sim.tick();
        }
        final float[] out = new float[3];
        final long newest = sim.clock.nanoTime();
        assertThat(c.sync.sample(npc, newest - SyncSim.TICK_NANOS * 3 / 2, out)).isTrue();
        assertThat(out[0]).isCloseTo(px + 7.5f, org.assertj.core.data.Offset.offset(0.6f));
        c.sync.sample(npc, newest + 10 * SyncSim.TICK_NANOS, out);     // extrapolation stops after 100 ms
        assertThat(out[0]).isLessThanOrEqualTo(px + 9 + 3.01f);
        assertThat(c.sync.renderTimeNanos()).isLessThan(sim.clock.nanoTime());
    }

    /** A headless client keeps its mirror up to date like any other, but no interpolation history. */
    @Test
    void aHeadlessClientMirrorsWithoutInterpolationHistory() {
        final SyncSim sim = new SyncSim(23, 1, 0, LinkConditions.lan(), 4000);
        sim.playersMove = false;
        final SyncSim.Client c = sim.clients.get(0);
        final SyncSim.Client headless = sim.addHeadlessClient(LinkConditions.lan());
        final float px = sim.server.get(c.player, SyncSim.X);
        final float py = sim.server.get(c.player, SyncSim.Y);
        sim.server.set(headless.player, SyncSim.X, px + 5);
        sim.server.set(headless.player, SyncSim.Y, py);
        final long npc = sim.server.create(sim.npcArchetype);
        sim.server.set(npc, SyncSim.Y, py);
        for (int i = 0; i < 10; i++) {
            sim.server.set(npc, SyncSim.X, px + i);
            sim.tick();
        }
        sim.run(3);
        final float[] out = new float[3];
        final long newest = sim.clock.nanoTime();
        assertThat(c.sync.sample(npc, newest - SyncSim.TICK_NANOS, out)).isTrue();
        assertThat(headless.sync.sample(npc, newest - SyncSim.TICK_NANOS, out)).isFalse();
        final long inHeadless = headless.sync.mirrorOf(npc);
        assertThat(inHeadless).isNotEqualTo(EntityIds.NONE);
        assertThat(headless.mirror.get(inHeadless, SyncSim.X)).isCloseTo(px + 9, org.assertj.core.data.Offset.offset(0.01f));
    }

    @Test
    void rulesRejectWhatCannotWork() {
        assertThatThrownBy(() -> ReplicationRules.builder().build()).hasMessageContaining("position");
        assertThatThrownBy(() -> ReplicationRules.builder().position(SyncSim.X, SyncSim.Y).quantize(SyncSim.X, 1, 1, 8))
            .hasMessageContaining("max must be > min");
        assertThatThrownBy(() -> ReplicationRules.builder().position(SyncSim.X, SyncSim.Y).angle(SyncSim.YAW, 1).build())
            .hasMessageContaining("bits");
        assertThatThrownBy(() -> ReplicationRules.builder().position(SyncSim.X, SyncSim.Y).quantize(SyncSim.YAW, 0, 1, 8).build())
            .hasMessageContaining("does not replicate");
    }
}

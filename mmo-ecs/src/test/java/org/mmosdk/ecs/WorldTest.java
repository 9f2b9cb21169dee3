package org.mmosdk.ecs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mmosdk.ecs.TestComponents.FROZEN;
import static org.mmosdk.ecs.TestComponents.HEALTH;
import static org.mmosdk.ecs.TestComponents.HP;
import static org.mmosdk.ecs.TestComponents.POSITION;
import static org.mmosdk.ecs.TestComponents.POS_X;
import static org.mmosdk.ecs.TestComponents.POS_Y;
import static org.mmosdk.ecs.TestComponents.VELOCITY;
import static org.mmosdk.ecs.TestComponents.VEL_X;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.mmosdk.core.id.EntityIds;
import org.mmosdk.core.stats.StatsRegistry;

class WorldTest {
    private final World world = TestComponents.newWorld(64);
    private final Archetype moving = world.archetype(POSITION, VELOCITY);

    @Test
    void staleHandlesAreDetectedAndNeverReadTheNewOccupant() {
        final long a = world.create(moving);
        world.set(a, POS_X, 1f);
        world.destroy(a);
        final long b = world.create(moving);
        world.set(b, POS_X, 2f);
        assertThat(EntityIds.index(b)).isEqualTo(EntityIds.index(a));
        assertThat(world.isAlive(a)).isFalse();
        assertThatThrownBy(() -> world.get(a, POS_X)).isInstanceOf(StaleEntityException.class)
            .hasMessage("entity " + EntityIds.toString(a) + " is stale: slot 0 now holds generation 2");
        assertThatThrownBy(() -> world.destroy(a)).isInstanceOf(StaleEntityException.class);
        assertThatThrownBy(() -> world.get(EntityIds.of(999, 1), POS_X)).hasMessageContaining("never created");
        assertThat(world.get(b, POS_X)).isEqualTo(2f);
    }

    @Test
    void missingComponentsAndUnregisteredTypesGiveClearErrors() {
        final long e = world.create(moving);
        assertThatThrownBy(() -> world.get(e, HP)).hasMessage("chunk of Archetype[Position, Velocity] has no field Health.hp");
        final ComponentType stranger = ComponentType.tag("Stranger");
        assertThatThrownBy(() -> world.add(e, stranger)).hasMessageContaining("not registered in this world");
    }

    @Test
    void addAndRemoveKeepTheOtherData() {
        final long e = world.create(moving);
        world.set(e, POS_X, 3f);
        world.set(e, VEL_X, 4f);
        world.add(e, HEALTH);
        world.set(e, HP, 100);
        world.remove(e, VELOCITY);
        assertThat(world.get(e, POS_X)).isEqualTo(3f);
        assertThat(world.get(e, HP)).isEqualTo(100);
        assertThat(world.has(e, VELOCITY)).isFalse();
        world.add(e, VELOCITY);
        assertThat(world.get(e, VEL_X)).isZero();
    }

    @Test
    void changeTicksTellWhatChangedAndWasAddedSinceATick() {
        final List<Long> entities = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            entities.add(world.create(moving));
        }
        final int t1 = world.tick();
        world.advanceTick();
        world.advanceTick();
        for (int i = 0; i < 200; i += 10) {
            world.set(entities.get(i), POS_Y, i);
        }
        final long late = world.create(moving);
        world.destroy(entities.get(5));
        final Query q = world.query().all(POSITION).build();
        final List<Long> changed = new ArrayList<>();
        final int[] rows = world.newRowBuffer();
        q.forEachChangedSince(POSITION, t1, rows, (chunk, row) -> changed.add(chunk.entity(row)));
        final List<Long> expected = new ArrayList<>();
        for (int i = 0; i < 200; i += 10) {
            expected.add(entities.get(i));
        }
        expected.add(late);
        assertThat(changed).containsExactlyInAnyOrderElementsOf(expected);
        final List<Long> added = new ArrayList<>();
        q.forEachAddedSince(POSITION, t1, rows, (chunk, row) -> added.add(chunk.entity(row)));
        assertThat(added).containsExactly(late);
        final List<Long> destroyed = new ArrayList<>();
        world.forEachDestroyedSince(t1, destroyed::add);
        assertThat(destroyed).containsExactly(entities.get(5));
        world.forgetDestroyedUpTo(world.tick());
        destroyed.clear();
        world.forEachDestroyedSince(t1, destroyed::add);
        assertThat(destroyed).isEmpty();
        // nothing changed after the current tick
        changed.clear();
        q.forEachChangedSince(POSITION, world.tick(), rows, (chunk, row) -> changed.add(chunk.entity(row)));
        assertThat(changed).isEmpty();
    }

    @Test
    void removalsAreJournaledAndEntitiesCanBeLocated() {
        final long e = world.create(world.archetype(POSITION, VELOCITY, HEALTH));
        final int before = world.tick();
        world.advanceTick();
        world.remove(e, HEALTH);
        world.remove(e, HEALTH); // not present: nothing happens, nothing recorded
        final List<String> removed = new ArrayList<>();
        world.forEachRemovedSince(before, (entity, type) -> removed.add(EntityIds.toString(entity) + " " + type));
        assertThat(removed).containsExactly(EntityIds.toString(e) + " Health");
        assertThat(world.chunkOf(e).entity(world.rowOf(e))).isEqualTo(e);
        world.forgetDestroyedUpTo(world.tick());
        removed.clear();
        world.forEachRemovedSince(before, (entity, type) -> removed.add(type.name()));
        assertThat(removed).isEmpty();
    }

    @Test
    void writeAccessorsStampEveryRowAndReadAccessorsNone() {
        for (int i = 0; i < 100; i++) {
            world.create(moving);
        }
        final int before = world.advanceTick() - 1;
        final Query q = world.query().all(POSITION, VELOCITY).build();
        q.forEachChunk(chunk -> chunk.floats(POS_X)[0] = 42f);
        final int[] rows = world.newRowBuffer();
        final int[] count = {0};
        q.forEachChangedSince(POSITION, before, rows, (c, r) -> count[0]++);
        assertThat(count[0]).isZero();
        q.forEachChunk(chunk -> {
            final float[] x = chunk.writeFloats(POS_X);
            final float[] vx = chunk.floats(VEL_X);
            for (int i = 0; i < chunk.size(); i++) {
                x[i] += vx[i];
            }
        });
        q.forEachChangedSince(POSITION, before, rows, (c, r) -> count[0]++);
        assertThat(count[0]).isEqualTo(100);
    }

    @Test
    void queriesHonourAllAnyNoneAndSeeNewArchetypes() {
        final Query movingNotFrozen = world.query().all(POSITION, VELOCITY).none(FROZEN).build();
        final Query healthOrFrozen = world.query().any(HEALTH, FROZEN).build();
        world.create(moving);
        final long frozen = world.create(world.archetype(POSITION, VELOCITY, FROZEN));
        world.create(world.archetype(HEALTH));
        world.create(world.archetype(POSITION));
        assertThat(movingNotFrozen.count()).isEqualTo(1);
        assertThat(healthOrFrozen.count()).isEqualTo(2);
        world.remove(frozen, FROZEN);
        assertThat(movingNotFrozen.count()).isEqualTo(2);
        assertThatThrownBy(() -> world.query().all(FROZEN).none(FROZEN).build())
            .hasMessageContaining("both required");
    }

    @Test
    void structuralChangesDuringIterationAreRefusedAndCommandBuffersApplyThemLater() {
        for (int i = 0; i < 10; i++) {
            world.create(moving);
        }
        final Query q = world.query().all(POSITION).build();
        assertThatThrownBy(() -> q.forEachEntity(world::destroy)).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("CommandBuffer");
        final CommandBuffer commands = new CommandBuffer(world);
        q.forEachEntity(e -> {
            commands.destroy(e);
            final long spawned = commands.create(moving);
            commands.set(spawned, POS_X, 7f);
        });
        assertThat(commands.apply()).isEqualTo(30);
        assertThat(world.entityCount()).isEqualTo(10);
        q.forEachEntity(e -> assertThat(world.get(e, POS_X)).isEqualTo(7f));
    }

    @Test
    void aWorldUsedFromAnotherThreadFailsAnAssertion() throws Exception {
        world.create(moving);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final Thread intruder = new Thread(() -> {
            try {
                world.create(moving);
            } catch (final Throwable t) {
                failure.set(t);
            }
        }, "intruder");
        intruder.start();
        intruder.join();
        assertThat(failure.get()).isInstanceOf(AssertionError.class)
            .hasMessageContaining("called from 'intruder'").hasMessageContaining("releaseThread");
        world.releaseThread();
        final Thread heir = new Thread(() -> world.create(moving), "heir");
        heir.start();
        heir.join();
        assertThat(world.entityCount()).isEqualTo(2);
    }

    @Test
    void twoWorldsFedTheSameOperationsAreIdentical() {
        final World a = TestComponents.newWorld(64);
        final World b = TestComponents.newWorld(64);
        final long[] ea = drive(a, new Random(5));
        final long[] eb = drive(b, new Random(5));
        assertThat(ea).isEqualTo(eb);
        assertThat(a.stateHash()).isEqualTo(b.stateHash());
        assertThat(EntitySerializer.write(a, ea)).isEqualTo(EntitySerializer.write(b, eb));
        assertThat(a.stateHashes().firstDifference(b.stateHashes())).isNull();
    }

    @Test
    void aHashMismatchIsNarrowedToTheEntityAndComponent() {
        final World a = TestComponents.newWorld(64);
        final World b = TestComponents.newWorld(64);
        final long[] ea = drive(a, new Random(9));
        drive(b, new Random(9));
        long victim = 0;
        for (int i = ea.length / 2; victim == 0; i++) {
            victim = a.has(ea[i], HEALTH) ? ea[i] : 0;
        }
        b.set(victim, HP, b.get(victim, HP) + 1);
        assertThat(a.stateHash()).isNotEqualTo(b.stateHash());
        final StateHashes.Difference d = a.stateHashes().firstDifference(b.stateHashes());
        assertThat(d).isNotNull();
        assertThat(d.component()).isEqualTo("Health");
        final int row = StateHashes.firstDifferentRow(StateHashes.rowHashes(a, d.archetype(), d.chunk(), d.component()),
            StateHashes.rowHashes(b, d.archetype(), d.chunk(), d.component()));
        assertThat(a.archetypes().get(d.archetype()).chunk(d.chunk()).entity(row)).isEqualTo(victim);
    }

    @Test
    void scheduleRunsSystemsInOrderTimesThemAndAdvancesTheTick() {
        final List<String> order = new ArrayList<>();
        final StatsRegistry stats = new StatsRegistry();
        final Schedule schedule = Schedule.builder(world)
            .add("spawn", w -> {
                order.add("spawn@" + w.tick());
                w.create(moving);
            })
            .add("count", w -> order.add("count=" + w.entityCount()))
            .stats(stats)
            .build();
        schedule.run();
        schedule.run();
        assertThat(order).containsExactly("spawn@1", "count=1", "spawn@2", "count=2");
        assertThat(world.tick()).isEqualTo(3);
        assertThat(schedule.duration("spawn").count()).isEqualTo(2);
        assertThatThrownBy(() -> Schedule.builder(world).add("a", w -> { }).add("a", w -> { }))
            .hasMessageContaining("already in the schedule");
    }

    @Test
    void snapshotRestoresHandlesValuesAndTicks() {
        final long a = world.create(moving);
        world.set(a, POS_X, 1f);
        final WorldSnapshot snap = world.snapshot();
        final long hash = world.stateHash();
        world.advanceTick();
        world.set(a, POS_X, 2f);
        final long b = world.create(moving);
        world.destroy(a);
        world.restore(snap);
        assertThat(world.stateHash()).isEqualTo(hash);
        assertThat(world.isAlive(a)).isTrue();
        assertThat(world.isAlive(b)).isFalse();
        assertThat(world.get(a, POS_X)).isEqualTo(1f);
        assertThat(world.create(moving)).isEqualTo(b); // the same handle is issued again
    }

    @Test
    void serializedBytesAreRejectedCleanlyWhenCorrupt() {
        final long[] es = {world.create(world.archetype(POSITION, HEALTH)), world.create(world.archetype(POSITION)),
            world.create(world.archetype(POSITION, VELOCITY))};
        final byte[] bytes = EntitySerializer.write(world, es);
        final World other = TestComponents.newWorld(64);
        final Random r = new Random(3);
        int rejected = 0;
        for (int i = 0; i < 5_000; i++) {
            final byte[] bad = java.util.Arrays.copyOf(bytes, r.nextInt(bytes.length + 1));
            if (bad.length > 0) {
                bad[r.nextInt(bad.length)] ^= (byte) (1 << r.nextInt(8));
            }
            final int before = other.entityCount();
            final long hashBefore = other.stateHash();
            try {
                EntitySerializer.read(other, bad);
            } catch (final IllegalArgumentException expected) {
                rejected++;
                // all or nothing: a rejected input leaves the world as it was
                assertThat(other.entityCount()).isEqualTo(before);
                assertThat(other.stateHash()).isEqualTo(hashBefore);
            }
        }
        assertThat(rejected).isGreaterThan(1000);
        assertThat(EntitySerializer.read(other, bytes)).hasSize(3); // the intact input still reads
    }

    static long[] drive(final World w, final Random r) {
        final Archetype[] archetypes = {
            w.archetype(POSITION, VELOCITY), w.archetype(POSITION, HEALTH), w.archetype(POSITION, VELOCITY, FROZEN)};
        final List<Long> live = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            final int op = r.nextInt(10);
            if (op < 5 || live.isEmpty()) {
                live.add(w.create(archetypes[r.nextInt(archetypes.length)]));
            } else if (op < 6) {
                w.destroy(live.remove(r.nextInt(live.size())));
            } else if (op < 7) {
                final long e = live.get(r.nextInt(live.size()));
                if (w.has(e, FROZEN)) {
                    w.remove(e, FROZEN);
                } else {
                    w.add(e, FROZEN);
                }
            } else {
                final long e = live.get(r.nextInt(live.size()));
                w.set(e, POS_X, r.nextFloat());
                if (w.has(e, HEALTH)) {
                    w.set(e, HP, r.nextInt(100));
                }
            }
            if (i % 100 == 0) {
                w.advanceTick();
            }
        }
        return live.stream().mapToLong(Long::longValue).toArray();
    }
}

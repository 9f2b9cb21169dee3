package org.mmosdk.ecs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mmosdk.ecs.TestComponents.ALL;
import static org.mmosdk.ecs.TestComponents.POSITION;
import static org.mmosdk.ecs.TestComponents.POS_X;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Change and added ticks against a model: after every random step (create, destroy, add, remove, set, bulk writes
 * through a write accessor, tick advances, snapshot/restore) the rows reported by "changed since T" and "added since
 * T", for recent and old T, are exactly the entities the model says, and every row's ticks are exact.
 */
class ChangeTrackingProperties {
    private static final ComponentType[] DATA = {TestComponents.POSITION, TestComponents.VELOCITY, TestComponents.HEALTH};

    @Property(tries = 120)
    void changedAndAddedSinceMatchTheModel(@ForAll final long seed) {
        final Random r = new Random(seed);
        final World world = TestComponents.newWorld(64);
        // entity -> component -> {changed, added}
        Map<Long, Map<ComponentType, int[]>> model = new LinkedHashMap<>();
        final List<WorldSnapshot> snapshots = new ArrayList<>();
        final List<Map<Long, Map<ComponentType, int[]>>> snapshotModels = new ArrayList<>();
        final Query positioned = world.query().all(POSITION).build();
        final int[] rows = world.newRowBuffer();
        for (int step = 0; step < 300; step++) {
            final int now = world.tick();
            final List<Long> live = new ArrayList<>(model.keySet());
            final int op = r.nextInt(100);
            if (op < 20 || live.isEmpty()) {
                final List<ComponentType> types = new ArrayList<>();
                for (final ComponentType t : ALL) {
                    if (r.nextInt(2) == 0) {
                        types.add(t);
                    }
                }
                final Archetype archetype = world.archetype(types.toArray(new ComponentType[0]));
                final long[] created = new long[op < 14 ? 1 : 1 + r.nextInt(90)];
                if (created.length == 1) {
                    created[0] = world.create(archetype);
                } else {
                    world.create(archetype, created, 0, created.length);
                }
                for (final long e : created) {
                    final Map<ComponentType, int[]> comps = new HashMap<>();
                    types.forEach(t -> comps.put(t, new int[] {now, now}));
                    model.put(e, comps);
                }
            } else if (op < 26) {
                final long e = live.get(r.nextInt(live.size()));
                world.destroy(e);
                model.remove(e);
            } else if (op < 30) {
                final long[] dying = randomSubset(r, live);
                world.destroy(dying, 0, dying.length);
                for (final long e : dying) {
                    model.remove(e);
                }
            } else if (op < 40) {
                final long e = live.get(r.nextInt(live.size()));
                final ComponentType t = ALL[r.nextInt(ALL.length)];
                world.add(e, t);
                model.get(e).putIfAbsent(t, new int[] {now, now});
            } else if (op < 48) {
                final long e = live.get(r.nextInt(live.size()));
                final ComponentType t = ALL[r.nextInt(ALL.length)];
                world.remove(e, t);
                model.get(e).remove(t);
            } else if (op < 70) {
                final long e = live.get(r.nextInt(live.size()));
                final ComponentType t = DATA[r.nextInt(DATA.length)];
                if (model.get(e).containsKey(t)) {
                    world.setBits(e, t.fields[0], r.nextInt());
                    model.get(e).get(t)[0] = now;
                }
            } else if (op < 75) {
                positioned.forEachChunk(chunk -> chunk.writeFloats(POS_X));
                model.values().forEach(c -> {
                    if (c.containsKey(POSITION)) {
                        c.get(POSITION)[0] = now;
                    }
                });
            } else if (op < 90) {
                world.advanceTick();
                if (r.nextInt(10) == 0) {
                    for (int i = 0; i < 30; i++) {
                        world.advanceTick();
                    }
                }
            } else if (op < 95) {
                snapshots.add(world.snapshot());
                snapshotModels.add(copy(model));
            } else if (!snapshots.isEmpty()) {
                final int i = r.nextInt(snapshots.size());
                world.restore(snapshots.get(i));
                model = copy(snapshotModels.get(i));
            }
            check(world, model, rows);
        }
    }

    private static void check(final World world, final Map<Long, Map<ComponentType, int[]>> model, final int[] rows) {
        final int now = world.tick();
        for (final ComponentType t : DATA) {
            final Query q = world.query().all(t).build();
            for (final int back : new int[] {0, 1, 2, 3, 7, 30, 31, 32, 33, 50, now}) {
                final int since = now - back;
                final Set<Long> changed = new HashSet<>();
                q.forEachChangedSince(t, since, rows, (chunk, row) -> {
                    assertThat(changed.add(chunk.entity(row))).as("reported once").isTrue();
                });
                final Set<Long> added = new HashSet<>();
                q.forEachAddedSince(t, since, rows, (chunk, row) -> added.add(chunk.entity(row)));
                final Set<Long> expectedChanged = new HashSet<>();
                final Set<Long> expectedAdded = new HashSet<>();
                model.forEach((e, comps) -> {
                    final int[] ticks = comps.get(t);
                    if (ticks != null && ticks[0] - since > 0) {
                        expectedChanged.add(e);
                    }
                    if (ticks != null && ticks[1] - since > 0) {
                        expectedAdded.add(e);
                    }
                });
                assertThat(changed).as("%s changed since %d at tick %d", t, since, now).isEqualTo(expectedChanged);
                assertThat(added).as("%s added since %d", t, since).isEqualTo(expectedAdded);
            }
            q.forEachChunk(chunk -> {
                for (int row = 0; row < chunk.size(); row++) {
                    final int[] ticks = model.get(chunk.entity(row)).get(t);
                    assertThat(chunk.changeTick(t, row)).isEqualTo(ticks[0]);
                    assertThat(chunk.addedTick(t, row)).isEqualTo(ticks[1]);
                }
            });
        }
    }

    private static Map<Long, Map<ComponentType, int[]>> copy(final Map<Long, Map<ComponentType, int[]>> model) {
        final Map<Long, Map<ComponentType, int[]>> m = new LinkedHashMap<>();
        model.forEach((e, comps) -> {
            final Map<ComponentType, int[]> c = new HashMap<>();
            comps.forEach((t, v) -> c.put(t, v.clone()));
            m.put(e, c);
        });
        return m;
    }

    /** A random subset of the live entities in random order, sometimes with a handle given twice. */
    static long[] randomSubset(final Random r, final List<Long> live) {
        final List<Long> shuffled = new ArrayList<>(live);
        java.util.Collections.shuffle(shuffled, r);
        final int n = r.nextInt(shuffled.size() + 1);
        final List<Long> picked = new ArrayList<>(shuffled.subList(0, n));
        if (n > 0 && r.nextInt(4) == 0) {
            picked.add(picked.get(r.nextInt(n)));
        }
        return picked.stream().mapToLong(Long::longValue).toArray();
    }
}

package org.mmosdk.ecs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mmosdk.ecs.TestComponents.ALL;
import static org.mmosdk.ecs.TestComponents.NAME;
import static org.mmosdk.ecs.TestComponents.NAMED;
import static org.mmosdk.ecs.TestComponents.POSITION;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Random operation sequences against a reference model (a map of maps), checked for equality after every step:
 * create, destroy, add, remove, set, command buffers, snapshot/restore and serialization round trips.
 */
class WorldModelProperties {

    /** The model: entity -> component -> field values as raw bits (object fields as their value). */
    static final class Model {
        final Map<Long, Map<ComponentType, Object[]>> entities = new LinkedHashMap<>();

        Model copy() {
            final Model m = new Model();
            entities.forEach((e, comps) -> {
                final Map<ComponentType, Object[]> c = new LinkedHashMap<>();
                comps.forEach((t, v) -> c.put(t, v.clone()));
                m.entities.put(e, c);
            });
            return m;
        }
    }

    @Property(tries = 150)
    void worldMatchesModel(@ForAll final long seed) {
        final Random r = new Random(seed);
        final World world = TestComponents.newWorld(64);
        Model model = new Model();
        final List<WorldSnapshot> snapshots = new ArrayList<>();
        final List<Model> snapshotModels = new ArrayList<>();
        final List<Long> dead = new ArrayList<>();
        final CommandBuffer commands = new CommandBuffer(world);
        for (int step = 0; step < 250; step++) {
            final int op = r.nextInt(100);
            final List<Long> live = new ArrayList<>(model.entities.keySet());
            if (op < 30 || live.isEmpty()) {
                final ComponentType[] types = randomTypes(r);
                final long[] created = new long[op < 24 ? 1 : 1 + r.nextInt(150)];
                if (created.length == 1) {
                    created[0] = world.create(world.archetype(types));
                } else {
                    world.create(world.archetype(types), created, 0, created.length);
                }
                for (final long e : created) {
                    final Map<ComponentType, Object[]> comps = new LinkedHashMap<>();
                    for (final ComponentType t : types) {
                        comps.put(t, defaults(t));
                    }
                    model.entities.put(e, comps);
                }
            } else if (op < 37) {
                final long e = live.get(r.nextInt(live.size()));
                world.destroy(e);
                model.entities.remove(e);
                dead.add(e);
            } else if (op < 42) {
                final long[] dying = ChangeTrackingProperties.randomSubset(r, live);
                if (dying.length > 0 && r.nextInt(5) == 0) {
                    // a stale handle anywhere in the batch: nothing is destroyed
                    final long[] withStale = java.util.Arrays.copyOf(dying, dying.length + 1);
                    withStale[dying.length] = dead.isEmpty() ? -1L : dead.get(r.nextInt(dead.size()));
                    if (withStale[dying.length] != -1L && !world.isAlive(withStale[dying.length])) {
                        assertThatThrownBy(() -> world.destroy(withStale, 0, withStale.length))
                            .isInstanceOf(StaleEntityException.class);
                    }
                }
                world.destroy(dying, 0, dying.length);
                for (final long e : dying) {
                    if (model.entities.remove(e) != null) {
                        dead.add(e);
                    }
                }
            } else if (op < 52) {
                final long e = live.get(r.nextInt(live.size()));
                final ComponentType t = ALL[r.nextInt(ALL.length)];
                world.add(e, t);
                model.entities.get(e).putIfAbsent(t, defaults(t));
            } else if (op < 60) {
                final long e = live.get(r.nextInt(live.size()));
                final ComponentType t = ALL[r.nextInt(ALL.length)];
                world.remove(e, t);
                model.entities.get(e).remove(t);
            } else if (op < 85) {
                final long e = live.get(r.nextInt(live.size()));
                final Map<ComponentType, Object[]> comps = model.entities.get(e);
                if (!comps.isEmpty()) {
                    final ComponentType t = new ArrayList<>(comps.keySet()).get(r.nextInt(comps.size()));
                    if (!t.isTag()) {
                        final int f = r.nextInt(t.fields.length);
                        comps.get(t)[f] = setRandom(world, e, t.fields[f], r);
                    }
                }
            } else if (op < 90) {
                // a batch of commands, mirrored in recording order
                final int n = 1 + r.nextInt(6);
                final List<Runnable> modelOps = new ArrayList<>();
                final Map<Long, Long> provisional = new HashMap<>();
                for (int k = 0; k < n; k++) {
                    final int kind = r.nextInt(4);
                    final List<Long> targets = new ArrayList<>(model.entities.keySet());
                    targets.addAll(provisional.keySet());
                    if (kind == 0 || targets.isEmpty()) {
                        final ComponentType[] types = randomTypes(r);
                        final long p = commands.create(world.archetype(types));
                        provisional.put(p, p);
                        final Model m = model;
                        modelOps.add(() -> {
                            final Map<ComponentType, Object[]> comps = new LinkedHashMap<>();
                            for (final ComponentType t : types) {
                                comps.put(t, defaults(t));
                            }
                            m.entities.put(commands.resolve(p), comps);
                        });
                    } else {
                        final long target = targets.get(r.nextInt(targets.size()));
                        final ComponentType t = ALL[r.nextInt(ALL.length)];
                        final Model m = model;
                        switch (kind) {
                            case 1 -> {
                                commands.destroy(target);
                                modelOps.add(() -> m.entities.remove(resolve(commands, target)));
                            }
                            case 2 -> {
                                commands.add(target, t);
                                modelOps.add(() -> {
                                    final Map<ComponentType, Object[]> c = m.entities.get(resolve(commands, target));
                                    if (c != null) {
                                        c.putIfAbsent(t, defaults(t));
                                    }
                                });
                            }
                            default -> {
                                commands.remove(target, t);
                                modelOps.add(() -> {
                                    final Map<ComponentType, Object[]> c = m.entities.get(resolve(commands, target));
                                    if (c != null) {
                                        c.remove(t);
                                    }
                                });
                            }
                        }
                    }
                }
                commands.apply();
                modelOps.forEach(Runnable::run);
            } else if (op < 94) {
                snapshots.add(world.snapshot());
                snapshotModels.add(model.copy());
            } else if (op < 97 && !snapshots.isEmpty()) {
                final int i = r.nextInt(snapshots.size());
                world.restore(snapshots.get(i));
                model = snapshotModels.get(i).copy();
            } else {
                // serialization round trip of a random subset into a fresh world
                final List<Long> subset = new ArrayList<>();
                for (final long e : live) {
                    if (r.nextBoolean()) {
                        subset.add(e);
                    }
                }
                final long[] handles = subset.stream().mapToLong(Long::longValue).toArray();
                final byte[] bytes = EntitySerializer.write(world, handles);
                final World other = TestComponents.newWorld(128);
                final long[] copies = EntitySerializer.read(other, bytes);
                assertThat(EntitySerializer.write(other, copies)).isEqualTo(bytes);
                for (int i = 0; i < handles.length; i++) {
                    final Map<ComponentType, Object[]> expected = new LinkedHashMap<>(model.entities.get(handles[i]));
                    if (expected.containsKey(NAMED)) {
                        expected.put(NAMED, new Object[] {null}); // object fields are not serialized
                    }
                    checkEntity(other, copies[i], expected);
                }
            }
            check(world, model, dead);
        }
    }

    private static long resolve(final CommandBuffer commands, final long handle) {
        return handle < 0 ? commands.resolve(handle) : handle;
    }

    private static ComponentType[] randomTypes(final Random r) {
        final List<ComponentType> types = new ArrayList<>();
        for (final ComponentType t : ALL) {
            if (r.nextInt(3) == 0) {
                types.add(t);
            }
        }
        return types.toArray(new ComponentType[0]);
    }

    private static Object[] defaults(final ComponentType t) {
        final Object[] v = new Object[t.fields.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = t.fields[i].kind == FieldKind.REF ? null : 0L;
        }
        return v;
    }

    private static Object setRandom(final World world, final long e, final Field f, final Random r) {
        switch (f.kind) {
            case FLOAT -> {
                final float v = r.nextFloat() * 1000 - 500;
                world.set(e, (FloatField) f, v);
                return (long) Float.floatToRawIntBits(v);
            }
            case DOUBLE -> {
                final double v = r.nextGaussian();
                world.set(e, (DoubleField) f, v);
                return Double.doubleToRawLongBits(v);
            }
            case INT -> {
                final int v = r.nextInt();
                world.set(e, (IntField) f, v);
                return (long) v;
            }
            case LONG -> {
                final long v = r.nextLong();
                world.set(e, (LongField) f, v);
                return v;
            }
            case SHORT -> {
                final short v = (short) r.nextInt();
                world.set(e, (ShortField) f, v);
                return (long) v;
            }
            case BYTE -> {
                final byte v = (byte) r.nextInt();
                world.set(e, (ByteField) f, v);
                return (long) v;
            }
            case BOOLEAN -> {
                final boolean v = r.nextBoolean();
                world.set(e, (BoolField) f, v);
                return v ? 1L : 0L;
            }
            default -> {
                final String v = "n" + r.nextInt(100);
                world.set(e, NAME, v);
                return v;
            }
        }
    }

    static void check(final World world, final Model model, final List<Long> dead) {
        assertThat(world.entityCount()).isEqualTo(model.entities.size());
        model.entities.forEach((e, comps) -> checkEntity(world, e, comps));
        for (final long e : dead) {
            if (!model.entities.containsKey(e)) {
                assertThat(world.isAlive(e)).isFalse();
                assertThatThrownBy(() -> world.get(e, TestComponents.POS_X)).isInstanceOf(StaleEntityException.class);
            }
        }
        final long withPosition = model.entities.values().stream().filter(c -> c.containsKey(POSITION)).count();
        assertThat(world.query().all(POSITION).build().count()).isEqualTo(withPosition);
        final long[] seen = {0};
        world.query().all(POSITION).build().forEachEntity(e -> {
            assertThat(model.entities.get(e)).containsKey(POSITION);
            seen[0]++;
        });
        assertThat(seen[0]).isEqualTo(withPosition);
    }

    static void checkEntity(final World world, final long e, final Map<ComponentType, Object[]> comps) {
        assertThat(world.isAlive(e)).isTrue();
        for (final ComponentType t : ALL) {
            assertThat(world.has(e, t)).as("%s has %s", e, t).isEqualTo(comps.containsKey(t));
        }
        comps.forEach((t, values) -> {
            for (int i = 0; i < values.length; i++) {
                assertThat(read(world, e, t.fields[i])).as("%s.%s", t, t.fields[i]).isEqualTo(values[i]);
            }
        });
    }

    private static Object read(final World world, final long e, final Field f) {
        return switch (f.kind) {
            case FLOAT -> (long) Float.floatToRawIntBits(world.get(e, (FloatField) f));
            case DOUBLE -> Double.doubleToRawLongBits(world.get(e, (DoubleField) f));
            case INT -> (long) world.get(e, (IntField) f);
            case LONG -> world.get(e, (LongField) f);
            case SHORT -> (long) world.get(e, (ShortField) f);
            case BYTE -> (long) world.get(e, (ByteField) f);
            case BOOLEAN -> world.get(e, (BoolField) f) ? 1L : 0L;
            case REF -> world.get(e, NAME);
        };
    }
}

package org.mmosdk.ecs;

import java.util.Arrays;

/**
 * Structural changes recorded during iteration and applied later, in recording order, by {@link #apply()}.
 * Recording allocates nothing once the buffer has grown; one buffer is reused tick after tick.
 *
 * <p>{@link #create(Archetype)} returns a provisional handle (negative) that later commands of the same buffer may
 * use; {@link #apply()} replaces it with the real entity. Commands on an entity that is no longer alive when they
 * are applied (destroyed earlier in the buffer, say) are skipped and counted in {@link #skipped()}.
 *
 * <p>Threads: record and apply on the world's thread.
 */
public final class CommandBuffer {
    private static final byte CREATE = 1;
    private static final byte DESTROY = 2;
    private static final byte ADD = 3;
    private static final byte REMOVE = 4;
    private static final byte SET = 5;

    private final World world;
    private byte[] ops = new byte[64];
    private long[] entities = new long[64];
    private Object[] refs = new Object[64];
    private long[] values = new long[64];
    private int count;
    private int creates;
    private long[] created = new long[16];
    private int createdCount;
    private int skipped;

    /**
     * A buffer for {@code world}.
     *
     * @param world the world it applies to
     */
    public CommandBuffer(final World world) {
        this.world = world;
    }

    private void record(final byte op, final long entity, final Object ref, final long value) {
        if (count == ops.length) {
            final int n = count * 2;
            ops = Arrays.copyOf(ops, n);
            entities = Arrays.copyOf(entities, n);
            refs = Arrays.copyOf(refs, n);
            values = Arrays.copyOf(values, n);
        }
        ops[count] = op;
        entities[count] = entity;
        refs[count] = ref;
        values[count] = value;
        count++;
    }

    /**
     * Records the creation of an entity.
     *
     * @param archetype its archetype
     * @return a provisional handle, valid in this buffer until {@link #apply()}
     */
    public long create(final Archetype archetype) {
        record(CREATE, 0, archetype, 0);
        return -(++creates);
    }

    /**
     * Records a destroy.
     *
     * @param entity a handle or a provisional handle
     */
    public void destroy(final long entity) {
        record(DESTROY, entity, null, 0);
    }

    /**
     * Records adding a component.
     *
     * @param entity a handle or a provisional handle
     * @param type the component
     */
    public void add(final long entity, final ComponentType type) {
        world.localIndex(type);
        record(ADD, entity, type, 0);
    }

    /**
     * Records removing a component.
     *
     * @param entity a handle or a provisional handle
     * @param type the component
     */
    public void remove(final long entity, final ComponentType type) {
        world.localIndex(type);
        record(REMOVE, entity, type, 0);
    }

    /**
     * Records writing a float field.
     *
     * @param entity a handle or a provisional handle
     * @param field the field
     * @param value the value
     */
    public void set(final long entity, final FloatField field, final float value) {
        record(SET, entity, field, Float.floatToRawIntBits(value));
    }

    /**
     * Records writing an int field.
     *
     * @param entity a handle or a provisional handle
     * @param field the field
     * @param value the value
     */
    public void set(final long entity, final IntField field, final int value) {
        record(SET, entity, field, value);
    }

    /**
     * Records writing a long field.
     *
     * @param entity a handle or a provisional handle
     * @param field the field
     * @param value the value
     */
    public void set(final long entity, final LongField field, final long value) {
        record(SET, entity, field, value);
    }

    /**
     * Records writing a double field.
     *
     * @param entity a handle or a provisional handle
     * @param field the field
     * @param value the value
     */
    public void set(final long entity, final DoubleField field, final double value) {
        record(SET, entity, field, Double.doubleToRawLongBits(value));
    }

    /**
     * Commands recorded and not yet applied.
     *
     * @return the count
     */
    public int size() {
        return count;
    }

    /**
     * Commands skipped by the last {@link #apply()} because their entity was not alive.
     *
     * @return the count
     */
    public int skipped() {
        return skipped;
    }

    /**
     * The real handle of a provisional handle after {@link #apply()}.
     *
     * @param provisional a handle returned by {@link #create(Archetype)}
     * @return the created entity
     */
    public long resolve(final long provisional) {
        final int i = (int) (-provisional) - 1;
        if (provisional >= 0 || i >= createdCount) {
            throw new IllegalArgumentException("not a provisional handle of the last apply: " + provisional);
        }
        return created[i];
    }

    /**
     * Applies every command in recording order, then clears the buffer.
     *
     * @return the number of commands applied (not skipped)
     */
    public int apply() {
        if (created.length < creates) {
            created = new long[Math.max(creates, created.length * 2)];
        }
        int made = 0;
        skipped = 0;
        int applied = 0;
        for (int i = 0; i < count; i++) {
            final byte op = ops[i];
            if (op == CREATE) {
                created[made++] = world.create((Archetype) refs[i]);
                applied++;
                continue;
            }
            long entity = entities[i];
            if (entity < 0) {
                entity = created[(int) (-entity) - 1];
            }
            if (!world.isAlive(entity)) {
                skipped++;
                continue;
            }
            switch (op) {
                case DESTROY -> world.destroy(entity);
                case ADD -> world.add(entity, (ComponentType) refs[i]);
                case REMOVE -> world.remove(entity, (ComponentType) refs[i]);
                case SET -> world.setBits(entity, (Field) refs[i], values[i]);
                default -> throw new IllegalStateException("corrupt command buffer: op " + op);
            }
            applied++;
        }
        createdCount = made;
        Arrays.fill(refs, 0, count, null);
        count = 0;
        creates = 0;
        return applied;
    }

    @Override
    public String toString() {
        return "CommandBuffer{" + count + " commands}";
    }
}

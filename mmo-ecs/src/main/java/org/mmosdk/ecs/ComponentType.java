package org.mmosdk.ecs;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A kind of component: a name and a fixed list of primitive fields, stored struct-of-arrays (one column per field).
 * A component with no fields is a tag. Define each once, as constants:
 *
 * <pre>{@code
 * final class Position {
 *     static final ComponentType.Builder B = ComponentType.builder("Position");
 *     static final FloatField X = B.floatField("x");
 *     static final FloatField Y = B.floatField("y");
 *     static final ComponentType TYPE = B.build();
 * }
 * static final ComponentType FROZEN = ComponentType.tag("Frozen");
 * }</pre>
 *
 * Component types are immutable and may be shared by any number of worlds and threads.
 */
public final class ComponentType {
    private static final AtomicInteger COMPONENT_IDS = new AtomicInteger();
    private static final AtomicInteger FIELD_IDS = new AtomicInteger();

    final int globalId;
    private final String name;
    final Field[] fields;

    private ComponentType(final String name, final Field[] fields) {
        this.globalId = COMPONENT_IDS.getAndIncrement();
        this.name = name;
        this.fields = fields;
        for (int i = 0; i < fields.length; i++) {
            fields[i].component = this;
            fields[i].index = i;
        }
    }

    static int nextFieldId() {
        return FIELD_IDS.getAndIncrement();
    }

    static int fieldIdLimit() {
        return FIELD_IDS.get();
    }

    static int componentIdLimit() {
        return COMPONENT_IDS.get();
    }

    /**
     * Starts a component type with fields.
     *
     * @param name unique within a world, e.g. {@code "Position"}
     * @return a builder
     */
    public static Builder builder(final String name) {
        return new Builder(name);
    }

    /**
     * A component without data: its presence is the information (e.g. {@code Frozen}).
     *
     * @param name unique within a world
     * @return the tag type
     */
    public static ComponentType tag(final String name) {
        return new Builder(name).build();
    }

    /**
     * The name.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * The fields, in declaration order.
     *
     * @return an unmodifiable list
     */
    public List<Field> fields() {
        return List.of(fields);
    }

    /**
     * Whether this is a tag (no fields).
     *
     * @return true for a tag
     */
    public boolean isTag() {
        return fields.length == 0;
    }

    @Override
    public String toString() {
        return name;
    }

    /** Declares the fields of a {@link ComponentType}. Not thread-safe; use it in a static initializer. */
    public static final class Builder {
        private final String name;
        private final List<Field> fields = new ArrayList<>();
        private final Set<String> names = new HashSet<>();
        private boolean built;

        private Builder(final String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("component name must not be blank");
            }
            this.name = name;
        }

        private <F extends Field> F add(final F field) {
            if (built) {
                throw new IllegalStateException("component " + name + " is already built; declare all fields first");
            }
            if (!names.add(field.name)) {
                throw new IllegalArgumentException("component " + name + " already has a field '" + field.name + "'");
            }
            fields.add(field);
            return field;
        }

        /**
         * Adds a {@code float} field.
         *
         * @param field the field's name
         * @return the field handle
         */
        public FloatField floatField(final String field) {
            return add(new FloatField(field));
        }

        /**
         * Adds a {@code double} field.
         *
         * @param field the field's name
         * @return the field handle
         */
        public DoubleField doubleField(final String field) {
            return add(new DoubleField(field));
        }

        /**
         * Adds an {@code int} field.
         *
         * @param field the field's name
         * @return the field handle
         */
        public IntField intField(final String field) {
            return add(new IntField(field));
        }

        /**
         * Adds a {@code long} field.
         *
         * @param field the field's name
         * @return the field handle
         */
        public LongField longField(final String field) {
            return add(new LongField(field));
        }

        /**
         * Adds a {@code short} field.
         *
         * @param field the field's name
         * @return the field handle
         */
        public ShortField shortField(final String field) {
            return add(new ShortField(field));
        }

        /**
         * Adds a {@code byte} field.
         *
         * @param field the field's name
         * @return the field handle
         */
        public ByteField byteField(final String field) {
            return add(new ByteField(field));
        }

        /**
         * Adds a {@code boolean} field.
         *
         * @param field the field's name
         * @return the field handle
         */
        public BoolField boolField(final String field) {
            return add(new BoolField(field));
        }

        /**
         * Adds an object field (off the fast path; not hashed or serialized).
         *
         * @param field the field's name
         * @param type the values' class
         * @param <T> the values' type
         * @return the field handle
         */
        public <T> RefField<T> refField(final String field, final Class<T> type) {
            return add(new RefField<>(field, Objects.requireNonNull(type, "type")));
        }

        /**
         * Builds the component type; the builder cannot be used afterwards.
         *
         * @return the type
         */
        public ComponentType build() {
            if (built) {
                throw new IllegalStateException("component " + name + " is already built");
            }
            built = true;
            return new ComponentType(name, fields.toArray(new Field[0]));
        }
    }
}

package org.mmosdk.ecs;

/**
 * One field of a {@link ComponentType}: a column of primitives in every archetype that has the component.
 * Get typed fields from {@link ComponentType.Builder} ({@link FloatField}, {@link IntField}, …) and use them with
 * {@link World#get(long, FloatField)}/{@link World#set(long, FloatField, float)} or {@link Chunk#floats(FloatField)}.
 */
public abstract sealed class Field permits ByteField, ShortField, IntField, LongField, FloatField, DoubleField,
    BoolField, RefField {
    final String name;
    final FieldKind kind;
    final int globalId;
    ComponentType component;
    int index;

    Field(final String name, final FieldKind kind) {
        this.name = name;
        this.kind = kind;
        this.globalId = ComponentType.nextFieldId();
    }

    /**
     * The field's name within its component.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * The field's type.
     *
     * @return the kind
     */
    public FieldKind kind() {
        return kind;
    }

    /**
     * The component this field belongs to.
     *
     * @return the component type
     */
    public ComponentType component() {
        return component;
    }

    @Override
    public String toString() {
        return (component == null ? "?" : component.name()) + "." + name;
    }
}

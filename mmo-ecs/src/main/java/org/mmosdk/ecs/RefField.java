package org.mmosdk.ecs;

/**
 * An object field of a component, for the rare value that is not a primitive. Stored in an {@code Object[]}
 * column, off the fast path: not hashed, not serialized, and snapshots copy the reference, not the object.
 *
 * @param <T> the value's type
 */
public final class RefField<T> extends Field {
    final Class<T> type;

    RefField(final String name, final Class<T> type) {
        super(name, FieldKind.REF);
        this.type = type;
    }

    /**
     * The declared type of the values.
     *
     * @return the class
     */
    public Class<T> type() {
        return type;
    }
}

package org.mmosdk.ecs;

/** A {@code boolean} field of a component; its column is a {@code boolean[]}. */
public final class BoolField extends Field {
    BoolField(final String name) {
        super(name, FieldKind.BOOLEAN);
    }
}

package org.mmosdk.ecs;

/** A {@code int} field of a component; its column is a {@code int[]}. */
public final class IntField extends Field {
    IntField(final String name) {
        super(name, FieldKind.INT);
    }
}

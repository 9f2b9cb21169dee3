package org.mmosdk.ecs;

/** A {@code double} field of a component; its column is a {@code double[]}. */
public final class DoubleField extends Field {
    DoubleField(final String name) {
        super(name, FieldKind.DOUBLE);
    }
}

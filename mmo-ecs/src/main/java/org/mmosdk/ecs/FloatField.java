package org.mmosdk.ecs;

/** A {@code float} field of a component; its column is a {@code float[]}. */
public final class FloatField extends Field {
    FloatField(final String name) {
        super(name, FieldKind.FLOAT);
    }
}

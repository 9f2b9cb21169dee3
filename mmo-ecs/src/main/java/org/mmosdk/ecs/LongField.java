package org.mmosdk.ecs;

/** A {@code long} field of a component; its column is a {@code long[]}. */
public final class LongField extends Field {
    LongField(final String name) {
        super(name, FieldKind.LONG);
    }
}

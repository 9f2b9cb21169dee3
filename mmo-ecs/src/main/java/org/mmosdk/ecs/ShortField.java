package org.mmosdk.ecs;

/** A {@code short} field of a component; its column is a {@code short[]}. */
public final class ShortField extends Field {
    ShortField(final String name) {
        super(name, FieldKind.SHORT);
    }
}

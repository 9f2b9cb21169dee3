package org.mmosdk.ecs;

/** A {@code byte} field of a component; its column is a {@code byte[]}. */
public final class ByteField extends Field {
    ByteField(final String name) {
        super(name, FieldKind.BYTE);
    }
}

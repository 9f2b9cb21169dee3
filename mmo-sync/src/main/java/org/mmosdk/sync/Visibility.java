package org.mmosdk.sync;

/** Who receives a replicated component. */
public enum Visibility {
    /** Every client that has the entity in view. */
    EVERYONE,
    /** Only the client that owns the entity (e.g. its own inventory weight, cooldowns). */
    OWNER_ONLY
}

package org.mmosdk.ecs;

/** Thrown when a handle names an entity that was destroyed (or never existed): it never reads another entity. */
public final class StaleEntityException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    StaleEntityException(final String message) {
        super(message);
    }
}

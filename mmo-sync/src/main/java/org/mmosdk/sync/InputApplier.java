package org.mmosdk.sync;

import org.mmosdk.ecs.World;

/**
 * Applies one player input to the entity it controls. The server runs it on the authoritative world, the client on
 * its mirror to predict its own entity and, after a correction, to replay the inputs the server has not applied yet —
 * so it must be deterministic and depend only on the world's state and the input bytes.
 */
@FunctionalInterface
public interface InputApplier {
    /**
     * Applies an input.
     *
     * @param world the server world or the client's mirror
     * @param entity the controlled entity (a handle of {@code world})
     * @param input holds the input at {@code offset}; {@code inputSize} bytes, read only, valid during the call
     * @param offset where the input starts
     */
    void apply(World world, long entity, byte[] input, int offset);
}

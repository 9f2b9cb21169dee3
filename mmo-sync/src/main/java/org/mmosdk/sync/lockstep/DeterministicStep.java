package org.mmosdk.sync.lockstep;

import org.mmosdk.ecs.World;

/**
 * The studio's deterministic simulation: one frame over a world, from that frame's sealed inputs. Given the same
 * world state and the same inputs it must produce the same state on every machine (see the package documentation
 * for what that rules out on the JVM).
 */
@FunctionalInterface
public interface DeterministicStep {
    /**
     * Advances the world by one frame. Do not keep {@code inputs}: it is reused.
     *
     * @param world the simulated world
     * @param inputs every player's input for this frame, and the key operations scheduled into it
     */
    void step(World world, FrameInputs inputs);
}

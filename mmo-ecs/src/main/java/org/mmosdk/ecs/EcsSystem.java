package org.mmosdk.ecs;

/** One step of a tick (movement, combat, …), run by a {@link Schedule} on the world's thread. */
@FunctionalInterface
public interface EcsSystem {
    /**
     * Runs the system once.
     *
     * @param world the world
     */
    void run(World world);
}

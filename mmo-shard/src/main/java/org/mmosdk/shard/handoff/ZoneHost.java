package org.mmosdk.shard.handoff;

import org.mmosdk.ecs.World;

/**
 * What a node does with a zone that moves to it, implemented by the application. Called on the node's migration
 * thread; both calls must return promptly (the source zone is paused meanwhile).
 */
public interface ZoneHost {
    /**
     * A new, empty world for a zone arriving here, with the same components as on every node.
     *
     * @param zone the zone id
     * @return the world; the transferred entities are inserted into it
     */
    World newWorld(int zone);

    /**
     * Starts running an arrived zone: host its handoffs ({@link HandoffService#host}, then
     * {@link ZoneHandoff#adoptAll()} on the zone thread), attach it to the {@link ZoneMigration}, and start its tick
     * loop. Ownership is this node's already; until this returns the zone is paused on both nodes.
     *
     * @param zone the zone id
     * @param world the world with every entity of the zone; released for the zone thread to take
     * @param fencingToken the revision of this node's ownership record of the zone
     * @param pausedNanos the source's {@link System#nanoTime()} when the zone paused (comparable on one host only)
     */
    void start(int zone, World world, long fencingToken, long pausedNanos);
}

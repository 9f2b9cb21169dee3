package org.mmosdk.shard.partition;

import java.util.Arrays;

import org.mmosdk.core.id.NodeIds;

/**
 * One immutable version of the partitioning: cells → zones ({@link ZoneLayout}), zones → owning nodes, and
 * non-spatial keys → live nodes ({@link RendezvousHash}). Every change returns a new map with a higher
 * {@link #epoch()}, so a cached route can tell whether it was computed from the current map.
 *
 * <p>Immutable and thread-safe; lookups do not allocate.
 */
public final class PartitionMap {
    private final ZoneLayout layout;
    private final int[] zoneOwners;
    private final RendezvousHash nodes;
    private final long epoch;

    private PartitionMap(final ZoneLayout layout, final int[] zoneOwners, final RendezvousHash nodes, final long epoch) {
        this.layout = layout;
        this.zoneOwners = zoneOwners;
        this.nodes = nodes;
        this.epoch = epoch;
    }

    /**
     * A map with no nodes and no zone owners, epoch 0.
     *
     * @param layout the world's cells and zones
     * @return the map
     */
    public static PartitionMap of(final ZoneLayout layout) {
        if (layout == null) {
            throw new IllegalArgumentException("layout must not be null");
        }
        return new PartitionMap(layout, new int[layout.zoneCount()], RendezvousHash.of(), 0);
    }

    /**
     * The node that owns a zone.
     *
     * @param zone a zone id
     * @return the owner, or {@link NodeIds#NONE} if the zone is unowned or does not exist
     */
    public int nodeOfZone(final int zone) {
        return zone >= 0 && zone < zoneOwners.length ? zoneOwners[zone] : NodeIds.NONE;
    }

    /**
     * The node that owns the zone at a world position.
     *
     * @param x world x
     * @param y world y
     * @return the owner, or {@link NodeIds#NONE}
     */
    public int nodeAt(final double x, final double y) {
        return nodeOfZone(layout.zoneAt(x, y));
    }

    /**
     * The live node a non-spatial key hash maps to.
     *
     * @param keyHash see {@link KeyHash}
     * @return the node, or {@link NodeIds#NONE} when no node is live
     */
    public int nodeForKey(final long keyHash) {
        return nodes.nodeFor(keyHash);
    }

    /**
     * The live node a text key maps to.
     *
     * @param key e.g. {@code "guild:42"}
     * @return the node, or {@link NodeIds#NONE} when no node is live
     */
    public int nodeForKey(final CharSequence key) {
        return nodes.nodeFor(KeyHash.of(key));
    }

    /**
     * This map with a node added to the live nodes.
     *
     * @param nodeId the node
     * @return a new map, or this one if nothing changed
     */
    public PartitionMap withNode(final int nodeId) {
        final RendezvousHash next = nodes.with(nodeId);
        return next == nodes ? this : new PartitionMap(layout, zoneOwners, next, epoch + 1);
    }

    /**
     * This map with a node removed from the live nodes; the zones it owned stay assigned until their
     * ownership records change.
     *
     * @param nodeId the node
     * @return a new map, or this one if nothing changed
     */
    public PartitionMap withoutNode(final int nodeId) {
        final RendezvousHash next = nodes.without(nodeId);
        return next == nodes ? this : new PartitionMap(layout, zoneOwners, next, epoch + 1);
    }

    /**
     * This map with a zone's owner set.
     *
     * @param zone a zone id in [0, zoneCount)
     * @param nodeId the owner, or {@link NodeIds#NONE} for unowned
     * @return a new map, or this one if nothing changed
     */
    public PartitionMap withZoneOwner(final int zone, final int nodeId) {
        if (zone < 0 || zone >= zoneOwners.length) {
            throw new IllegalArgumentException("zone must be in [0, " + zoneOwners.length + "), was " + zone);
        }
        if (nodeId != NodeIds.NONE) {
            NodeIds.check(nodeId);
        }
        if (zoneOwners[zone] == nodeId) {
            return this;
        }
        final int[] owners = zoneOwners.clone();
        owners[zone] = nodeId;
        return new PartitionMap(layout, owners, nodes, epoch + 1);
    }

    /**
     * The layout.
     *
     * @return cells and zones
     */
    public ZoneLayout layout() {
        return layout;
    }

    /**
     * The live nodes that keys map to.
     *
     * @return the hash over them
     */
    public RendezvousHash nodes() {
        return nodes;
    }

    /**
     * The version of this map; every change adds one.
     *
     * @return at least 0
     */
    public long epoch() {
        return epoch;
    }

    @Override
    public String toString() {
        return "PartitionMap{epoch=" + epoch + ", nodes=" + nodes + ", zoneOwners=" + Arrays.toString(zoneOwners) + '}';
    }
}

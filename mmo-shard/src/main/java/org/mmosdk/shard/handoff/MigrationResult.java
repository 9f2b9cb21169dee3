package org.mmosdk.shard.handoff;

/**
 * How a zone migration ended, seen from the source node.
 *
 * @param zone the zone
 * @param fromNode the source node
 * @param toNode the target node
 * @param moved true if the zone runs on {@code toNode} now, false if it resumed on {@code fromNode}
 * @param revision the ownership record's revision after the migration (the fencing token of the owner), 0 if unknown
 * @param entities entities transferred
 * @param pauseNanos time from the pause to the answer at the source (the zone ran on neither node meanwhile)
 * @param reason why it did not move, empty if it moved
 */
public record MigrationResult(int zone, int fromNode, int toNode, boolean moved, long revision, int entities, long pauseNanos,
                              String reason) {
}

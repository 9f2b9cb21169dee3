package org.mmosdk.sync.lockstep;

/**
 * A desync found by comparing state hashes of confirmed frames.
 *
 * @param frame the first frame after which the client's state differed (the state after {@code frame} frames)
 * @param peerId the diverging client's peer id
 * @param entity the first differing entity (the server's handle), or {@link org.mmosdk.core.id.EntityIds#NONE} if
 *     forensics could not narrow it down (pure lockstep room, or the frame left the server's window)
 * @param component the first differing component's name, {@link org.mmosdk.ecs.StateHashes#ENTITIES} for the
 *     entity handles, or null if unknown
 * @param archetype the component names of the entity's archetype, or null if unknown
 */
public record DesyncReport(int frame, long peerId, long entity, String component, String archetype) {
}

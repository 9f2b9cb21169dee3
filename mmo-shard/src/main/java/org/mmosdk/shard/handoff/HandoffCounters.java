package org.mmosdk.shard.handoff;

/**
 * A snapshot of one zone's handoff counters.
 *
 * @param sent entities this zone handed off (frozen and sent)
 * @param received entities inserted here by a handoff
 * @param duplicates repeated handoffs acknowledged without a second insert
 * @param refused handoffs refused (by a target of this zone's, or by this zone)
 * @param forwarded inputs forwarded to an entity's new zone
 */
public record HandoffCounters(long sent, long received, long duplicates, long refused, long forwarded) {
}

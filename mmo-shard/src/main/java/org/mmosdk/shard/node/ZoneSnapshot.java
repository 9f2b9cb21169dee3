package org.mmosdk.shard.node;

/**
 * A zone's state serialized at a tick boundary, for a checkpoint.
 *
 * @param tick the last tick whose effects {@code state} contains
 * @param state the serialized zone (for example {@code EntitySerializer.write}); not modified afterwards
 */
public record ZoneSnapshot(long tick, byte[] state) {
}

package org.mmosdk.shard.handoff;

import java.nio.ByteBuffer;

/** Receives player inputs for a zone's entities, on the zone's thread. */
@FunctionalInterface
public interface InputSink {
    /**
     * An input for an entity of this zone (routed here, buffered while it was frozen, or forwarded from its former
     * zone).
     *
     * @param entity the live entity
     * @param gid its global id
     * @param input the input's bytes between position and limit, valid during the call only
     */
    void onInput(long entity, long gid, ByteBuffer input);
}

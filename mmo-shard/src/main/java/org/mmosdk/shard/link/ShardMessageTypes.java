package org.mmosdk.shard.link;

import org.mmosdk.core.wire.MessageTypes;
import org.mmosdk.core.wire.WireSchema;
import org.mmosdk.shard.wire.fb.LinkData;

/**
 * Message type ids of mmo-shard, in its range [{@link MessageTypes#SHARD_FIRST}, 0x04FF], and its wire schema
 * ({@code shard.fbs}).
 */
public final class ShardMessageTypes {
    /** A control message carried at least once over a node link: {@code LinkData}. */
    public static final int LINK_DATA = MessageTypes.SHARD_FIRST;
    /** The acknowledgement of link messages: {@code LinkAck}. */
    public static final int LINK_ACK = MessageTypes.SHARD_FIRST + 1;
    /** An entity crossing a zone border: {@code Handoff}, carried in a {@code LinkData}. */
    public static final int HANDOFF = MessageTypes.SHARD_FIRST + 0x10;
    /** The target's answer to a handoff: {@code HandoffAck}, carried in a {@code LinkData}. */
    public static final int HANDOFF_ACK = MessageTypes.SHARD_FIRST + 0x11;
    /** An input forwarded to an entity's new owner: {@code ForwardedInput}, carried in a {@code LinkData}. */
    public static final int FORWARDED_INPUT = MessageTypes.SHARD_FIRST + 0x12;
    /** Read-only copies of entities near a border: {@code GhostBatch}, carried in a {@code LinkData}. */
    public static final int GHOST_BATCH = MessageTypes.SHARD_FIRST + 0x13;
    /** A message for a client session held by another node: {@code ToSession}, carried in a {@code LinkData}. */
    public static final int TO_SESSION = MessageTypes.SHARD_FIRST + 0x14;
    /** A whole zone moving: {@code ZoneTransfer}, carried in a {@code LinkData}. */
    public static final int ZONE_TRANSFER = MessageTypes.SHARD_FIRST + 0x20;
    /** The target's answer to a zone transfer: {@code ZoneTransferAck}, carried in a {@code LinkData}. */
    public static final int ZONE_TRANSFER_ACK = MessageTypes.SHARD_FIRST + 0x21;
    /** Last id of mmo-shard's range. */
    public static final int SHARD_LAST = MessageTypes.SHARD_FIRST + 0xFF;

    private ShardMessageTypes() {
    }

    /**
     * mmo-shard's wire schema, loaded once.
     *
     * @return the schema of every table in {@code shard.fbs}
     */
    public static WireSchema schema() {
        return Holder.SCHEMA;
    }

    private static final class Holder {
        static final WireSchema SCHEMA = WireSchema.fromResource(LinkData.class, "shard.bfbs");
    }
}

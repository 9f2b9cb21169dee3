package org.mmosdk.core.wire;

import org.mmosdk.core.wire.fb.Ping;

/**
 * Who owns which message type ids, and mmo-core's own messages. Type id 0 is never valid.
 *
 * <table>
 *   <caption>Type id ranges</caption>
 *   <tr><th>range</th><th>owner</th></tr>
 *   <tr><td>0x0001–0x00FF</td><td>mmo-core (control: ping, pong, close)</td></tr>
 *   <tr><td>0x0100–0x01FF</td><td>mmo-net (handshake, acks)</td></tr>
 *   <tr><td>0x0200–0x02FF</td><td>mmo-ecs</td></tr>
 *   <tr><td>0x0300–0x03FF</td><td>mmo-sync</td></tr>
 *   <tr><td>0x0400–0x04FF</td><td>mmo-shard</td></tr>
 *   <tr><td>0x0500–0x0FFF</td><td>reserved for mmo-sdk</td></tr>
 *   <tr><td>0x1000–0xFFFF</td><td>the application</td></tr>
 * </table>
 */
public final class MessageTypes {
    /** {@code org.mmosdk.core.wire.fb.Ping}. */
    public static final int PING = 0x0001;
    /** {@code org.mmosdk.core.wire.fb.Pong}. */
    public static final int PONG = 0x0002;
    /** {@code org.mmosdk.core.wire.fb.Close}. */
    public static final int CLOSE = 0x0003;

    /** First id of mmo-net's range. */
    public static final int NET_FIRST = 0x0100;
    /** First id of mmo-ecs's range. */
    public static final int ECS_FIRST = 0x0200;
    /** First id of mmo-sync's range. */
    public static final int SYNC_FIRST = 0x0300;
    /** First id of mmo-shard's range. */
    public static final int SHARD_FIRST = 0x0400;
    /** First id an application may use. */
    public static final int APP_FIRST = 0x1000;
    /** Largest type id. */
    public static final int MAX = 0xFFFF;

    private MessageTypes() {
    }

    /**
     * mmo-core's wire schema ({@code core.fbs}), loaded once.
     *
     * @return the schema of Ping, Pong and Close
     */
    public static WireSchema coreSchema() {
        return CoreSchemaHolder.SCHEMA;
    }

    /**
     * Checks that a type id is in [1, {@link #MAX}].
     *
     * @param typeId the id
     * @return {@code typeId}
     */
    public static int check(final int typeId) {
        if (typeId < 1 || typeId > MAX) {
            throw new IllegalArgumentException("type id must be in [1, 65535], was " + typeId);
        }
        return typeId;
    }

    private static final class CoreSchemaHolder {
        static final WireSchema SCHEMA = WireSchema.fromResource(Ping.class, "core.bfbs");
    }
}

package org.mmosdk.sync;

import org.mmosdk.core.wire.MessageTypes;
import org.mmosdk.core.wire.WireSchema;
import org.mmosdk.sync.wire.fb.Snapshot;

/** mmo-sync's message type ids (range 0x0300–0x03FF) and its wire schema. */
public final class SyncMessageTypes {
    /** {@code org.mmosdk.sync.wire.fb.Snapshot}, server to client, droppable. */
    public static final int SNAPSHOT = MessageTypes.SYNC_FIRST;
    /** {@code org.mmosdk.sync.wire.fb.SnapshotAck}, client to server. */
    public static final int SNAPSHOT_ACK = MessageTypes.SYNC_FIRST + 1;
    /** {@code org.mmosdk.sync.wire.fb.InputBatch}, client to server. */
    public static final int INPUT_BATCH = MessageTypes.SYNC_FIRST + 2;

    /** Close code sent to a peer whose message broke the sync protocol (as WebSocket's "protocol error"). */
    public static final int CLOSE_PROTOCOL_ERROR = 1002;

    private SyncMessageTypes() {
    }

    /**
     * mmo-sync's wire schema ({@code sync.bfbs}), loaded once.
     *
     * @return the schema of Snapshot, SnapshotAck and InputBatch
     */
    public static WireSchema schema() {
        return Holder.SCHEMA;
    }

    private static final class Holder {
        static final WireSchema SCHEMA = WireSchema.fromResource(Snapshot.class, "sync.bfbs");
    }
}

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

    /** {@code LockstepInput}, client to server, droppable (org.mmosdk.sync.lockstep). */
    public static final int LOCKSTEP_INPUT = MessageTypes.SYNC_FIRST + 0x10;
    /** {@code LockstepFrames}, server to client, droppable. */
    public static final int LOCKSTEP_FRAMES = MessageTypes.SYNC_FIRST + 0x11;
    /** {@code Keyframe}, server to client. */
    public static final int KEYFRAME = MessageTypes.SYNC_FIRST + 0x12;
    /** {@code HashReport}, client to server. */
    public static final int HASH_REPORT = MessageTypes.SYNC_FIRST + 0x13;
    /** {@code KeyOp}, client to server, droppable and retransmitted until acknowledged. */
    public static final int KEY_OP = MessageTypes.SYNC_FIRST + 0x14;
    /** {@code KeyOpAck}, server to client, droppable. */
    public static final int KEY_OP_ACK = MessageTypes.SYNC_FIRST + 0x15;
    /** {@code Probe}, server to client (desync forensics). */
    public static final int PROBE = MessageTypes.SYNC_FIRST + 0x16;
    /** {@code ProbeReply}, client to server. */
    public static final int PROBE_REPLY = MessageTypes.SYNC_FIRST + 0x17;

    /** Close code sent to a peer whose message broke the sync protocol (as WebSocket's "protocol error"). */
    public static final int CLOSE_PROTOCOL_ERROR = 1002;

    private SyncMessageTypes() {
    }

    /**
     * mmo-sync's wire schema ({@code sync.bfbs}), loaded once.
     *
     * @return the schema of every mmo-sync message
     */
    public static WireSchema schema() {
        return Holder.SCHEMA;
    }

    private static final class Holder {
        static final WireSchema SCHEMA = WireSchema.fromResource(Snapshot.class, "sync.bfbs");
    }
}

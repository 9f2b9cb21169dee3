/**
 * mmo-sync: state sync with interest management and delta compression (this package); frame sync (lockstep), its
 * hybrid with server keyframes, desync forensics, rollback and replay live in {@link org.mmosdk.sync.lockstep}.
 *
 * <ul>
 *   <li>{@link org.mmosdk.sync.ReplicationRules}: which components replicate, to whom, quantized how.</li>
 *   <li>{@link org.mmosdk.sync.SyncServer}: per zone; spatial-grid interest with hysteresis (every tick, or each
 *       client every n-th tick with {@code interestInterval}), per-client snapshots of entering / changed / leaving
 *       entities against each client's acknowledged baseline, a byte budget with a priority accumulator, input
 *       application. Per tick it quantizes each entity once (on first use), sorts the grid by cell, and applies each
 *       client's acknowledgements just before writing its next snapshot.</li>
 *   <li>{@link org.mmosdk.sync.SyncClient}: applies snapshots to a mirror world, interpolates remote entities,
 *       predicts and reconciles the own entity.</li>
 *   <li>{@link org.mmosdk.sync.SyncMessageTypes}: type ids 0x0300–0x03FF and the wire schema {@code sync.fbs}.</li>
 * </ul>
 *
 * <p>Snapshot wire format ({@code Snapshot} in {@code sync.fbs}, type 0x0300): a FlatBuffers table around one
 * bit-packed stream: a header ({@code SnapshotHeader}: sequence number, the common base, server tick and time, own
 * entity, input ack — relative to the base's when the client still holds it —, the record count and the removed entity
 * ids), then the entity records laid out by the shared rules. An entity entering a client's view travels as an <em>id
 * record</em> (its id, the client's view slot it is bound to, every visible component in absolute quantized values);
 * while it stays, its changes travel as <em>slot records</em>: the slot as a gap from the previous slot record's
 * (Elias gamma), the base (an earlier snapshot the client acknowledged that carried this slot: usually the snapshot's
 * common base, one bit), optionally a prior base (the acknowledged base before it), the changed components' mask,
 * and each bounded float or angle as a zigzag delta from the base's value — or, with a prior base, from the base's
 * value extrapolated linearly from the prior's — in the snapshot's common width for that field (chosen from the
 * previous update's deltas) or behind a length prefix (absolute when large). A slot record of the snapshot's usual
 * shape (common base, the usual mask and prior, named in the stream's header) has a 3-bit header. The server encodes an
 * entity's slot-record fields once per update for all clients that hold the same bases and copies them to the others.
 * The client keeps the quantized values of the last 16 records of each slot, so any acknowledged base the server names
 * is still there; the server names none (absolute values) when 16 or more records of the slot were sent since.
 *
 * <p>Dead reckoning ({@code ReplicationRules.Builder.deadReckoning}): the server keeps a line per entity (position
 * and velocity in quantization steps per update) and republishes it when the entity drifts more than the tolerance off
 * it; clients are sent the line's positions. A slot's position travels until the client's base and prior base (its
 * newest records) are both on the current line, and with every record of the slot; a client extrapolates every entity
 * in view that a snapshot has no record of along its newest two records. The wire format is the same. Loss, reordering and duplication stay harmless: every base is
 * acknowledged, and a snapshot older than the newest applied one is dropped. The bit layout is specified in
 * {@code EntityCodec}; every read is bounds-checked and a snapshot is decoded and checked whole before anything is
 * applied (a malformed one closes the peer).
 *
 * <p>Threads: a {@code SyncServer} belongs to the zone thread that owns its world — every method and the message
 * handlers it registers run there (dispatch the zone's inbox on that thread). A {@code SyncClient} belongs to the
 * thread that owns its mirror world. {@code ReplicationRules} are immutable and shared freely. Nothing here touches
 * the transport beyond {@link org.mmosdk.core.peer.Peer}.
 */
package org.mmosdk.sync;

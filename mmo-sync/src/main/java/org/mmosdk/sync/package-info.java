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
 * <p>Snapshot wire format ({@code Snapshot} in {@code sync.fbs}, type 0x0300): a FlatBuffers table (sequence number,
 * server time, own entity, input ack, the common base, removed entity ids — absent when none) around one bit-packed
 * stream of entity records laid out by the shared rules. An entity entering a client's view travels as an <em>id
 * record</em> (its id, the client's view slot it is bound to, every visible component in absolute quantized values);
 * while it stays, its changes travel as <em>slot records</em>: the slot as a gap from the previous slot record's
 * (Elias gamma), the base (an earlier snapshot the client acknowledged that carried this slot: usually the snapshot's
 * common base, one bit), optionally a prior base (the acknowledged base before it), the changed components' mask,
 * and each bounded float or angle as a zigzag delta from the base's value — or, with a prior base, from the base's
 * value extrapolated linearly from the prior's — in the snapshot's common width for that field (chosen from the
 * previous update's deltas) or behind a length prefix (absolute when large). A slot record of the snapshot's usual
 * shape (common base, the usual mask and prior, named in the stream's header) has a 3-bit header. The server encodes an
 * entity's slot-record fields once per update for all clients that hold the same bases and copies them to the others.
 * The client keeps the quantized values
 * of the last 16 records of each slot, so any acknowledged base the server names is still there; the server names
 * none (absolute values) when more records than that were sent since. Loss, reordering and duplication stay harmless: every base is
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

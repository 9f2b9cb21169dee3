/**
 * mmo-sync: state sync with interest management and delta compression (this package); frame sync (lockstep), its
 * hybrid with server keyframes, desync forensics, rollback and replay live in {@link org.mmosdk.sync.lockstep}.
 *
 * <ul>
 *   <li>{@link org.mmosdk.sync.ReplicationRules}: which components replicate, to whom, quantized how.</li>
 *   <li>{@link org.mmosdk.sync.SyncServer}: per zone; spatial-grid interest with hysteresis, per-client snapshots
 *       of entering / changed / leaving entities against each client's acknowledged baseline, a byte budget with a
 *       priority accumulator, input application.</li>
 *   <li>{@link org.mmosdk.sync.SyncClient}: applies snapshots to a mirror world, interpolates remote entities,
 *       predicts and reconciles the own entity.</li>
 *   <li>{@link org.mmosdk.sync.SyncMessageTypes}: type ids 0x0300–0x03FF and the wire schema {@code sync.fbs}.</li>
 * </ul>
 *
 * <p>Threads: a {@code SyncServer} belongs to the zone thread that owns its world — every method and the message
 * handlers it registers run there (dispatch the zone's inbox on that thread). A {@code SyncClient} belongs to the
 * thread that owns its mirror world. {@code ReplicationRules} are immutable and shared freely. Nothing here touches
 * the transport beyond {@link org.mmosdk.core.peer.Peer}.
 */
package org.mmosdk.sync;

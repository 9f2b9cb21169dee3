/**
 * A deterministic simulation harness for sync tests: {@link org.mmosdk.sync.sim.SimNetwork} connects
 * {@link org.mmosdk.sync.sim.SimPeer}s ({@link org.mmosdk.core.peer.Peer}s) over links with latency, jitter, loss,
 * duplication, reordering and partitions, driven by a {@link org.mmosdk.core.time.VirtualClock} and one seed.
 *
 * <p>Threads: single-threaded. The thread that advances the clock creates peers, sends, flushes and calls
 * {@link org.mmosdk.sync.sim.SimNetwork#deliverDue()}, which runs the receivers on that thread. Allocates freely
 * (it is a test tool, not a transport).
 */
package org.mmosdk.sync.sim;

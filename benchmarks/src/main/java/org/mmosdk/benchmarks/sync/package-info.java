/**
 * Benchmarks of mmo-sync (issue 5), each against what it states:
 * <ul>
 *   <li>{@link org.mmosdk.benchmarks.sync.SnapshotCodecBenchmark}: a 100-entity snapshot through mmo-sync's codec
 *       (with and without payload verification) vs protobuf-java 4.31.1 and SBE 1.38.1, same fields, same run;</li>
 *   <li>{@link org.mmosdk.benchmarks.sync.CrowdBenchmark}: 1,000 walking players, 20 Hz, one server tick through the
 *       real {@code SyncServer};</li>
 *   <li>{@link org.mmosdk.benchmarks.sync.CubesBenchmark}: 901 entities, 10% moving, 60 Hz, one client;</li>
 *   <li>{@link org.mmosdk.benchmarks.sync.LockstepBenchmark}: one frame of an 8- and a 100-player 30 Hz room;</li>
 *   <li>{@link org.mmosdk.benchmarks.sync.RollbackBenchmark}: restore + re-simulate 8 frames of a 10k-entity world;</li>
 *   <li>{@link org.mmosdk.benchmarks.sync.SyncBandwidthReport} (a main, not JMH): bytes per client per second of the
 *       crowd and cubes scenes vs sending the full visible state, and the codec's bytes on the wire.</li>
 * </ul>
 * {@code org.mmosdk.sync.SnapshotCodecAccess} (in this module, in mmo-sync's package) reaches mmo-sync's
 * package-private codec for the codec benchmark.
 *
 * <p>Threads: each benchmark state belongs to the JMH worker thread that uses it.
 */
package org.mmosdk.benchmarks.sync;

/**
 * Durable zone checkpoints.
 *
 * <ul>
 *   <li>{@link org.mmosdk.shard.checkpoint.CheckpointStore} is the SPI: save a zone's bytes with its tick and
 *       fencing token, read the latest back.</li>
 *   <li>{@link org.mmosdk.shard.checkpoint.FileCheckpointStore} is the default: an append-only file per zone of
 *       CRC32C-checksummed records ({@link org.mmosdk.shard.checkpoint.RecordLog}), forced to the device as the
 *       {@link org.mmosdk.shard.checkpoint.FsyncPolicy} says.</li>
 * </ul>
 *
 * <p><b>What a crash loses.</b> A zone is restored from its latest checkpoint and resumes at the tick after it.
 * Everything the zone simulated since that checkpoint is lost: with a checkpoint every K ticks, up to K ticks
 * (for K = 100 at 20 Hz, five seconds). Saves that returned are never lost to a process crash (kill -9);
 * after an operating system crash or power loss, {@code everyWrite} loses none of them, {@code everyN(n)} at most
 * the last n - 1, {@code never} whatever the kernel had not written back. A save cut off by a crash is detected by
 * its length and checksum and ignored; the previous checkpoint is recovered. Corruption inside the file (bad
 * media) is detected the same way; recovery returns the last valid checkpoint before it and sets the damaged
 * tail aside in {@code <file>.discarded}.
 *
 * <p><b>Threads.</b> A zone's tick thread only serializes its World (for example with
 * {@code org.mmosdk.ecs.EntitySerializer}) into bytes at a tick boundary; a checkpoint thread (any thread other
 * than a tick thread) calls {@code save}, which blocks on I/O. Every public method of this package may be called
 * from any thread; {@code FileCheckpointStore} serializes the saves of one zone and lets different zones proceed
 * in parallel; {@code RecordLog} methods are synchronized; {@code Checkpoint} and {@code FsyncPolicy} are
 * immutable.
 */
package org.mmosdk.shard.checkpoint;

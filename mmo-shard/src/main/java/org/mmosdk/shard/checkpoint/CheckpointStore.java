package org.mmosdk.shard.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * Durable storage of zone checkpoints (SPI). {@link FileCheckpointStore} is the default.
 *
 * <p>Contract for implementations:
 * <ul>
 *   <li>{@link #save} is durable according to the implementation's documented policy when it returns, and is
 *       atomic: {@link #latest} returns either the previous checkpoint or this one, never a mix.</li>
 *   <li>Writes are fenced: a save whose fencing token is lower than the highest token this store has accepted
 *       for the zone is refused (returns {@code false}) and changes nothing — it comes from an owner that has
 *       lost the zone.</li>
 *   <li>Within one token, ticks do not go backwards.</li>
 * </ul>
 *
 * <p><b>Threads.</b> Any thread may call any method; calls may block on I/O, so never call them from a tick
 * thread: the tick thread serializes the zone into bytes and a checkpoint thread saves them.
 */
public interface CheckpointStore extends AutoCloseable {
    /**
     * Saves a zone's state.
     *
     * @param zone the zone id, at least 0
     * @param tick the last tick whose effects {@code state} contains
     * @param fencingToken the caller's ownership token for the zone
     * @param state the bytes from position to limit; not modified, not retained
     * @return true if saved; false if the token is stale (the caller no longer owns the zone and should stop it)
     * @throws IOException on storage failure (nothing was saved, or the save is not known to be durable)
     * @throws IllegalArgumentException if {@code tick} is lower than the latest saved tick under the same token
     */
    boolean save(int zone, long tick, long fencingToken, ByteBuffer state) throws IOException;

    /**
     * The latest saved checkpoint of a zone.
     *
     * @param zone the zone id
     * @return the checkpoint, or empty if none was saved
     * @throws IOException on storage failure
     */
    Optional<Checkpoint> latest(int zone) throws IOException;

    /**
     * Stops writing a zone here, so that another process sharing the storage can take it over (for example after the
     * zone migrated away). A later call for the zone opens it again. The default does nothing.
     *
     * @param zone the zone id
     * @throws IOException on storage failure
     */
    default void release(final int zone) throws IOException {
    }

    /**
     * Releases files and locks.
     *
     * @throws IOException on storage failure
     */
    @Override
    void close() throws IOException;
}

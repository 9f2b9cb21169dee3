package org.mmosdk.shard.node;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.mmosdk.shard.checkpoint.Checkpoint;
import org.mmosdk.shard.membership.Lease;

/**
 * The application's zones, as seen by a {@link ShardNode}: start a zone the node now owns (fresh or from its latest
 * checkpoint), serialize it for a checkpoint, stop it when the node no longer owns it. Implementations must be
 * thread-safe; see the package description for which thread calls what.
 */
public interface ZoneRunner {
    /**
     * Starts running a zone this node has just taken ownership of. Called on the node's coordination thread; must
     * return promptly (start the zone's tick loop and return).
     *
     * @param zone the zone id
     * @param restored the zone's latest checkpoint (resume at its {@code tick() + 1}), or empty for a zone that was
     *     never checkpointed
     * @param fencingToken the revision of this node's ownership record of the zone
     */
    void start(int zone, Optional<Checkpoint> restored, long fencingToken);

    /**
     * Serializes a running zone at a tick boundary, on the zone's own thread.
     *
     * @param zone the zone id
     * @return completes with the zone's state, or exceptionally (or with null) if the zone cannot be serialized now
     */
    CompletableFuture<ZoneSnapshot> snapshot(int zone);

    /**
     * The node holds a zone it runs under a new fencing token: it took the zone back by compare-and-set after its
     * record had disappeared (a rejoin after the lease was lost, or a record released while the zone ran here).
     * Called on the coordination thread. The default does nothing; a node that also migrates zones passes the token
     * on to its {@code ZoneMigration} ({@code owned(zone, token)}).
     *
     * @param zone the zone id
     * @param fencingToken the new token
     */
    default void tokenChanged(final int zone, final long fencingToken) {
    }

    /**
     * The node joined again with a new lease after its former one was lost (an outage of the membership longer than
     * the lease lived there); ownership records are taken with {@code lease} from now on, and
     * {@link #tokenChanged} follows for each zone taken back. Called on the coordination thread. The default does
     * nothing; a node that also migrates zones passes it on ({@code ZoneMigration.useLease}).
     *
     * @param lease the new lease
     */
    default void leaseChanged(final Lease lease) {
    }

    /**
     * Stops a zone this node no longer owns: its ownership record moved to another node, or a checkpoint was refused
     * for a stale fencing token. Called on the coordination or the checkpoint thread; must be idempotent and return
     * promptly.
     *
     * @param zone the zone id
     * @param reason why, for logs
     */
    void stop(int zone, String reason);
}

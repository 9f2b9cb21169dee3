package org.mmosdk.shard.handoff;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.google.flatbuffers.FlatBufferBuilder;
import org.mmosdk.core.id.NodeIds;
import org.mmosdk.core.wire.EnvelopeWriter;
import org.mmosdk.ecs.EntitySerializer;
import org.mmosdk.ecs.World;
import org.mmosdk.shard.link.LinkSource;
import org.mmosdk.shard.link.NodeLinks;
import org.mmosdk.shard.link.ShardMessageTypes;
import org.mmosdk.shard.membership.Lease;
import org.mmosdk.shard.membership.Membership;
import org.mmosdk.shard.membership.ZoneOwner;
import org.mmosdk.shard.wire.fb.ZoneTransfer;
import org.mmosdk.shard.wire.fb.ZoneTransferAck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves whole live zones between nodes: the source zone pauses (no simulation, no new handoffs, inputs buffered),
 * waits for its pending handoffs, serializes every entity and sends a {@code ZoneTransfer}; the target builds the
 * zone's world, takes ownership by compare-and-set through the {@link Membership} (expecting the source's revision;
 * the new revision is the zone's fencing token), starts it ({@link ZoneHost#start}) and answers; the source then
 * stops hosting the zone and passes the buffered inputs on. Routes follow the ownership record (a
 * {@link org.mmosdk.shard.partition.MembershipRouting} keeps the gateway's {@code RouteCache} current), so sessions
 * stay connected and their inputs reach the zone on its new node ({@link HandoffService#sendInput}).
 *
 * <p>If no answer comes within the ack timeout, the source fences: it compare-and-sets the record to itself at the
 * revision it sent. If that succeeds, the target's CAS can no longer succeed and the zone resumes at the source with
 * the new token; if it fails, the target owns the zone and the source lets it go. Either way exactly one node runs it.
 *
 * <p>Threads: {@link #migrate} and {@link #acquire} from any thread (acquire blocks on the membership);
 * {@link MigratingZone#step()} on the zone's thread; membership calls of the target and of fencing run on this
 * object's own thread, never on an I/O or zone thread.
 */
public final class ZoneMigration implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ZoneMigration.class);

    final HandoffService handoffs;
    final Membership membership;
    volatile Lease lease;
    final ZoneHost host;
    final long ackTimeoutNanos;
    final ExecutorService executor;
    private final Map<Integer, Long> revisions = new ConcurrentHashMap<>();
    private final Map<Integer, MigratingZone> attached = new ConcurrentHashMap<>();
    private final Map<Long, Boolean> appliedMigrations = new ConcurrentHashMap<>();
    private final AtomicLong migrationIds = new AtomicLong();
    private final ThreadLocal<EnvelopeWriter> writers = ThreadLocal.withInitial(() -> new EnvelopeWriter(1024));
    private volatile NodeLinks links;

    private ZoneMigration(final HandoffService handoffs, final Membership membership, final Lease lease,
                          final ZoneHost host, final Duration ackTimeout) {
        this.handoffs = handoffs;
        this.membership = membership;
        this.lease = lease;
        this.host = host;
        this.ackTimeoutNanos = ackTimeout.toNanos();
        this.executor = Executors.newSingleThreadExecutor(r -> {
            final Thread t = new Thread(r, "mmo-shard-migration-" + handoffs.nodeId);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Zone migration for one node.
     *
     * @param handoffs the node's handoff service
     * @param membership the cluster's membership
     * @param lease this node's lease (ownership records taken by this node are tied to it)
     * @param host creates and starts zones that move to this node
     * @param ackTimeout how long a source waits for the target's answer before it fences; at least 100 ms
     * @return the migration service
     */
    public static ZoneMigration create(final HandoffService handoffs, final Membership membership, final Lease lease,
                                       final ZoneHost host, final Duration ackTimeout) {
        if (lease.nodeId() != handoffs.nodeId) {
            throw new IllegalArgumentException("lease of node " + lease.nodeId() + " for the migrations of node " + handoffs.nodeId);
        }
        if (ackTimeout.toMillis() < 100) {
            throw new IllegalArgumentException("ackTimeout must be at least 100 ms, was " + ackTimeout);
        }
        return new ZoneMigration(handoffs, membership, lease, host, ackTimeout);
    }

    /**
     * Registers the migration message handlers on the links being built.
     *
     * @param builder the builder of this node's links
     * @return the same builder
     */
    public NodeLinks.Builder install(final NodeLinks.Builder builder) {
        return builder
            .handler(ShardMessageTypes.ZONE_TRANSFER, ShardMessageTypes.schema().table(ZoneTransfer.class),
                NodeLinks.MAX_FRAME_BYTES_DEFAULT - 1024, this::onTransfer)
            .handler(ShardMessageTypes.ZONE_TRANSFER_ACK, ShardMessageTypes.schema().table(ZoneTransferAck.class), 1024,
                this::onTransferAck);
    }

    /**
     * Sends through these links from now on.
     *
     * @param nodeLinks the node's links, built from {@link #install}
     */
    public void bind(final NodeLinks nodeLinks) {
        this.links = nodeLinks;
    }

    /**
     * Takes ownership of a zone for this node by compare-and-set (blocks on the membership).
     *
     * @param zone the zone
     * @return the new record (its revision is the fencing token), or empty if another node owns it
     */
    public Optional<ZoneOwner> acquire(final int zone) {
        final Optional<ZoneOwner> current = membership.zoneOwner(zone);
        if (current.isPresent() && current.get().nodeId() == handoffs.nodeId && current.get().leaseId() == lease.leaseId()) {
            revisions.put(zone, current.get().revision());
            return current;
        }
        if (current.isPresent()) {
            return Optional.empty();
        }
        final Optional<ZoneOwner> taken = membership.compareAndSetZoneOwner(zone, 0, lease);
        taken.ifPresent(o -> revisions.put(zone, o.revision()));
        return taken;
    }

    /**
     * Records that this node owns a zone it took by other means than {@link #acquire} — a
     * {@link org.mmosdk.shard.node.ShardNode} claim or takeover — so that the zone can be migrated; call before
     * {@link #attach}.
     *
     * @param zone the zone
     * @param fencingToken the revision of this node's ownership record of the zone (taken with this object's lease)
     */
    public void owned(final int zone, final long fencingToken) {
        if (fencingToken <= 0) {
            throw new IllegalArgumentException("fencingToken must be positive, was " + fencingToken);
        }
        revisions.put(zone, fencingToken);
    }

    /**
     * Takes ownership records with this lease from now on: the node joined again after its former lease was lost
     * (see {@link org.mmosdk.shard.node.ShardNode}). Migrations already under way keep the lease they started with.
     *
     * @param next this node's new lease
     */
    public void useLease(final Lease next) {
        if (next.nodeId() != handoffs.nodeId) {
            throw new IllegalArgumentException("lease of node " + next.nodeId() + " for the migrations of node " + handoffs.nodeId);
        }
        this.lease = next;
    }

    /**
     * The fencing token this node holds for a zone.
     *
     * @param zone the zone
     * @return the revision of its ownership record, or 0 if this node does not own it
     */
    public long fencingToken(final int zone) {
        return revisions.getOrDefault(zone, 0L);
    }

    /**
     * Makes a hosted zone movable; call on the zone's thread and then {@link MigratingZone#step()} every tick.
     *
     * @param zone the zone's handoff agent
     * @return the zone's migration state
     */
    public MigratingZone attach(final ZoneHandoff zone) {
        final MigratingZone m = new MigratingZone(this, zone);
        attached.put(zone.zone(), m);
        return m;
    }

    /**
     * Asks a zone of this node to move to another node. The zone pauses at its next {@link MigratingZone#step()}.
     *
     * @param zone an attached zone owned by this node
     * @param targetNode the node to move it to (linked, running a {@code ZoneMigration} with a {@link ZoneHost})
     * @return completes when the zone moved, or stayed (see {@link MigrationResult#moved()})
     */
    public CompletableFuture<MigrationResult> migrate(final int zone, final int targetNode) {
        NodeIds.check(targetNode);
        final MigratingZone m = attached.get(zone);
        if (m == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("zone " + zone + " is not attached on node "
                + handoffs.nodeId));
        }
        if (targetNode == handoffs.nodeId) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("zone " + zone + " is already on node " + targetNode));
        }
        return m.request(targetNode, migrationIds.incrementAndGet() | ((long) handoffs.nodeId << 44));
    }

    /** Stops the migration thread; migrations in progress end without an answer (their sources fence). */
    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- used by MigratingZone (zone thread)

    boolean sendTransfer(final int targetNode, final ByteBuffer envelope) {
        final NodeLinks l = links;
        return l != null && l.send(targetNode, envelope);
    }

    void detach(final int zone, final int newOwner) {
        attached.remove(zone);
        revisions.remove(zone);
    }

    void resumed(final int zone, final long revision) {
        revisions.put(zone, revision);
    }

    /** Fences after a missing answer: CAS the record to this node at the revision sent. Runs on the executor. */
    void fence(final MigratingZone m, final int zone, final long expectedRevision, final int targetNode) {
        executor.execute(() -> {
            try {
                final Optional<ZoneOwner> kept = membership.compareAndSetZoneOwner(zone, expectedRevision, lease);
                if (kept.isPresent()) {
                    LOG.warn("zone {}: no answer from node {} to the transfer; fenced it off, staying here at revision {}", zone,
                        targetNode, kept.get().revision());
                    m.fenced(false, kept.get().revision());
                } else {
                    final Optional<ZoneOwner> now = membership.zoneOwner(zone);
                    LOG.warn("zone {}: no answer from node {} to the transfer, but the record moved on ({}); letting it go",
                        zone, targetNode, now.orElse(null));
                    m.fenced(true, now.map(ZoneOwner::revision).orElse(0L));
                }
            } catch (final RuntimeException e) {
                LOG.warn("zone {}: fencing failed, retrying after the next timeout", zone, e);
                m.fenceFailed();
            }
        });
    }

    // ---- link handlers (I/O threads)

    private void onTransferAck(final LinkSource from, final int type, final ByteBuffer payload) {
        final ZoneTransferAck a = ZoneTransferAck.getRootAsZoneTransferAck(payload);
        final MigratingZone m = attached.get(a.zone());
        if (m == null || !m.onAck(a.migration(), a.accepted(), a.revision(), a.reason())) {
            LOG.info("zone {}: stale transfer answer from node {} for migration {} ({})", a.zone(), from.nodeId(),
                a.migration(), a.accepted());
        }
    }

    private void onTransfer(final LinkSource from, final int type, final ByteBuffer payload) {
        final ZoneTransfer t = ZoneTransfer.getRootAsZoneTransfer(payload);
        final int zone = t.zone();
        final long migration = t.migration();
        final long expected = t.expectedRevision();
        final long pausedNanos = t.pausedNanos();
        final byte[] entities = new byte[t.entitiesLength()];
        if (entities.length > 0) {
            t.entitiesAsByteBuffer().get(entities);
        }
        final int gidCount = t.gidsLength();
        final int source = from.nodeId();
        executor.execute(() -> adopt(source, zone, migration, expected, pausedNanos, entities, gidCount));
    }

    /** Target side, on the executor: build, CAS, start, answer. */
    private void adopt(final int source, final int zone, final long migration, final long expected, final long pausedNanos,
                       final byte[] entities, final int gidCount) {
        if (appliedMigrations.putIfAbsent(migration, Boolean.TRUE) != null) {
            return; // answered already; the link delivered it again
        }
        String refusal = null;
        World world = null;
        long revision = 0;
        try {
            world = host.newWorld(zone);
            final long[] created = EntitySerializer.read(world, entities);
            if (created.length != gidCount) {
                refusal = "transfer of zone " + zone + " holds " + created.length + " entities but names " + gidCount;
            }
        } catch (final RuntimeException e) {
            refusal = "cannot read zone " + zone + ": " + e.getMessage();
        }
        if (refusal == null) {
            handoffs.expect(zone);
            try {
                final Optional<ZoneOwner> owner = membership.compareAndSetZoneOwner(zone, expected, lease);
                if (owner.isEmpty()) {
                    refusal = "ownership of zone " + zone + " is no longer at revision " + expected;
                } else {
                    revision = owner.get().revision();
                    revisions.put(zone, revision);
                }
            } catch (final RuntimeException e) {
                refusal = "membership unavailable: " + e.getMessage();
            }
        }
        if (refusal == null) {
            world.releaseThread();
            try {
                host.start(zone, world, revision, pausedNanos);
            } catch (final RuntimeException e) {
                LOG.error("zone {}: host failed to start the zone after taking ownership at revision {}", zone, revision, e);
                throw e;
            }
        } else {
            handoffs.cancelExpect(zone);
            LOG.warn("refusing zone {} from node {}: {}", zone, source, refusal);
        }
        final EnvelopeWriter w = writers.get();
        final FlatBufferBuilder b = w.begin(ShardMessageTypes.ZONE_TRANSFER_ACK);
        final int reason = b.createString(refusal == null ? "" : refusal.length() > 200 ? refusal.substring(0, 200) : refusal);
        final ByteBuffer ack = w.finish(ZoneTransferAck.createZoneTransferAck(b, zone, migration, refusal == null, revision, reason));
        final NodeLinks l = links;
        while (l != null && !l.send(source, ack)) {
            try {
                Thread.sleep(5); // window full: the answer must go out
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}

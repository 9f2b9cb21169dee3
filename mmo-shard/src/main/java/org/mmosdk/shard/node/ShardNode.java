package org.mmosdk.shard.node;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import org.mmosdk.core.id.NodeIds;
import org.mmosdk.shard.checkpoint.Checkpoint;
import org.mmosdk.shard.checkpoint.CheckpointStore;
import org.mmosdk.shard.membership.Lease;
import org.mmosdk.shard.membership.LeaseKeeper;
import org.mmosdk.shard.membership.Member;
import org.mmosdk.shard.membership.Membership;
import org.mmosdk.shard.membership.MembershipEvent;
import org.mmosdk.shard.membership.Subscription;
import org.mmosdk.shard.membership.ZoneOwner;
import org.mmosdk.shard.partition.KeyHash;
import org.mmosdk.shard.partition.RendezvousHash;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node of a sharded world: membership with a lease, zones owned by compare-and-set, periodic checkpoints fenced by
 * the ownership revision, and takeover of the zones of dead nodes.
 *
 * <pre>{@code
 * ShardNode node = ShardNode.builder(nodeId, "127.0.0.1:7001", membership, FileCheckpointStore.builder(dir).build(), runner)
 *     .zones(16).leaseTtl(Duration.ofSeconds(2)).checkpointEvery(Duration.ofMillis(500)).build().start();
 * node.claim(3);                       // CAS from unowned; runner.start(3, latest checkpoint, token)
 * }</pre>
 *
 * <p><b>Takeover.</b> A zone in {@code [0, zones)} that this node has seen owned and that is now unowned — its owner's
 * lease expired, which removed the ownership record — is an orphan. On every membership event that can orphan a zone,
 * and every {@link Builder#reconcileEvery(Duration)}, each node computes one designated taker per orphan by rendezvous
 * hashing over the live members; the designated node takes it by compare-and-set (expecting "unowned"), so at most one
 * node wins even if views differ; any node tries after three periods if the designated one did not. The winner reads
 * the zone's latest checkpoint, saves it again under its new fencing token (from then on the store refuses the former
 * owner's token), and starts it through {@link ZoneRunner#start}.
 *
 * <p><b>Losing a zone.</b> A zone that runs here without any ownership record is taken back by compare-and-set
 * ({@link ZoneRunner#tokenChanged}). A zone whose record names another lease on two reconciliations in a row (a migration away
 * that the application did not report with {@link #release(int)}, or a takeover while this node was cut off), or whose
 * checkpoint the store refuses for a stale token, is stopped through {@link ZoneRunner#stop}.
 *
 * <p><b>Coordination outage.</b> When the lease cannot be renewed for a whole TTL ({@link LeaseKeeper}), the node
 * marks itself disconnected ({@link #isConnected()}) and keeps its zones running and checkpointing — the store fences
 * them if another node took them meanwhile. Ownership changes fail while the membership is unreachable
 * ({@link #claim(int)} returns false). Every reconcile period the node tries again: if its lease survived (etcd keeps
 * leases across a restart and extends them), it resumes renewing it; if the lease is gone, it joins with a new lease
 * and takes its zones back by compare-and-set where they are still unowned, stopping those another node took.
 *
 * <p>Threads: see the package description.
 */
public final class ShardNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ShardNode.class);
    private static final int LOST_STRIKES = 2;
    private static final int ORPHAN_GRACE_PERIODS = 3;

    private final int nodeId;
    private final String address;
    private final Membership membership;
    private final CheckpointStore checkpoints;
    private final ZoneRunner runner;
    private final int zoneCount;
    private final boolean assignUnowned;
    private final boolean releaseAfterSave;
    private final Duration leaseTtl;
    private final long checkpointEveryNanos;
    private final long reconcileEveryNanos;
    private final ScheduledExecutorService coordination;
    private final ScheduledExecutorService checkpointer;
    private final Map<Integer, Long> owned = new ConcurrentHashMap<>();
    private final Set<Integer> seenOwned = ConcurrentHashMap.newKeySet();
    private final Map<Integer, Integer> lostStrikes = new HashMap<>();
    private final Map<Integer, Long> orphanSince = new HashMap<>();
    private final AtomicLong takeovers = new AtomicLong();
    private final AtomicLong savesRefused = new AtomicLong();
    private final AtomicLong savesFailed = new AtomicLong();
    private final AtomicLong rejoins = new AtomicLong();
    private volatile Lease lease;
    private volatile LeaseKeeper keeper;
    private volatile boolean connected;
    private volatile boolean closed;
    private Subscription subscription;

    private ShardNode(final Builder b) {
        this.nodeId = b.nodeId;
        this.address = b.address;
        this.membership = b.membership;
        this.checkpoints = b.checkpoints;
        this.runner = b.runner;
        this.zoneCount = b.zones;
        this.assignUnowned = b.assignUnowned;
        this.releaseAfterSave = b.releaseAfterSave;
        this.leaseTtl = b.leaseTtl;
        this.checkpointEveryNanos = b.checkpointEvery.toNanos();
        this.reconcileEveryNanos = b.reconcileEvery.toNanos();
        this.coordination = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "mmo-shard-node-" + nodeId));
        this.checkpointer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "mmo-shard-checkpoint-" + nodeId));
    }

    private static Thread daemon(final Runnable r, final String name) {
        final Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /**
     * A builder.
     *
     * @param nodeId this node, in [1, {@link NodeIds#MAX}]
     * @param address where other nodes reach this one (published in its membership record)
     * @param membership the cluster's membership; not closed by the node
     * @param checkpoints storage shared by every node (a takeover reads the dead owner's checkpoints); not closed by
     *     the node
     * @param runner the application's zones
     * @return a builder
     */
    public static Builder builder(final int nodeId, final String address, final Membership membership,
                                  final CheckpointStore checkpoints, final ZoneRunner runner) {
        return new Builder(nodeId, address, membership, checkpoints, runner);
    }

    /**
     * Joins the membership, starts renewing the lease, watching for orphaned zones and checkpointing.
     *
     * @return this
     * @throws org.mmosdk.shard.membership.MembershipException if the membership is unreachable (nothing is left
     *     started; the call may be repeated)
     * @throws IllegalStateException if started twice or this node id is a live member already
     */
    public synchronized ShardNode start() {
        if (lease != null || closed) {
            throw new IllegalStateException("node " + nodeId + " was started already");
        }
        final Lease joined = membership.join(nodeId, address, leaseTtl);
        try {
            lease = joined;
            keeper = LeaseKeeper.start(membership, joined, this::onLeaseLost);
            connected = true;
            subscription = membership.watch(this::onEvent);
            for (final ZoneOwner o : membership.zoneOwners()) {
                seenOwned.add(o.zone());
            }
        } catch (final RuntimeException e) {
            // undo, so that start() may be tried again
            if (subscription != null) {
                subscription.close();
                subscription = null;
            }
            keeper.close();
            keeper = null;
            connected = false;
            lease = null;
            try {
                membership.leave(joined);
            } catch (final RuntimeException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
        coordination.scheduleWithFixedDelay(this::reconcileQuietly, reconcileEveryNanos, reconcileEveryNanos,
            TimeUnit.NANOSECONDS);
        checkpointer.scheduleWithFixedDelay(this::checkpointAll, checkpointEveryNanos, checkpointEveryNanos,
            TimeUnit.NANOSECONDS);
        return this;
    }

    /**
     * Takes an unowned zone for this node by compare-and-set, restores it from its latest checkpoint (if any) and
     * starts it. Blocks on the membership and the store; never call it from a {@link ZoneRunner} callback (they run
     * on the thread this waits for).
     *
     * @param zone the zone id, at least 0
     * @return true if this node runs the zone now (also if it did already); false if another node owns it, the
     *     membership is unreachable, or the checkpoint could not be read
     */
    public boolean claim(final int zone) {
        if (zone < 0) {
            throw new IllegalArgumentException("zone must be >= 0, was " + zone);
        }
        return onCoordination(() -> claim0(zone));
    }

    /**
     * Reports a zone that arrived here by migration ({@code ZoneHost.start}): the node checkpoints it from now on.
     *
     * @param zone the zone id
     * @param fencingToken the revision of this node's ownership record of the zone
     */
    public void adopt(final int zone, final long fencingToken) {
        owned.put(zone, fencingToken);
        seenOwned.add(zone);
        later(() -> checkpointOne(zone));
    }

    /**
     * Reports a zone that left this node by migration: the node stops checkpointing it and releases its storage here.
     * Does not call {@link ZoneRunner#stop}.
     *
     * @param zone the zone id
     */
    public void release(final int zone) {
        if (owned.remove(zone) != null) {
            later(() -> releaseStore(zone));
        }
    }

    /**
     * Saves a checkpoint of every zone of this node now, on the checkpoint thread, and waits for it.
     *
     * @throws IllegalStateException if it did not finish within a minute
     */
    public void checkpointNow() {
        await(checkpointer.submit(() -> {
            checkpointAll();
            return Boolean.TRUE;
        }));
    }

    /**
     * The zones this node runs.
     *
     * @return zone ids, ascending
     */
    public Set<Integer> zones() {
        return new TreeSet<>(owned.keySet());
    }

    /**
     * The fencing token this node holds for a zone.
     *
     * @param zone the zone id
     * @return the revision of its ownership record, or 0 if this node does not run the zone
     */
    public long fencingToken(final int zone) {
        return owned.getOrDefault(zone, 0L);
    }

    /**
     * The node's current lease (a new one after a rejoin).
     *
     * @return the lease, or null before {@link #start()}
     */
    public Lease lease() {
        return lease;
    }

    /**
     * Whether the lease is being renewed. False while the membership has been unreachable for a lease TTL or more;
     * ownership changes are refused then, zones keep running.
     *
     * @return true if connected
     */
    public boolean isConnected() {
        return connected;
    }

    /**
     * Zones taken over from dead nodes (or claimed) and started here.
     *
     * @return the count since start
     */
    public long takeovers() {
        return takeovers.get();
    }

    /**
     * Checkpoints refused by the store for a stale fencing token (each stopped its zone).
     *
     * @return the count since start
     */
    public long savesRefused() {
        return savesRefused.get();
    }

    /**
     * Checkpoints that failed (storage error, snapshot timeout); retried at the next period.
     *
     * @return the count since start
     */
    public long savesFailed() {
        return savesFailed.get();
    }

    /**
     * Times this node joined again with a new lease after losing its lease.
     *
     * @return the count since start
     */
    public long rejoins() {
        return rejoins.get();
    }

    /**
     * This node.
     *
     * @return the node id
     */
    public int nodeId() {
        return nodeId;
    }

    /**
     * Leaves gracefully: checkpoints and stops every zone, releases their storage, revokes the lease (its ownership
     * records go with it, so other nodes take the zones over from these checkpoints). Does not close the membership
     * or the store. Idempotent.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (subscription != null) {
            subscription.close();
        }
        if (keeper != null) {
            keeper.close();
        }
        coordination.shutdownNow();
        awaitTermination(coordination);
        try {
            checkpointer.submit(() -> {
                checkpointAll();
                for (final int zone : zones()) {
                    owned.remove(zone);
                    runner.stop(zone, "node " + nodeId + " is closing");
                    releaseStore(zone);
                }
            }).get(1, TimeUnit.MINUTES);
        } catch (final ExecutionException | TimeoutException | java.util.concurrent.RejectedExecutionException e) {
            LOG.warn("node {}: final checkpoints did not complete", nodeId, e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        checkpointer.shutdownNow();
        awaitTermination(checkpointer);
        if (lease != null) {
            try {
                membership.leave(lease);
            } catch (final RuntimeException e) {
                LOG.warn("node {}: leaving failed; the lease expires on its own", nodeId, e);
            }
        }
    }

    /** Stops every thread of the node without checkpointing, stopping zones or leaving: a crash, for tests. */
    void halt() {
        closed = true;
        if (subscription != null) {
            subscription.close();
        }
        if (keeper != null) {
            keeper.close();
        }
        coordination.shutdownNow();
        checkpointer.shutdownNow();
        awaitTermination(coordination);
        awaitTermination(checkpointer);
    }

    // ---------------------------------------------------------------- coordination thread

    private void onEvent(final MembershipEvent event) {
        if (event instanceof MembershipEvent.ZoneChanged zc) {
            if (zc.nodeId() != NodeIds.NONE) {
                seenOwned.add(zc.zone());
                return;
            }
        } else if (!(event instanceof MembershipEvent.Left)) {
            return;
        }
        if (!closed) {
            try {
                coordination.execute(this::reconcileQuietly);
            } catch (final java.util.concurrent.RejectedExecutionException e) {
                // closing
            }
        }
    }

    private void onLeaseLost() {
        if (!closed) {
            connected = false;
            LOG.warn("node {}: lease {} could not be renewed for its TTL; refusing ownership changes until the membership"
                + " answers again (zones keep running)", nodeId, lease.leaseId());
        }
    }

    private void reconcileQuietly() {
        try {
            reconcile();
        } catch (final RuntimeException e) {
            LOG.debug("node {}: reconcile failed (membership unreachable?): {}", nodeId, e.toString());
        }
    }

    private void reconcile() {
        if (closed) {
            return;
        }
        if (!connected) {
            recover();
            if (!connected) {
                return;
            }
        }
        final List<Member> members = membership.members();
        final List<ZoneOwner> owners = membership.zoneOwners();
        final Map<Integer, ZoneOwner> byZone = new HashMap<>();
        for (final ZoneOwner o : owners) {
            byZone.put(o.zone(), o);
            seenOwned.add(o.zone());
        }
        final Lease mine = lease;
        for (final int zone : zones()) {
            final ZoneOwner o = byZone.get(zone);
            if (o != null && o.nodeId() == nodeId && o.leaseId() == mine.leaseId()) {
                lostStrikes.remove(zone);
                owned.computeIfPresent(zone, (z, t) -> Math.max(t, o.revision()));
                continue;
            }
            if (o == null) {
                // running here and owned by nobody: take it back rather than stop it
                final Optional<ZoneOwner> back = membership.compareAndSetZoneOwner(zone, 0, mine);
                if (back.isPresent()) {
                    owned.put(zone, back.get().revision());
                    lostStrikes.remove(zone);
                    LOG.warn("node {}: zone {} ran here without an ownership record; took it back at revision {}", nodeId,
                        zone, back.get().revision());
                    runner.tokenChanged(zone, back.get().revision());
                    continue;
                }
            }
            final int strikes = lostStrikes.merge(zone, 1, Integer::sum);
            if (strikes >= LOST_STRIKES) {
                lostStrikes.remove(zone);
                if (owned.remove(zone) != null) {
                    final String reason = o == null ? "zone " + zone + " has no owner record any more"
                        : "zone " + zone + " is owned by node " + o.nodeId() + " at revision " + o.revision();
                    LOG.warn("node {}: stopping zone: {}", nodeId, reason);
                    runner.stop(zone, reason);
                    later(() -> releaseStore(zone));
                }
            }
        }
        lostStrikes.keySet().retainAll(owned.keySet());
        final int[] live = members.stream().mapToInt(Member::nodeId).toArray();
        boolean member = false;
        for (final int id : live) {
            member |= id == nodeId;
        }
        if (!member) {
            return;
        }
        final RendezvousHash hash = RendezvousHash.of(live);
        final long now = System.nanoTime();
        orphanSince.keySet().removeIf(byZone::containsKey);
        for (int zone = 0; zone < zoneCount; zone++) {
            if (byZone.containsKey(zone) || owned.containsKey(zone) || !(assignUnowned || seenOwned.contains(zone))) {
                continue;
            }
            final long since = orphanSince.computeIfAbsent(zone, z -> now);
            final boolean designated = hash.nodeFor(KeyHash.of(zone)) == nodeId;
            if (designated || now - since > ORPHAN_GRACE_PERIODS * reconcileEveryNanos) {
                if (claim0(zone)) {
                    orphanSince.remove(zone);
                    LOG.info("node {}: took over orphaned zone {} at revision {}", nodeId, zone, owned.get(zone));
                }
            }
        }
    }

    /** Lease lost: resume the old lease if it survived, else join anew and take back what is still unowned. */
    private void recover() {
        final Lease old = lease;
        final boolean alive = membership.keepAlive(old); // throws while unreachable
        if (alive) {
            keeper = LeaseKeeper.start(membership, old, this::onLeaseLost);
            connected = true;
            LOG.info("node {}: the membership answers again; lease {} survived, renewing it", nodeId, old.leaseId());
            return;
        }
        final Lease fresh = membership.join(nodeId, address, leaseTtl);
        lease = fresh;
        keeper = LeaseKeeper.start(membership, fresh, this::onLeaseLost);
        connected = true;
        rejoins.incrementAndGet();
        LOG.warn("node {}: lease {} expired meanwhile; joined again with lease {}", nodeId, old.leaseId(), fresh.leaseId());
        runner.leaseChanged(fresh);
        for (final int zone : zones()) {
            final Optional<ZoneOwner> now = membership.zoneOwner(zone);
            final Optional<ZoneOwner> back = now.isEmpty() ? membership.compareAndSetZoneOwner(zone, 0, fresh) : Optional.empty();
            if (back.isPresent()) {
                owned.put(zone, back.get().revision());
                runner.tokenChanged(zone, back.get().revision());
                later(() -> checkpointOne(zone));
            } else if (owned.remove(zone) != null) {
                final String reason = "zone " + zone + " was taken by another node while this node was cut off ("
                    + now.map(ZoneOwner::toString).orElse("raced") + ')';
                LOG.warn("node {}: {}", nodeId, reason);
                runner.stop(zone, reason);
                later(() -> releaseStore(zone));
            }
        }
    }

    private boolean claim0(final int zone) {
        if (owned.containsKey(zone)) {
            return true;
        }
        if (!connected || closed) {
            return false;
        }
        final Lease mine = lease;
        final Optional<ZoneOwner> taken;
        try {
            taken = membership.compareAndSetZoneOwner(zone, 0, mine);
        } catch (final RuntimeException e) {
            LOG.warn("node {}: cannot take zone {}: {}", nodeId, zone, e.toString());
            return false;
        }
        if (taken.isEmpty()) {
            return false;
        }
        final long token = taken.get().revision();
        seenOwned.add(zone);
        final Optional<Checkpoint> restored;
        try {
            restored = onCheckpointer(() -> {
                final Optional<Checkpoint> c = checkpoints.latest(zone);
                if (c.isPresent() && !checkpoints.save(zone, c.get().tick(), token, c.get().state())) {
                    throw new IOException("the store refused token " + token + " for zone " + zone);
                }
                if (releaseAfterSave) {
                    checkpoints.release(zone);
                }
                return c;
            });
        } catch (final RuntimeException e) {
            LOG.warn("node {}: took zone {} but cannot restore its checkpoint; giving it back", nodeId, zone, e);
            try {
                membership.releaseZone(zone, token);
            } catch (final RuntimeException again) {
                LOG.warn("node {}: giving zone {} back failed; it is freed when this node's lease ends", nodeId, zone, again);
            }
            later(() -> releaseStore(zone));
            return false;
        }
        owned.put(zone, token);
        takeovers.incrementAndGet();
        runner.start(zone, restored, token);
        if (restored.isEmpty()) {
            later(() -> checkpointOne(zone));
        }
        return true;
    }

    // ---------------------------------------------------------------- checkpoint thread

    private void checkpointAll() {
        for (final int zone : zones()) {
            checkpointOne(zone);
        }
    }

    private void checkpointOne(final int zone) {
        final Long token = owned.get(zone);
        if (token == null) {
            return;
        }
        final ZoneSnapshot s;
        try {
            s = runner.snapshot(zone).get(Math.max(1_000_000_000L, checkpointEveryNanos), TimeUnit.NANOSECONDS);
        } catch (final ExecutionException | TimeoutException e) {
            savesFailed.incrementAndGet();
            LOG.debug("node {}: no snapshot of zone {}: {}", nodeId, zone, e.toString());
            return;
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (s == null || !owned.containsKey(zone)) {
            return;
        }
        final long current = owned.getOrDefault(zone, token);
        try {
            final boolean saved = checkpoints.save(zone, s.tick(), current, ByteBuffer.wrap(s.state()));
            if (saved && releaseAfterSave) {
                checkpoints.release(zone);
            }
            if (!saved) {
                savesRefused.incrementAndGet();
                if (owned.remove(zone, current)) {
                    final String reason = "checkpoint of zone " + zone + " refused: token " + current
                        + " is stale, another node owns the zone";
                    LOG.warn("node {}: {}", nodeId, reason);
                    runner.stop(zone, reason);
                    releaseStore(zone);
                }
            }
        } catch (final IOException | RuntimeException e) {
            savesFailed.incrementAndGet();
            LOG.warn("node {}: checkpoint of zone {} failed: {}", nodeId, zone, e.toString());
        }
    }

    private void releaseStore(final int zone) {
        if (owned.containsKey(zone)) {
            return; // taken back meanwhile
        }
        try {
            checkpoints.release(zone);
        } catch (final IOException e) {
            LOG.warn("node {}: releasing the checkpoint storage of zone {} failed", nodeId, zone, e);
        }
    }

    // ---------------------------------------------------------------- helpers

    /** Runs on the checkpoint thread, unless the node is shutting down. */
    private void later(final Runnable task) {
        try {
            checkpointer.execute(task);
        } catch (final java.util.concurrent.RejectedExecutionException e) {
            LOG.debug("node {}: closed; not running {}", nodeId, task);
        }
    }

    private <T> T onCoordination(final Callable<T> task) {
        return await(coordination.submit(task));
    }

    private <T> T onCheckpointer(final Callable<T> task) {
        return await(checkpointer.submit(task));
    }

    private static <T> T await(final Future<T> future) {
        try {
            return future.get(1, TimeUnit.MINUTES);
        } catch (final ExecutionException e) {
            final Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(cause);
        } catch (final TimeoutException e) {
            future.cancel(true);
            throw new IllegalStateException("node task did not finish within a minute", e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void awaitTermination(final ScheduledExecutorService executor) {
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "ShardNode{node=" + nodeId + ", zones=" + zones() + ", connected=" + connected + '}';
    }

    /** Builds a {@link ShardNode}; validated once in {@link #build()}. */
    public static final class Builder {
        private final int nodeId;
        private final String address;
        private final Membership membership;
        private final CheckpointStore checkpoints;
        private final ZoneRunner runner;
        private int zones;
        private boolean assignUnowned;
        private boolean releaseAfterSave;
        private Duration leaseTtl = Duration.ofSeconds(3);
        private Duration checkpointEvery = Duration.ofSeconds(1);
        private Duration reconcileEvery = Duration.ofMillis(500);

        private Builder(final int nodeId, final String address, final Membership membership,
                        final CheckpointStore checkpoints, final ZoneRunner runner) {
            this.nodeId = nodeId;
            this.address = address;
            this.membership = membership;
            this.checkpoints = checkpoints;
            this.runner = runner;
        }

        /**
         * The world's zones are {@code [0, count)}: the range in which this node takes over orphans.
         *
         * @param count in [0, 1048576]; 0 (the default) takes over nothing
         * @return this
         */
        public Builder zones(final int count) {
            this.zones = count;
            return this;
        }

        /**
         * Also treat zones never seen owned as orphans (a cluster that assigns every zone on its own). Off by default:
         * initial zones are placed with {@link ShardNode#claim(int)}.
         *
         * @param assign true to assign every unowned zone
         * @return this
         */
        public Builder assignUnowned(final boolean assign) {
            this.assignUnowned = assign;
            return this;
        }

        /**
         * Release each zone's storage after every checkpoint ({@link CheckpointStore#release(int)}) instead of holding
         * it. For storage shared by the nodes (one {@code FileCheckpointStore} directory): a node that is paused rather
         * than dead (a long GC, SIGSTOP, a frozen VM) then does not block the takeover of its zones by holding their
         * files, and its late checkpoint, opened afresh, meets the new owner's token and is refused — which stops the
         * zone on the paused node. Costs a re-open (a scan of the zone's file) per checkpoint: keep the files small
         * ({@code FileCheckpointStore.Builder.maxFileBytes}). Off by default.
         *
         * @param release true to release after every save
         * @return this
         */
        public Builder releaseAfterSave(final boolean release) {
            this.releaseAfterSave = release;
            return this;
        }

        /**
         * The lease's time to live: how long after a crash the node's zones are taken over.
         *
         * @param ttl at least 1 ms (etcd rounds up to whole seconds and its minimum)
         * @return this
         */
        public Builder leaseTtl(final Duration ttl) {
            this.leaseTtl = ttl;
            return this;
        }

        /**
         * Time between checkpoints of each zone: the most a crash loses.
         *
         * @param every in [10 ms, 1 h]
         * @return this
         */
        public Builder checkpointEvery(final Duration every) {
            this.checkpointEvery = every;
            return this;
        }

        /**
         * Time between reconciliations of ownership (besides those triggered by membership events).
         *
         * @param every in [10 ms, 1 min]
         * @return this
         */
        public Builder reconcileEvery(final Duration every) {
            this.reconcileEvery = every;
            return this;
        }

        /**
         * Validates.
         *
         * @return the node, not started
         * @throws IllegalArgumentException naming the invalid value
         */
        public ShardNode build() {
            NodeIds.check(nodeId);
            if (address == null || address.isEmpty()) {
                throw new IllegalArgumentException("address must not be empty");
            }
            if (membership == null || checkpoints == null || runner == null) {
                throw new IllegalArgumentException("membership, checkpoints and runner must not be null");
            }
            if (zones < 0 || zones > 1 << 20) {
                throw new IllegalArgumentException("zones must be in [0, 1048576], was " + zones);
            }
            if (leaseTtl == null || leaseTtl.toMillis() < 1) {
                throw new IllegalArgumentException("leaseTtl must be at least 1 ms, was " + leaseTtl);
            }
            if (checkpointEvery == null || checkpointEvery.toMillis() < 10 || checkpointEvery.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("checkpointEvery must be in [10 ms, 1 h], was " + checkpointEvery);
            }
            if (reconcileEvery == null || reconcileEvery.toMillis() < 10 || reconcileEvery.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new IllegalArgumentException("reconcileEvery must be in [10 ms, 1 min], was " + reconcileEvery);
            }
            return new ShardNode(this);
        }
    }
}

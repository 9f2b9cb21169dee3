package org.mmosdk.shard.etcd;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.lease.LeaseGrantResponse;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;

import org.mmosdk.core.id.NodeIds;
import org.mmosdk.shard.membership.Lease;
import org.mmosdk.shard.membership.Member;
import org.mmosdk.shard.membership.Membership;
import org.mmosdk.shard.membership.MembershipEvent;
import org.mmosdk.shard.membership.MembershipException;
import org.mmosdk.shard.membership.MembershipListener;
import org.mmosdk.shard.membership.Subscription;
import org.mmosdk.shard.membership.ZoneOwner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Membership} on etcd. Keys, under {@code /mmo/<cluster>/}:
 * <ul>
 *   <li>{@code m/<nodeId, 5 digits>} → address, attached to the member's lease;</li>
 *   <li>{@code z/<zone, 10 digits>} → owning node id, attached to the owner's lease.</li>
 * </ul>
 * A join is a transaction "create the member key if absent"; zone changes are transactions on the zone key's
 * mod revision; revoking or expiring a lease deletes every key attached to it, which watchers see as
 * {@link MembershipEvent.Left} and {@link MembershipEvent.ZoneChanged} events. Lease TTLs are whole seconds
 * (rounded up), and etcd raises them to its minimum TTL (by default 2 s).
 *
 * <p><b>When etcd is unreachable</b> calls fail fast with a {@link MembershipException} (after at most the operation
 * timeout) and are never sent later: a compare-and-set reported as failed stays not done, unless it reached etcd
 * before the connection broke (then its outcome is unknown, as the exception says). etcd keeps leases across its own
 * restart and extends them, so a node whose keepalives failed during a short outage may simply resume renewing. A
 * watch that cannot be resumed from where it stopped (compaction, or an error ending it) is replaced: the current
 * state is read, its difference to what the listener was told is delivered as ordinary events, and watching goes on
 * from that state's revision.
 */
public final class EtcdMembership implements Membership {
    /** Default bound on one etcd round trip. */
    public static final Duration OPERATION_TIMEOUT_DEFAULT = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(EtcdMembership.class);
    private static final long RESYNC_RETRY_MILLIS = 500;
    private static final Pattern CLUSTER_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private final Client client;
    private final KV kv;
    private final String prefix;
    private final ByteSequence prefixKey;
    private final ByteSequence membersKey;
    private final ByteSequence zonesKey;
    private final long timeoutMillis;
    private final ScheduledExecutorService resyncs;

    private EtcdMembership(final Builder b) {
        // Fail fast while etcd is unreachable, and never retry after the caller gave up: jetcd's default
        // (waitForReady) parks a call until the connection is back and sends it then, so a compare-and-set that
        // timed out here would be applied seconds later, after its caller had already reported it as not done.
        this.client = Client.builder().endpoints(b.endpoints.toArray(new String[0]))
            .waitForReady(false)
            .retryMaxDuration(b.operationTimeout)
            .build();
        this.kv = client.getKVClient();
        this.prefix = "/mmo/" + b.cluster + '/';
        this.prefixKey = bytes(prefix);
        this.membersKey = bytes(prefix + "m/");
        this.zonesKey = bytes(prefix + "z/");
        this.timeoutMillis = b.operationTimeout.toMillis();
        this.resyncs = Executors.newSingleThreadScheduledExecutor(r -> {
            final Thread t = new Thread(r, "mmo-etcd-watch-resync");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * A builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Lease join(final int nodeId, final String address, final Duration ttl) {
        NodeIds.check(nodeId);
        if (address == null || address.isEmpty()) {
            throw new IllegalArgumentException("address must not be empty");
        }
        if (ttl == null || ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive, was " + ttl);
        }
        final long seconds = Math.max(1, (ttl.toMillis() + 999) / 1000);
        final LeaseGrantResponse grant = await(client.getLeaseClient().grant(seconds), "grant lease for node " + nodeId);
        final ByteSequence key = memberKey(nodeId);
        final TxnResponse txn = await(kv.txn()
            .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
            .Then(Op.put(key, bytes(address), PutOption.builder().withLeaseId(grant.getID()).build()))
            .commit(), "join node " + nodeId);
        if (!txn.isSucceeded()) {
            revokeQuietly(grant.getID());
            throw new IllegalStateException("node " + nodeId + " is already a member of cluster " + prefix
                + "; leave first or wait for its lease to expire");
        }
        return new Lease(nodeId, grant.getID(), txn.getHeader().getRevision(), Duration.ofSeconds(grant.getTTL()));
    }

    @Override
    public boolean keepAlive(final Lease lease) {
        try {
            final LeaseKeepAliveResponse r = client.getLeaseClient().keepAliveOnce(lease.leaseId())
                .get(timeoutMillis, TimeUnit.MILLISECONDS);
            return r.getTTL() > 0;
        } catch (final ExecutionException e) {
            if (isLeaseNotFound(e)) {
                return false;
            }
            throw new MembershipException("keepalive of lease " + lease.leaseId() + " failed", e.getCause());
        } catch (final TimeoutException e) {
            throw new MembershipException("keepalive of lease " + lease.leaseId() + " timed out after "
                + timeoutMillis + " ms", e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MembershipException("interrupted during keepalive", e);
        }
    }

    @Override
    public void leave(final Lease lease) {
        try {
            client.getLeaseClient().revoke(lease.leaseId()).get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (final ExecutionException e) {
            if (!isLeaseNotFound(e)) {
                throw new MembershipException("revoking lease " + lease.leaseId() + " failed", e.getCause());
            }
        } catch (final TimeoutException e) {
            throw new MembershipException("revoking lease " + lease.leaseId() + " timed out", e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MembershipException("interrupted while leaving", e);
        }
    }

    @Override
    public List<Member> members() {
        final GetResponse r = await(kv.get(membersKey, GetOption.builder().isPrefix(true).build()), "list members");
        final List<Member> members = new ArrayList<>(r.getKvs().size());
        for (final KeyValue e : r.getKvs()) {
            members.add(toMember(e));
        }
        return members;
    }

    @Override
    public Optional<ZoneOwner> zoneOwner(final int zone) {
        checkZone(zone);
        final GetResponse r = await(kv.get(zoneKey(zone)), "read owner of zone " + zone);
        return r.getKvs().isEmpty() ? Optional.empty() : Optional.of(toZoneOwner(r.getKvs().get(0)));
    }

    @Override
    public List<ZoneOwner> zoneOwners() {
        final GetResponse r = await(kv.get(zonesKey, GetOption.builder().isPrefix(true).build()), "list zone owners");
        final List<ZoneOwner> owners = new ArrayList<>(r.getKvs().size());
        for (final KeyValue e : r.getKvs()) {
            owners.add(toZoneOwner(e));
        }
        return owners;
    }

    @Override
    public Optional<ZoneOwner> compareAndSetZoneOwner(final int zone, final long expectedRevision, final Lease owner) {
        checkZone(zone);
        final ByteSequence key = zoneKey(zone);
        final TxnResponse txn;
        try {
            txn = kv.txn()
                .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(expectedRevision)))
                .Then(Op.put(key, bytes(Integer.toString(owner.nodeId())),
                    PutOption.builder().withLeaseId(owner.leaseId()).build()))
                .commit().get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (final ExecutionException e) {
            if (isLeaseNotFound(e)) {
                return Optional.empty();
            }
            throw new MembershipException("compare-and-set of zone " + zone + " failed", e.getCause());
        } catch (final TimeoutException e) {
            throw new MembershipException("compare-and-set of zone " + zone + " timed out", e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MembershipException("interrupted during compare-and-set of zone " + zone, e);
        }
        if (!txn.isSucceeded()) {
            return Optional.empty();
        }
        return Optional.of(new ZoneOwner(zone, owner.nodeId(), owner.leaseId(), txn.getHeader().getRevision()));
    }

    @Override
    public boolean releaseZone(final int zone, final long expectedRevision) {
        checkZone(zone);
        if (expectedRevision <= 0) {
            return false;
        }
        final ByteSequence key = zoneKey(zone);
        final TxnResponse txn = await(kv.txn()
            .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(expectedRevision)))
            .Then(Op.delete(key, DeleteOption.DEFAULT))
            .commit(), "release zone " + zone);
        return txn.isSucceeded();
    }

    @Override
    public Subscription watch(final MembershipListener listener) {
        if (listener == null) {
            throw new IllegalArgumentException("listener must not be null");
        }
        // start right after the state read here, so no change made after this call returns is missed; the state
        // is what this subscription's listener is assumed to know (the caller reads it through members() and
        // zoneOwners()), and the base a resync compares against
        final GetResponse state = await(kv.get(prefixKey, GetOption.builder().isPrefix(true).build()), "read current state");
        final ResyncingWatch w = new ResyncingWatch(listener);
        w.seed(state);
        w.start(state.getHeader().getRevision() + 1);
        return w::close;
    }

    /** A watch from a given revision with nothing known yet; for tests of the resync after compaction. */
    Subscription watchFrom(final MembershipListener listener, final long revision) {
        final ResyncingWatch w = new ResyncingWatch(listener);
        w.start(revision);
        return w::close;
    }

    /**
     * One subscription: an etcd prefix watch plus what its listener has been told. jetcd resumes a watch by itself
     * after a broken connection (from the revision after the last one delivered); when it cannot — the revision was
     * compacted meanwhile, or etcd answered with an error that ends the watch — this reads the current state, tells
     * the listener the difference as ordinary events (removals carry the state's revision) and watches on from there.
     */
    private final class ResyncingWatch {
        private final MembershipListener listener;
        private final Map<Integer, Member> members = new HashMap<>();
        private final Map<Integer, long[]> zones = new HashMap<>(); // zone -> {node, revision}
        private final AtomicBoolean resyncPending = new AtomicBoolean();
        private volatile boolean closed;
        private Watch.Watcher watcher;

        ResyncingWatch(final MembershipListener listener) {
            this.listener = listener;
        }

        synchronized void seed(final GetResponse state) {
            for (final KeyValue e : state.getKvs()) {
                final String rel = e.getKey().toString(StandardCharsets.UTF_8).substring(prefix.length());
                if (rel.startsWith("m/")) {
                    final Member m = toMember(e);
                    members.put(m.nodeId(), m);
                } else if (rel.startsWith("z/")) {
                    final ZoneOwner z = toZoneOwner(e);
                    zones.put(z.zone(), new long[] {z.nodeId(), z.revision()});
                }
            }
        }

        synchronized void start(final long revision) {
            if (closed) {
                return;
            }
            watcher = client.getWatchClient().watch(prefixKey,
                WatchOption.builder().isPrefix(true).withRevision(revision).build(),
                Watch.listener(this::onNext, this::onError));
        }

        private synchronized void onNext(final WatchResponse response) {
            if (!closed) {
                deliver(response, this::emit);
            }
        }

        private void onError(final Throwable error) {
            if (closed || !resyncPending.compareAndSet(false, true)) {
                return; // one resync at a time; jetcd may report every failed attempt of its own
            }
            LOG.warn("{}: watch ended ({}); resynchronising from the current state", EtcdMembership.this, error.toString());
            scheduleResync(0);
        }

        private void scheduleResync(final long delayMillis) {
            try {
                resyncs.schedule(this::resync, delayMillis, TimeUnit.MILLISECONDS);
            } catch (final java.util.concurrent.RejectedExecutionException e) {
                // closing
            }
        }

        private void resync() {
            if (closed) {
                return;
            }
            resyncPending.set(false);
            final GetResponse state;
            try {
                state = kv.get(prefixKey, GetOption.builder().isPrefix(true).build()).get(timeoutMillis, TimeUnit.MILLISECONDS);
            } catch (final ExecutionException | TimeoutException e) {
                resyncPending.set(true);
                scheduleResync(RESYNC_RETRY_MILLIS);
                return;
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            synchronized (this) {
                if (watcher != null) {
                    watcher.close();
                    watcher = null;
                }
                final long revision = state.getHeader().getRevision();
                final Map<Integer, Member> nowMembers = new HashMap<>();
                final Map<Integer, ZoneOwner> nowZones = new HashMap<>();
                for (final KeyValue e : state.getKvs()) {
                    final String rel = e.getKey().toString(StandardCharsets.UTF_8).substring(prefix.length());
                    if (rel.startsWith("m/")) {
                        final Member m = toMember(e);
                        nowMembers.put(m.nodeId(), m);
                    } else if (rel.startsWith("z/")) {
                        final ZoneOwner z = toZoneOwner(e);
                        nowZones.put(z.zone(), z);
                    }
                }
                final List<MembershipEvent> events = new ArrayList<>();
                for (final Member known : members.values()) {
                    final Member now = nowMembers.get(known.nodeId());
                    if (now == null || now.leaseId() != known.leaseId()) {
                        events.add(new MembershipEvent.Left(known.nodeId(), revision));
                    }
                }
                for (final Map.Entry<Integer, long[]> known : zones.entrySet()) {
                    if (!nowZones.containsKey(known.getKey())) {
                        events.add(new MembershipEvent.ZoneChanged(known.getKey(), NodeIds.NONE, revision));
                    }
                }
                for (final Member now : nowMembers.values()) {
                    final Member known = members.get(now.nodeId());
                    if (known == null || known.leaseId() != now.leaseId()) {
                        events.add(new MembershipEvent.Joined(now, now.joinRevision()));
                    }
                }
                for (final ZoneOwner now : nowZones.values()) {
                    final long[] known = zones.get(now.zone());
                    if (known == null || known[1] != now.revision()) {
                        events.add(new MembershipEvent.ZoneChanged(now.zone(), now.nodeId(), now.revision()));
                    }
                }
                events.sort(Comparator.comparingLong(MembershipEvent::revision));
                for (final MembershipEvent event : events) {
                    emit(event);
                }
                start(revision + 1);
            }
        }

        /** Updates what the listener knows, then tells it. */
        private void emit(final MembershipEvent event) {
            if (event instanceof MembershipEvent.Joined j) {
                members.put(j.member().nodeId(), j.member());
            } else if (event instanceof MembershipEvent.Left l) {
                members.remove(l.nodeId());
            } else if (event instanceof MembershipEvent.ZoneChanged z) {
                if (z.nodeId() == NodeIds.NONE) {
                    zones.remove(z.zone());
                } else {
                    zones.put(z.zone(), new long[] {z.nodeId(), z.revision()});
                }
            }
            try {
                listener.onEvent(event);
            } catch (final RuntimeException e) {
                LOG.error("{}: membership listener failed on {}", EtcdMembership.this, event, e);
            }
        }

        synchronized void close() {
            closed = true;
            if (watcher != null) {
                watcher.close();
                watcher = null;
            }
        }
    }

    private void deliver(final WatchResponse response, final MembershipListener listener) {
        for (final WatchEvent event : response.getEvents()) {
            final KeyValue e = event.getKeyValue();
            final String key = e.getKey().toString(StandardCharsets.UTF_8);
            if (!key.startsWith(prefix)) {
                continue;
            }
            final String rel = key.substring(prefix.length());
            final boolean put = event.getEventType() == WatchEvent.EventType.PUT;
            if (rel.startsWith("m/")) {
                if (put && e.getVersion() == 1) {
                    listener.onEvent(new MembershipEvent.Joined(toMember(e), e.getModRevision()));
                } else if (!put) {
                    listener.onEvent(new MembershipEvent.Left(Integer.parseInt(rel.substring(2)), e.getModRevision()));
                }
            } else if (rel.startsWith("z/")) {
                final int zone = Integer.parseInt(rel.substring(2));
                listener.onEvent(new MembershipEvent.ZoneChanged(zone,
                    put ? Integer.parseInt(e.getValue().toString(StandardCharsets.UTF_8)) : NodeIds.NONE,
                    e.getModRevision()));
            }
        }
    }

    @Override
    public void close() {
        resyncs.shutdownNow();
        client.close();
    }

    private Member toMember(final KeyValue e) {
        final String key = e.getKey().toString(StandardCharsets.UTF_8);
        return new Member(Integer.parseInt(key.substring(key.lastIndexOf('/') + 1)),
            e.getValue().toString(StandardCharsets.UTF_8), e.getLease(), e.getCreateRevision());
    }

    private static ZoneOwner toZoneOwner(final KeyValue e) {
        final String key = e.getKey().toString(StandardCharsets.UTF_8);
        return new ZoneOwner(Integer.parseInt(key.substring(key.lastIndexOf('/') + 1)),
            Integer.parseInt(e.getValue().toString(StandardCharsets.UTF_8)), e.getLease(), e.getModRevision());
    }

    private ByteSequence memberKey(final int nodeId) {
        return bytes(prefix + String.format(Locale.ROOT, "m/%05d", nodeId));
    }

    private ByteSequence zoneKey(final int zone) {
        return bytes(prefix + String.format(Locale.ROOT, "z/%010d", zone));
    }

    private void revokeQuietly(final long leaseId) {
        try {
            client.getLeaseClient().revoke(leaseId).get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (final ExecutionException | TimeoutException e) {
            // the unused lease expires on its own
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private <T> T await(final CompletableFuture<T> future, final String what) {
        try {
            return future.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (final ExecutionException e) {
            throw new MembershipException(what + " failed", e.getCause());
        } catch (final TimeoutException e) {
            future.cancel(true);
            throw new MembershipException(what + " timed out after " + timeoutMillis + " ms", e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MembershipException("interrupted: " + what, e);
        }
    }

    private static boolean isLeaseNotFound(final ExecutionException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            final String message = t.getMessage();
            if (message != null && message.contains("lease not found")) {
                return true;
            }
        }
        return false;
    }

    private static void checkZone(final int zone) {
        if (zone < 0) {
            throw new IllegalArgumentException("zone must be >= 0, was " + zone);
        }
    }

    private static ByteSequence bytes(final String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "EtcdMembership{" + prefix + '}';
    }

    /** Builds an {@link EtcdMembership}; validated once in {@link #build()}. */
    public static final class Builder {
        private final List<String> endpoints = new ArrayList<>();
        private String cluster;
        private Duration operationTimeout = OPERATION_TIMEOUT_DEFAULT;

        private Builder() {
        }

        /**
         * etcd client URLs.
         *
         * @param urls e.g. {@code "http://127.0.0.1:2379"}
         * @return this
         */
        public Builder endpoints(final String... urls) {
            endpoints.addAll(List.of(urls));
            return this;
        }

        /**
         * The cluster's name: its keys live under {@code /mmo/<name>/}, so several worlds can share one etcd.
         *
         * @param name 1–64 characters of {@code [A-Za-z0-9_.-]}
         * @return this
         */
        public Builder cluster(final String name) {
            this.cluster = name;
            return this;
        }

        /**
         * Bound on one etcd round trip.
         *
         * @param timeout in [1 ms, 5 min]
         * @return this
         */
        public Builder operationTimeout(final Duration timeout) {
            this.operationTimeout = timeout;
            return this;
        }

        /**
         * Validates and connects (lazily: the first call reaches etcd).
         *
         * @return the membership
         * @throws IllegalArgumentException naming the invalid value
         */
        public EtcdMembership build() {
            if (endpoints.isEmpty()) {
                throw new IllegalArgumentException("at least one etcd endpoint is required, e.g. http://127.0.0.1:2379");
            }
            for (final String url : endpoints) {
                if (url == null || !(url.startsWith("http://") || url.startsWith("https://"))) {
                    throw new IllegalArgumentException("etcd endpoint must be an http:// or https:// URL, was " + url);
                }
            }
            if (cluster == null || !CLUSTER_NAME.matcher(cluster).matches()) {
                throw new IllegalArgumentException("cluster name must be 1-64 characters of [A-Za-z0-9_.-], was "
                    + cluster);
            }
            if (operationTimeout == null || operationTimeout.toMillis() < 1
                || operationTimeout.compareTo(Duration.ofMinutes(5)) > 0) {
                throw new IllegalArgumentException("operationTimeout must be in [1 ms, 5 min], was " + operationTimeout);
            }
            return new EtcdMembership(this);
        }
    }
}

package org.mmosdk.shard.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mmosdk.core.time.Clock;
import org.mmosdk.core.time.VirtualClock;
import org.mmosdk.shard.checkpoint.Checkpoint;
import org.mmosdk.shard.checkpoint.FileCheckpointStore;
import org.mmosdk.shard.membership.InMemoryMembership;
import org.mmosdk.shard.membership.Lease;
import org.mmosdk.shard.membership.Member;
import org.mmosdk.shard.membership.Membership;
import org.mmosdk.shard.membership.MembershipException;
import org.mmosdk.shard.membership.MembershipListener;
import org.mmosdk.shard.membership.Subscription;
import org.mmosdk.shard.membership.ZoneOwner;

/** {@link ShardNode} on the in-memory membership: takeover of a crashed node's zones, fencing, coordination outages. */
@Timeout(60)
class ShardNodeTest {
    private static final Duration TTL = Duration.ofMillis(300);

    @TempDir
    Path dir;

    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    /** A zone is a counter of ticks; each snapshot advances it by one tick. The state is "zone:tick". */
    static final class CountingRunner implements ZoneRunner {
        final Map<Integer, Long> running = new ConcurrentHashMap<>();
        final Map<Integer, Optional<Checkpoint>> restored = new ConcurrentHashMap<>();
        final Map<Integer, String> stopped = new ConcurrentHashMap<>();
        final Map<Integer, Long> tokens = new ConcurrentHashMap<>();
        volatile Lease lease;

        @Override
        public void start(final int zone, final Optional<Checkpoint> from, final long fencingToken) {
            restored.put(zone, from);
            running.put(zone, from.map(Checkpoint::tick).orElse(0L));
            stopped.remove(zone);
        }

        @Override
        public CompletableFuture<ZoneSnapshot> snapshot(final int zone) {
            final Long tick = running.computeIfPresent(zone, (z, t) -> t + 1);
            if (tick == null) {
                return CompletableFuture.failedFuture(new IllegalStateException("zone " + zone + " is not running"));
            }
            return CompletableFuture.completedFuture(new ZoneSnapshot(tick, (zone + ":" + tick).getBytes()));
        }

        @Override
        public void leaseChanged(final Lease next) {
            lease = next;
        }

        @Override
        public void tokenChanged(final int zone, final long fencingToken) {
            tokens.put(zone, fencingToken);
        }

        @Override
        public void stop(final int zone, final String reason) {
            running.remove(zone);
            stopped.put(zone, reason);
        }
    }

    private ShardNode node(final int id, final Membership membership, final FileCheckpointStore store,
                           final CountingRunner runner) {
        final ShardNode node = ShardNode.builder(id, "127.0.0.1:" + (7000 + id), membership, store, runner).zones(6)
            .leaseTtl(TTL).checkpointEvery(Duration.ofMillis(100)).reconcileEvery(Duration.ofMillis(50)).build();
        closeables.add(node);
        return node.start();
    }

    private FileCheckpointStore store() throws IOException {
        final FileCheckpointStore store = FileCheckpointStore.builder(dir).build();
        closeables.add(store);
        return store;
    }

    private static void await(final String what, final BooleanSupplier condition) throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 10 s: " + what);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void survivorsTakeOverACrashedNodesZonesFromTheirLatestCheckpoints() throws Exception {
        final InMemoryMembership membership = new InMemoryMembership(Clock.system());
        closeables.add(membership);
        final CountingRunner[] runners = {new CountingRunner(), new CountingRunner(), new CountingRunner()};
        final FileCheckpointStore crashedStore = FileCheckpointStore.builder(dir).build();
        final ShardNode crashed = ShardNode.builder(1, "127.0.0.1:7001", membership, crashedStore, runners[0]).zones(6)
            .leaseTtl(TTL).checkpointEvery(Duration.ofMillis(100)).reconcileEvery(Duration.ofMillis(50)).build().start();
        final ShardNode[] nodes = {crashed, node(2, membership, store(), runners[1]), node(3, membership, store(), runners[2])};
        for (int zone = 0; zone < 6; zone++) {
            assertThat(nodes[zone % 3].claim(zone)).isTrue();
            assertThat(nodes[(zone + 1) % 3].claim(zone)).as("zone %d is owned already", zone).isFalse();
        }
        for (final ShardNode n : nodes) {
            n.checkpointNow();
        }
        final long token0 = crashed.fencingToken(0);
        crashed.halt();
        crashedStore.close(); // the operating system releases a dead process's locks
        final Map<Integer, Long> lastSaved = Map.of(0, FileCheckpointStore.readLatest(dir.resolve("zone-0.ckpt"))
            .orElseThrow().tick(), 3, FileCheckpointStore.readLatest(dir.resolve("zone-3.ckpt")).orElseThrow().tick());

        await("zones 0 and 3 run on the survivors", () -> runners[1].running.keySet().size()
            + runners[2].running.keySet().size() == 6);
        final Set<Integer> all = new HashSet<>(runners[1].running.keySet());
        for (final int z : runners[2].running.keySet()) {
            assertThat(all.add(z)).as("zone %d runs twice", z).isTrue();
        }
        assertThat(all).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5);
        assertThat(membership.members()).extracting(Member::nodeId).containsExactly(2, 3);
        for (final int zone : new int[] {0, 3}) {
            final CountingRunner taker = runners[1].running.containsKey(zone) ? runners[1] : runners[2];
            final Checkpoint from = taker.restored.get(zone).orElseThrow();
            assertThat(from.tick()).as("zone %d resumes from the last checkpoint", zone).isEqualTo(lastSaved.get(zone));
            assertThat(new String(from.stateBytes())).isEqualTo(zone + ":" + lastSaved.get(zone));
            final ZoneOwner owner = membership.zoneOwner(zone).orElseThrow();
            assertThat(owner.revision()).isGreaterThan(token0);
            assertThat(owner.nodeId()).isIn(2, 3);
        }
        // the former owner's token is refused by the store (which the new owner holds) and by the membership
        final ShardNode taker0 = runners[1].running.containsKey(0) ? nodes[1] : nodes[2];
        final FileCheckpointStore takerStore = (FileCheckpointStore) closeables.get(closeables.indexOf(taker0) - 1);
        assertThat(takerStore.save(0, 1_000_000, token0, ByteBuffer.wrap(new byte[] {1}))).as("stale token refused").isFalse();
        assertThat(membership.compareAndSetZoneOwner(0, token0, new Lease(1, 1, token0, TTL))).isEmpty();
        assertThat(nodes[1].takeovers() + nodes[2].takeovers()).isEqualTo(6);
    }

    @Test
    void aZoneWhoseCheckpointIsRefusedOrWhoseRecordMovedIsStopped() throws Exception {
        final InMemoryMembership membership = new InMemoryMembership(Clock.system());
        closeables.add(membership);
        final FileCheckpointStore shared = store(); // one store: the in-process guard fences both nodes
        final CountingRunner a = new CountingRunner();
        final CountingRunner b = new CountingRunner();
        final ShardNode nodeA = node(1, membership, shared, a);
        final ShardNode nodeB = node(2, membership, shared, b);
        assertThat(nodeA.claim(0)).isTrue();
        nodeA.checkpointNow();
        final long stale = nodeA.fencingToken(0);
        // the record moves to B behind A's back (an operator, or a takeover while A was cut off), and B's checkpoint
        // raises the store's floor: A's next checkpoint is refused, or A's next reconciliations see the record
        final ZoneOwner moved = membership.compareAndSetZoneOwner(0, stale, nodeB.lease()).orElseThrow();
        assertThat(shared.save(0, 1, moved.revision(), ByteBuffer.wrap(new byte[] {1}))).isTrue();
        await("A stops zone 0", () -> a.stopped.containsKey(0));
        assertThat(a.stopped.get(0)).containsAnyOf("stale", "owned by node 2");
        assertThat(nodeA.zones()).isEmpty();
        assertThat(membership.zoneOwner(0).orElseThrow()).isEqualTo(moved);
    }

    @Test
    void aZoneRunningWithoutARecordIsTakenBack() throws Exception {
        final InMemoryMembership membership = new InMemoryMembership(Clock.system());
        closeables.add(membership);
        final CountingRunner a = new CountingRunner();
        final ShardNode nodeA = node(1, membership, store(), a);
        assertThat(nodeA.claim(0)).isTrue();
        final long first = nodeA.fencingToken(0);
        assertThat(membership.releaseZone(0, first)).isTrue();
        await("zone 0 taken back", () -> nodeA.fencingToken(0) > first);
        assertThat(membership.zoneOwner(0).orElseThrow().nodeId()).isEqualTo(1);
        await("the runner is told the new token", () -> a.tokens.getOrDefault(0, 0L) == nodeA.fencingToken(0));
        assertThat(a.stopped).isEmpty();
    }

    /** A membership that can be cut off: every call throws while {@code down}. */
    static final class Switchable implements Membership {
        final Membership delegate;
        volatile boolean down;

        Switchable(final Membership delegate) {
            this.delegate = delegate;
        }

        private void check() {
            if (down) {
                throw new MembershipException("coordination service unreachable", new IOException("down"));
            }
        }

        @Override
        public Lease join(final int nodeId, final String address, final Duration ttl) {
            check();
            return delegate.join(nodeId, address, ttl);
        }

        @Override
        public boolean keepAlive(final Lease lease) {
            check();
            return delegate.keepAlive(lease);
        }

        @Override
        public void leave(final Lease lease) {
            check();
            delegate.leave(lease);
        }

        @Override
        public List<Member> members() {
            check();
            return delegate.members();
        }

        @Override
        public Optional<ZoneOwner> zoneOwner(final int zone) {
            check();
            return delegate.zoneOwner(zone);
        }

        @Override
        public List<ZoneOwner> zoneOwners() {
            check();
            return delegate.zoneOwners();
        }

        @Override
        public Optional<ZoneOwner> compareAndSetZoneOwner(final int zone, final long expectedRevision, final Lease owner) {
            check();
            return delegate.compareAndSetZoneOwner(zone, expectedRevision, owner);
        }

        @Override
        public boolean releaseZone(final int zone, final long expectedRevision) {
            check();
            return delegate.releaseZone(zone, expectedRevision);
        }

        @Override
        public Subscription watch(final MembershipListener listener) {
            return delegate.watch(listener);
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    @Test
    void anOutageThatOutlivesTheLeaseEndsInARejoinWithTheZonesTakenBack() throws Exception {
        final InMemoryMembership memory = new InMemoryMembership(Clock.system());
        closeables.add(memory);
        final Switchable membership = new Switchable(memory);
        final CountingRunner runner = new CountingRunner();
        final ShardNode node = node(1, membership, store(), runner);
        assertThat(node.claim(0)).isTrue();
        final long before = node.fencingToken(0);
        membership.down = true;
        await("disconnected", () -> !node.isConnected());
        assertThat(node.claim(1)).as("no ownership change while cut off").isFalse();
        Thread.sleep(TTL.toMillis()); // the lease expires in the membership meanwhile
        assertThat(memory.zoneOwners()).isEmpty();
        assertThat(runner.running).containsKey(0); // still simulating
        membership.down = false;
        await("reconnected", node::isConnected);
        await("zone 0 taken back", () -> node.fencingToken(0) > before);
        assertThat(node.rejoins()).isEqualTo(1);
        assertThat(runner.stopped).isEmpty();
        assertThat(runner.lease).isEqualTo(node.lease());
        await("the runner is told the new token", () -> runner.tokens.getOrDefault(0, 0L) == node.fencingToken(0));
        assertThat(memory.zoneOwner(0).orElseThrow().leaseId()).isEqualTo(node.lease().leaseId());
        assertThat(node.claim(1)).isTrue();
    }

    @Test
    void anOutageWhileTheLeaseSurvivesResumesTheSameLease() throws Exception {
        final VirtualClock frozen = new VirtualClock(); // the coordination service's time stands still, like etcd's while down
        final InMemoryMembership memory = new InMemoryMembership(frozen);
        closeables.add(memory);
        final Switchable membership = new Switchable(memory);
        final CountingRunner runner = new CountingRunner();
        final ShardNode node = node(1, membership, store(), runner);
        assertThat(node.claim(0)).isTrue();
        final Lease lease = node.lease();
        membership.down = true;
        await("disconnected", () -> !node.isConnected());
        membership.down = false;
        await("reconnected", node::isConnected);
        assertThat(node.lease()).isEqualTo(lease);
        assertThat(node.rejoins()).isZero();
        assertThat(node.zones()).containsExactly(0);
        assertThat(node.claim(1)).isTrue();
    }

    @Test
    void builderNamesTheBadValue() {
        final InMemoryMembership membership = new InMemoryMembership(Clock.system());
        closeables.add(membership);
        final CountingRunner runner = new CountingRunner();
        assertThatThrownBy(() -> ShardNode.builder(1, "a", membership, null, runner).build())
            .hasMessage("membership, checkpoints and runner must not be null");
        assertThatThrownBy(() -> ShardNode.builder(1, "a", membership, store(), runner).zones(-1).build())
            .hasMessage("zones must be in [0, 1048576], was -1");
        assertThatThrownBy(() -> ShardNode.builder(1, "a", membership, store(), runner)
            .checkpointEvery(Duration.ofMillis(1)).build())
            .hasMessage("checkpointEvery must be in [10 ms, 1 h], was PT0.001S");
    }
}

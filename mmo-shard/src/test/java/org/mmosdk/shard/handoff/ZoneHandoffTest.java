package org.mmosdk.shard.handoff;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.mmosdk.core.id.EntityIds;
import org.mmosdk.ecs.EntitySerializer;
import org.mmosdk.ecs.World;

/** Two zones of one node (handoffs go through the zones' inboxes, no link), driven by hand on the test thread. */
class ZoneHandoffTest {
    private final HandoffService service = HandoffService.builder(1, zone -> zone == 9 ? 2 : 1).build();
    private final World w0 = WanderZone.newWorld();
    private final World w1 = WanderZone.newWorld();
    private final List<String> events = new ArrayList<>();
    private final ZoneHandoff z0 = service.host(0, w0, WanderZone.GID, (e, gid, in) -> events.add("input0:" + gid),
        listener("0"));
    private final ZoneHandoff z1 = service.host(1, w1, WanderZone.GID, (e, gid, in) -> events.add("input1:" + gid),
        listener("1"));

    private HandoffListener listener(final String zone) {
        return new HandoffListener() {
            @Override
            public void onArrived(final long entity, final long gid, final int fromZone, final long frozenNanos) {
                events.add("arrived" + zone + ":" + gid);
            }

            @Override
            public void onReleased(final long gid, final int toZone, final long frozenNanos) {
                events.add("released" + zone + ":" + gid);
            }

            @Override
            public void onRefused(final long entity, final long gid, final int toZone) {
                events.add("refused" + zone + ":" + gid);
            }
        };
    }

    private long spawn(final World w, final ZoneHandoff z, final long gid) {
        final long e = w.create(w.archetype(WanderZone.WANDERER));
        w.set(e, WanderZone.X, 12.5);
        w.set(e, WanderZone.Y, gid);
        w.set(e, WanderZone.GID, gid);
        z.adopt(e);
        return e;
    }

    private static ByteBuffer input() {
        return ByteBuffer.wrap(new byte[] {1});
    }

    @Test
    void movesAnEntityOnceAndForwardsTheInputsThatArrivedMeanwhile() {
        final long e = spawn(w0, z0, 7);
        assertThat(z0.handOff(e, 1)).isTrue();
        assertThat(z0.isFrozen(e)).isTrue();
        assertThat(z0.handOff(e, 1)).as("already frozen").isFalse();
        assertThat(z0.routeInput(7, input())).isEqualTo(ZoneHandoff.BUFFERED);

        assertThat(z1.drain()).isEqualTo(1);
        final long moved = z1.entityOf(7);
        assertThat(moved).isNotEqualTo(EntityIds.NONE);
        assertThat(w1.get(moved, WanderZone.X)).isEqualTo(12.5);
        assertThat(w1.get(moved, WanderZone.Y)).isEqualTo(7.0);
        assertThat(z1.isFrozen(moved)).isFalse();
        assertThat(w0.isAlive(e)).as("source keeps a frozen copy until the ack").isTrue();

        z0.drain();
        assertThat(w0.isAlive(e)).isFalse();
        assertThat(z0.entityOf(7)).isEqualTo(EntityIds.NONE);
        assertThat(z0.pendingHandoffs()).isZero();
        assertThat(z0.routeInput(7, input())).as("late input").isEqualTo(ZoneHandoff.FORWARDED);
        z1.drain();
        assertThat(events).containsExactly("arrived1:7", "released0:7", "input1:7", "input1:7");
        assertThat(z0.counters().sent()).isEqualTo(1);
        assertThat(z1.counters().received()).isEqualTo(1);
        assertThat(z0.counters().forwarded()).isEqualTo(2);
    }

    @Test
    void aRepeatedTransferIsAcknowledgedButInsertedOnce() {
        final long e = spawn(w0, z0, 8);
        final byte[] bytes = EntitySerializer.write(w0, e);
        final ZoneHandoff.InHandoff h = new ZoneHandoff.InHandoff(1, 8, 99, 0, 1, System.nanoTime(), bytes);
        assertThat(z1.offer(h)).isEqualTo(ZoneHandoff.OFFERED);
        assertThat(z1.offer(h)).isEqualTo(ZoneHandoff.OFFERED);
        z1.drain();
        assertThat(w1.entityCount()).isEqualTo(1);
        assertThat(z1.counters().duplicates()).isEqualTo(1);
    }

    @Test
    void anEntityThatIsAlreadyHereIsNotInsertedAgain() {
        final long e = spawn(w0, z0, 9);
        spawn(w1, z1, 9);
        z1.offer(new ZoneHandoff.InHandoff(1, 9, 100, 0, 1, 0, EntitySerializer.write(w0, e)));
        z1.drain();
        assertThat(w1.entityCount()).isEqualTo(1);
    }

    @Test
    void aTargetWithoutLinkLeavesTheEntityUnfrozen() {
        final long e = spawn(w0, z0, 10);
        assertThat(z0.handOff(e, 9)).as("zone 9 is on node 2, no links bound").isFalse();
        assertThat(z0.isFrozen(e)).isFalse();
        assertThat(z0.routeInput(10, input())).isEqualTo(ZoneHandoff.APPLIED);
    }

    @Test
    void aRefusedHandoffThawsTheEntityAndAppliesItsBufferedInputs() {
        final long e = spawn(w0, z0, 11);
        assertThat(z0.handOff(e, 1)).isTrue();
        z0.routeInput(11, input());
        z1.pause(); // as during a migration: handoffs into the zone are refused
        z1.drain();
        z0.drain();
        assertThat(z0.isFrozen(e)).isFalse();
        assertThat(w0.isAlive(e)).isTrue();
        assertThat(w1.entityCount()).isZero();
        assertThat(events).containsExactly("refused0:11", "input0:11");
    }

    @Test
    void ghostsMirrorTheNeighboursBorderEntitiesAndGiveWayToTheRealOne() {
        final long a = spawn(w0, z0, 20);
        final long b = spawn(w0, z0, 21);
        assertThat(z0.publishGhosts(1, new long[] {a, b}, 2)).isTrue();
        z1.drain();
        assertThat(z1.ghostCount()).isEqualTo(2);
        assertThat(z1.entityOf(20)).as("a ghost is not owned").isEqualTo(EntityIds.NONE);
        assertThat(w1.entityCount()).isEqualTo(2);

        w0.set(a, WanderZone.X, 99.0);
        assertThat(z0.publishGhosts(1, new long[] {a}, 1)).isTrue(); // b left the border: its ghost goes
        z1.drain();
        assertThat(z1.ghostCount()).isEqualTo(1);
        final long[] ghost = {EntityIds.NONE};
        w1.query().all(ZoneHandoff.GHOST).build().forEachEntity(e -> ghost[0] = e);
        assertThat(w1.get(ghost[0], WanderZone.X)).isEqualTo(99.0);
        assertThat(z1.isGhost(ghost[0])).isTrue();
        assertThat(z1.handOff(ghost[0], 0)).as("ghosts are read-only").isFalse();

        assertThat(z0.handOff(a, 1)).isTrue(); // the real one arrives: the ghost gives way
        z1.drain();
        assertThat(z1.ghostCount()).isZero();
        assertThat(w1.entityCount()).isEqualTo(1);
        assertThat(z1.entityOf(20)).isNotEqualTo(EntityIds.NONE);
        z0.drain();
        assertThat(z0.publishGhosts(1, new long[] {b}, 1)).isTrue();
        z1.drain();
        assertThat(z1.ghostCount()).isEqualTo(1);
        assertThat(w1.entityCount()).isEqualTo(2);
    }

    @Property(tries = 500)
    void corruptEntityBytesAreRefusedWithoutTouchingTheWorld(@ForAll @Size(max = 200) final byte[] garbage) {
        final int before = w1.entityCount();
        z1.offer(new ZoneHandoff.InHandoff(1, 5, 1000 + garbage.length, 0, 1, 0, garbage));
        z1.offer(new ZoneHandoff.InGhosts(1, 0, 1, garbage.length + 1, new long[] {5}, garbage));
        z1.drain();
        assertThat(w1.entityCount()).isEqualTo(before);
        assertThat(z1.ghostCount()).isZero();
    }

    @Test
    void bytesThatFailHalfwayLeaveNothingBehind() {
        final World source = WanderZone.newWorld();
        final long a = source.create(source.archetype(WanderZone.WANDERER));
        source.set(a, WanderZone.GID, 1);
        final long b = source.create(source.archetype(WanderZone.WANDERER));
        source.set(b, WanderZone.GID, 2);
        final byte[] two = EntitySerializer.write(source, a, b);
        final byte[] truncated = java.util.Arrays.copyOf(two, two.length - 3); // the second entity is cut short
        z1.offer(new ZoneHandoff.InHandoff(1, 1, 77, 0, 1, 0, truncated));
        z1.offer(new ZoneHandoff.InHandoff(1, 1, 78, 0, 1, 0, two)); // two entities where one is named
        z1.drain();
        assertThat(w1.entityCount()).isZero();
        assertThat(z1.counters().refused()).isEqualTo(2);
        final long e = spawn(w0, z0, 3);
        assertThat(z0.handOff(e, 1)).isTrue();
        z1.drain();
        assertThat(w1.entityCount()).as("a good one afterwards is inserted alone").isEqualTo(1);
    }

    @Property(tries = 1000)
    void mutatedEntityBytesInsertTheNamedEntityOrNothing(@ForAll @IntRange(min = 0, max = 10_000) final int position,
                                                        @ForAll final byte value, @ForAll @IntRange(min = 1, max = 1_000_000) final int gid) {
        final World source = WanderZone.newWorld();
        final long e = source.create(source.archetype(WanderZone.WANDERER));
        source.set(e, WanderZone.GID, gid);
        final byte[] bytes = EntitySerializer.write(source, e);
        bytes[position % bytes.length] = value;
        final World target = WanderZone.newWorld();
        final HandoffService s = HandoffService.builder(1, z -> 1).build();
        final ZoneHandoff z = s.host(1, target, WanderZone.GID, (x, g, in) -> { }, null);
        s.host(0, WanderZone.newWorld(), WanderZone.GID, (x, g, in) -> { }, null); // receives the acknowledgement
        z.offer(new ZoneHandoff.InHandoff(1, gid, 1, 0, 1, 0, bytes));
        z.drain();
        assertThat(target.entityCount()).isLessThanOrEqualTo(1);
        if (target.entityCount() == 1) {
            assertThat(target.get(z.entityOf(gid), WanderZone.GID)).isEqualTo(gid);
        }
    }
}

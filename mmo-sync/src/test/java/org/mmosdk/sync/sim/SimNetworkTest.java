package org.mmosdk.sync.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.mmosdk.core.peer.Delivery;
import org.mmosdk.core.time.VirtualClock;

class SimNetworkTest {
    private static List<Integer> run(final long seed, final LinkConditions c, final Delivery delivery, final boolean partition) {
        final VirtualClock clock = new VirtualClock();
        final SimNetwork net = new SimNetwork(seed, clock);
        final SimPeer[] link = net.connect(1, 2, c);
        final List<Integer> got = new ArrayList<>();
        link[1].onReceive((peer, msg) -> got.add(msg.getInt(msg.position())));
        for (int i = 0; i < 500; i++) {
            if (partition) {
                link[1].partition(i >= 100 && i < 200);
            }
            link[0].send(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, i), delivery);
            link[0].flush();
            clock.advance(1_000_000L);
            net.deliverDue();
        }
        link[1].partition(false);
        clock.advance(1_000_000_000L);
        net.deliverDue();
        return got;
    }

    private static final LinkConditions BAD = new LinkConditions(5_000_000L, 5_000_000L, 0.2, 0.1, 0.2);

    @Test
    void aSeedReproducesEveryDecision() {
        assertThat(run(7, BAD, Delivery.DROPPABLE, false)).isEqualTo(run(7, BAD, Delivery.DROPPABLE, false));
        assertThat(run(7, BAD, Delivery.DROPPABLE, false)).isNotEqualTo(run(8, BAD, Delivery.DROPPABLE, false));
    }

    @Test
    void droppableMessagesAreLostDuplicatedAndReordered() {
        final List<Integer> got = run(3, BAD, Delivery.DROPPABLE, false);
        assertThat(got.stream().distinct().count()).isBetween(340L, 460L);
        assertThat(got.size()).isGreaterThan((int) got.stream().distinct().count());
        boolean reordered = false;
        for (int i = 1; i < got.size(); i++) {
            reordered |= got.get(i) < got.get(i - 1);
        }
        assertThat(reordered).isTrue();
    }

    @Test
    void reliableMessagesArriveOnceInOrderEvenAcrossAPartition() {
        final List<Integer> got = run(4, BAD, Delivery.RELIABLE, true);
        assertThat(got).hasSize(500);
        for (int i = 0; i < 500; i++) {
            assertThat(got.get(i)).isEqualTo(i);
        }
    }

    @Test
    void aPartitionDropsDroppableMessages() {
        final List<Integer> got = run(5, LinkConditions.lan(), Delivery.DROPPABLE, true);
        assertThat(got).hasSize(400).doesNotContain(150);
    }
}

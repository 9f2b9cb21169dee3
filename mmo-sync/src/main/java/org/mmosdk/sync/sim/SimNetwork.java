package org.mmosdk.sync.sim;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

import org.mmosdk.core.peer.Delivery;
import org.mmosdk.core.time.VirtualClock;

/**
 * A simulated network of {@link SimPeer} pairs on a {@link VirtualClock}: latency, jitter, loss, duplication,
 * reordering and partitions, all drawn from one seeded random source, so a seed reproduces a run bit for bit.
 * Droppable messages suffer every impairment; reliable ones are never lost or duplicated and arrive in order (as
 * over TCP), held back while a partition lasts.
 *
 * <pre>{@code
 * VirtualClock clock = new VirtualClock();
 * SimNetwork net = new SimNetwork(42, clock);
 * SimPeer[] link = net.connect(1, 2, LinkConditions.lan().withLoss(0.1));  // link[0] at the server, link[1] at the client
 * link[0].onReceive((peer, msg) -> serverDispatcher.dispatch(peer, msg, msg.position(), msg.remaining()));
 * ... clock.advance(tick); net.deliverDue();
 * }</pre>
 *
 * <p>Single-threaded: the thread that drives the clock calls everything.
 */
public final class SimNetwork {
    private final VirtualClock clock;
    private final SplittableRandom random;
    private final PriorityQueue<Packet> inFlight = new PriorityQueue<>();
    private final List<SimPeer> peers = new ArrayList<>();
    private long order;
    private long digest = 1469598103934665603L;
    private long delivered;
    private long dropped;
    private long duplicated;
    private long bytesDelivered;
    private final ByteBuffer[] scratch = {ByteBuffer.allocate(64 * 1024).order(ByteOrder.LITTLE_ENDIAN)};

    /**
     * A network.
     *
     * @param seed every random decision derives from it
     * @param clock the simulation's clock
     */
    public SimNetwork(final long seed, final VirtualClock clock) {
        this.random = new SplittableRandom(seed);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Connects two peers; each end's sends travel to the other under {@code conditions}.
     *
     * @param idA id of the first end
     * @param idB id of the second end
     * @param conditions of both directions
     * @return {@code [a, b]}
     */
    public SimPeer[] connect(final long idA, final long idB, final LinkConditions conditions) {
        final SimPeer a = new SimPeer(this, idA, conditions);
        final SimPeer b = new SimPeer(this, idB, conditions);
        a.remote = b;
        b.remote = a;
        peers.add(a);
        peers.add(b);
        return new SimPeer[] {a, b};
    }

    /**
     * The clock.
     *
     * @return the virtual clock
     */
    public VirtualClock clock() {
        return clock;
    }

    /**
     * Delivers, in time order, every message due by now to its receiver.
     *
     * @return messages delivered
     */
    public int deliverDue() {
        final long now = clock.nanoTime();
        int n = 0;
        for (Packet p = inFlight.peek(); p != null && p.time <= now; p = inFlight.peek()) {
            inFlight.poll();
            if (p.to.partitioned) {
                if (p.reliable) {
                    p.to.held.add(p);
                } else {
                    dropped++;
                }
                continue;
            }
            if (!p.to.open || p.to.receiver == null) {
                continue;
            }
            ByteBuffer buf = scratch[0];
            if (buf.capacity() < p.data.length) {
                buf = ByteBuffer.allocate(p.data.length).order(ByteOrder.LITTLE_ENDIAN);
                scratch[0] = buf;
            }
            buf.clear();
            buf.put(p.data).flip();
            digest = mix(digest, p.time);
            digest = mix(digest, p.to.id());
            for (final byte b : p.data) {
                digest = mix(digest, b);
            }
            delivered++;
            bytesDelivered += p.data.length;
            n++;
            p.to.receiver.receive(p.to, buf);
        }
        return n;
    }

    /**
     * A running hash of every delivery (time, receiver, bytes): equal digests mean equal runs.
     *
     * @return the digest
     */
    public long digest() {
        return digest;
    }

    /**
     * Messages delivered so far.
     *
     * @return count
     */
    public long delivered() {
        return delivered;
    }

    /**
     * Droppable messages lost so far (loss or partition).
     *
     * @return count
     */
    public long dropped() {
        return dropped;
    }

    /**
     * Extra copies delivered so far.
     *
     * @return count
     */
    public long duplicated() {
        return duplicated;
    }

    /**
     * Bytes delivered so far.
     *
     * @return bytes
     */
    public long bytesDelivered() {
        return bytesDelivered;
    }

    void transmit(final SimPeer from, final byte[] data, final Delivery delivery) {
        final SimPeer to = from.remote;
        final LinkConditions c = from.conditions;
        final long now = clock.nanoTime();
        final boolean reliable = delivery == Delivery.RELIABLE;
        if (!reliable) {
            if (from.partitioned || to.partitioned || random.nextDouble() < c.loss()) {
                dropped++;
                return;
            }
        }
        long time = now + c.latencyNanos() + (c.jitterNanos() > 0 ? random.nextLong(c.jitterNanos() + 1) : 0);
        if (!reliable && c.reorder() > 0 && random.nextDouble() < c.reorder()) {
            time += c.latencyNanos() / 2 + c.jitterNanos() + 1;
        }
        if (reliable) {
            time = Math.max(time, from.lastReliableTime);
            from.lastReliableTime = time;
        }
        inFlight.add(new Packet(time, order++, to, data, reliable));
        if (!reliable && c.duplicate() > 0 && random.nextDouble() < c.duplicate()) {
            duplicated++;
            final long later = time + (c.jitterNanos() > 0 ? random.nextLong(c.jitterNanos() + 1) : 0);
            inFlight.add(new Packet(later, order++, to, data, false));
        }
    }

    void heal(final SimPeer peer) {
        for (final Packet p : peer.held) {
            inFlight.add(new Packet(clock.nanoTime(), order++, p.to, p.data, true));
        }
        peer.held.clear();
    }

    private static long mix(final long h, final long v) {
        return (h ^ v) * 0x100000001B3L;
    }

    /** Receives the messages delivered to a peer. */
    @FunctionalInterface
    public interface Receiver {
        /**
         * One message.
         *
         * @param peer the receiving end
         * @param message the envelope between position and limit; valid during the call only
         */
        void receive(SimPeer peer, ByteBuffer message);
    }

    static final class Packet implements Comparable<Packet> {
        final long time;
        final long order;
        final SimPeer to;
        final byte[] data;
        final boolean reliable;

        Packet(final long time, final long order, final SimPeer to, final byte[] data, final boolean reliable) {
            this.time = time;
            this.order = order;
            this.to = to;
            this.data = data;
            this.reliable = reliable;
        }

        @Override
        public int compareTo(final Packet o) {
            final int t = Long.compare(time, o.time);
            return t != 0 ? t : Long.compare(order, o.order);
        }

        @Override
        public boolean equals(final Object o) {
            return o instanceof Packet && ((Packet) o).order == order;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(order);
        }
    }
}

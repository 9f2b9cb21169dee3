package org.mmosdk.sync.sim;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.mmosdk.core.peer.Delivery;
import org.mmosdk.core.peer.Peer;

/**
 * One end of a simulated link: a {@link Peer} whose sends are queued until {@link #flush()} and then travel through
 * the {@link SimNetwork}. Single-threaded, like the network.
 */
public final class SimPeer implements Peer {
    private final SimNetwork network;
    private final long id;
    LinkConditions conditions;
    SimPeer remote;
    SimNetwork.Receiver receiver;
    boolean open = true;
    boolean partitioned;
    long lastReliableTime;
    final List<SimNetwork.Packet> held = new ArrayList<>();
    private final List<byte[]> pending = new ArrayList<>();
    private final List<Delivery> pendingDelivery = new ArrayList<>();
    private int closeCode;
    private String closeReason;

    SimPeer(final SimNetwork network, final long id, final LinkConditions conditions) {
        this.network = network;
        this.id = id;
        this.conditions = conditions;
    }

    /**
     * Sets who receives the messages delivered to this end.
     *
     * @param r the receiver
     */
    public void onReceive(final SimNetwork.Receiver r) {
        this.receiver = Objects.requireNonNull(r, "receiver");
    }

    /**
     * Changes the impairments of messages sent from this end.
     *
     * @param c the new conditions
     */
    public void conditions(final LinkConditions c) {
        this.conditions = Objects.requireNonNull(c, "conditions");
    }

    /**
     * Cuts or heals this end: while cut, droppable messages to or from it are lost and reliable ones to it are held.
     *
     * @param cut true to cut, false to heal
     */
    public void partition(final boolean cut) {
        this.partitioned = cut;
        if (!cut) {
            network.heal(this);
        }
    }

    /**
     * The other end.
     *
     * @return the remote peer
     */
    public SimPeer remote() {
        return remote;
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public boolean send(final ByteBuffer envelope, final Delivery delivery) {
        if (!open) {
            return false;
        }
        final byte[] copy = new byte[envelope.remaining()];
        envelope.duplicate().get(copy);
        pending.add(copy);
        pendingDelivery.add(delivery);
        return true;
    }

    @Override
    public void flush() {
        for (int i = 0; i < pending.size(); i++) {
            network.transmit(this, pending.get(i), pendingDelivery.get(i));
        }
        pending.clear();
        pendingDelivery.clear();
    }

    @Override
    public long rttNanos() {
        return conditions.latencyNanos() + remote.conditions.latencyNanos();
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close(final int code, final String reason) {
        if (open) {
            open = false;
            closeCode = code;
            closeReason = reason;
            remote.open = false;
        }
    }

    /**
     * The code this end was closed with, 0 if open or closed by the other end.
     *
     * @return the code
     */
    public int closeCode() {
        return closeCode;
    }

    /**
     * The reason this end was closed with, or null.
     *
     * @return the reason
     */
    public String closeReason() {
        return closeReason;
    }

    @Override
    public String toString() {
        return "SimPeer{" + id + (open ? "" : ", closed") + (partitioned ? ", partitioned" : "") + "}";
    }
}

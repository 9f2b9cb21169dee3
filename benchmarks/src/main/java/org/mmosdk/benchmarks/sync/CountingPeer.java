package org.mmosdk.benchmarks.sync;

import java.nio.ByteBuffer;

import org.mmosdk.core.peer.Delivery;
import org.mmosdk.core.peer.Peer;

/** A connection that only counts what is sent to it (a lockstep player, the base of a state-sync client). */
class CountingPeer implements Peer {
    private final long id;
    long bytes;
    long messages;

    CountingPeer(final long id) {
        this.id = id;
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public boolean send(final ByteBuffer envelope, final Delivery delivery) {
        bytes += envelope.remaining();
        messages++;
        return true;
    }

    @Override
    public void flush() {
    }

    @Override
    public long rttNanos() {
        return -1;
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    @Override
    public void close(final int code, final String reason) {
        throw new IllegalStateException("closed: " + code + " " + reason);
    }
}

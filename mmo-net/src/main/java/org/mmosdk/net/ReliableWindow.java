package org.mmosdk.net;

import io.netty.buffer.ByteBuf;

/**
 * Reliable messages of one resumable session, numbered 1, 2, 3, …: those not yet acknowledged by the client, written
 * or not. A ring of TCP frames ({@code [u32 LE length][envelope]}) bounded in messages and bytes. Guarded by the
 * owning {@link Session}'s monitor.
 */
final class ReliableWindow {
    private final ByteBuf[] ring;
    private final long maxBytes;
    /** Highest sequence number the client acknowledged. */
    long acked;
    /** Highest sequence number assigned. */
    long next;
    /** Highest sequence number written to the current connection. */
    long written;
    private long bytes;

    ReliableWindow(final int maxMessages, final long maxBytes) {
        this.ring = new ByteBuf[maxMessages];
        this.maxBytes = maxBytes;
    }

    /** Takes ownership of {@code frame} and numbers it; false (frame not taken) if the window is full. */
    boolean add(final ByteBuf frame) {
        final int n = frame.readableBytes();
        if (next - acked >= ring.length || bytes + n > maxBytes) {
            return false;
        }
        next++;
        ring[index(next)] = frame;
        bytes += n;
        return true;
    }

    ByteBuf get(final long seq) {
        return ring[index(seq)];
    }

    /** Forgets every message up to {@code seq} (clamped to what was sent). */
    void ack(final long seq) {
        final long upTo = Math.min(seq, next);
        while (acked < upTo) {
            acked++;
            final int i = index(acked);
            bytes -= ring[i].readableBytes();
            ring[i].release();
            ring[i] = null;
        }
        if (written < acked) {
            written = acked;
        }
    }

    int size() {
        return (int) (next - acked);
    }

    long bytes() {
        return bytes;
    }

    void releaseAll() {
        ack(next);
    }

    private int index(final long seq) {
        return (int) (seq % ring.length);
    }
}

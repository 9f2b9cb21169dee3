package org.mmosdk.shard.link;

import org.agrona.collections.LongHashSet;

/**
 * Which link messages of one sending node were delivered: per sender incarnation, every id up to a low-water mark
 * plus the set of delivered ids above it. {@link #tryBegin} admits each (incarnation, id) once; the low-water mark
 * advances over contiguous ids, so the set holds only ids delivered out of order (after a reconnect resent older
 * ones). The current and the previous incarnation are remembered, so late retransmissions of a restarted node's
 * former life are still recognised.
 *
 * <p>Thread-safe (synchronized): two connections of the same node may overlap during a reconnect.
 */
final class Dedupe {
    /** {@link #tryBegin}: deliver it. */
    static final int NEW = 0;
    /** {@link #tryBegin}: delivered before; acknowledge it again, do not deliver. */
    static final int DUPLICATE = 1;
    /** {@link #tryBegin}: an id of 0, or too far above the low-water mark: the sender broke the protocol. */
    static final int INVALID = -1;

    private final long maxAhead;
    private Window current;
    private Window previous;

    private static final class Window {
        final long incarnation;
        long low;
        final LongHashSet above = new LongHashSet();

        Window(final long incarnation) {
            this.incarnation = incarnation;
        }
    }

    /**
     * @param maxAhead how far above the low-water mark an id may be, at least 1
     */
    Dedupe(final long maxAhead) {
        this.maxAhead = maxAhead;
    }

    /**
     * Admits a message once.
     *
     * @param incarnation the sender's incarnation
     * @param id the message's id, from 1
     * @return {@link #NEW} (now counted as delivered; {@link #undo} if delivery failed), {@link #DUPLICATE} or
     *     {@link #INVALID}
     */
    synchronized int tryBegin(final long incarnation, final long id) {
        final Window w = window(incarnation);
        if (id < 1 || id > w.low + maxAhead) {
            return INVALID;
        }
        if (id <= w.low || w.above.contains(id)) {
            return DUPLICATE;
        }
        if (id == w.low + 1) {
            w.low = id;
            while (!w.above.isEmpty() && w.above.remove(w.low + 1)) {
                w.low++;
            }
        } else {
            w.above.add(id);
        }
        return NEW;
    }

    /**
     * Forgets a delivery that failed, so a retransmission is delivered again.
     *
     * @param incarnation as given to {@link #tryBegin}
     * @param id as given to {@link #tryBegin}
     */
    synchronized void undo(final long incarnation, final long id) {
        final Window w = window(incarnation);
        if (!w.above.remove(id) && id <= w.low) {
            // it advanced the low-water mark: keep the ids above as out-of-order deliveries
            for (long i = id + 1; i <= w.low; i++) {
                w.above.add(i);
            }
            w.low = id - 1;
        }
    }

    /**
     * The low-water mark of an incarnation (tests).
     *
     * @param incarnation the sender's incarnation
     * @return every id up to it was delivered
     */
    synchronized long low(final long incarnation) {
        return window(incarnation).low;
    }

    /**
     * Ids delivered above the low-water mark (tests).
     *
     * @param incarnation the sender's incarnation
     * @return the count
     */
    synchronized int outOfOrder(final long incarnation) {
        return window(incarnation).above.size();
    }

    private Window window(final long incarnation) {
        if (current != null && current.incarnation == incarnation) {
            return current;
        }
        if (previous != null && previous.incarnation == incarnation) {
            return previous;
        }
        previous = current;
        current = new Window(incarnation);
        return current;
    }
}

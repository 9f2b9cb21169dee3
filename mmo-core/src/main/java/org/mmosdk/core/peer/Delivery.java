package org.mmosdk.core.peer;

/** How a message must be delivered. */
public enum Delivery {
    /** Must arrive, in order; a peer that cannot keep up is closed rather than losing it. */
    RELIABLE,
    /**
     * Superseded by the next one (state snapshots): a peer that cannot keep up may skip it, and {@link Peer#send}
     * then returns false. The sender's protocol must tolerate the loss (e.g. a delta against an acknowledged baseline).
     */
    DROPPABLE
}

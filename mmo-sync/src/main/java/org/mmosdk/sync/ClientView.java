package org.mmosdk.sync;

import java.util.Arrays;

import org.mmosdk.core.id.EntityIds;
import org.mmosdk.core.peer.Peer;

/**
 * The server's per-client state: the entities in view (a slot per entity), the ring of sent snapshots awaiting an
 * ack (the baselines), and the inputs received. Zone thread only.
 */
final class ClientView {
    static final byte FREE = 0;
    static final byte ENTERING = 1;
    static final byte VISIBLE = 2;
    static final byte LEAVING = 3;

    static final byte ITEM_FULL = 0;
    static final byte ITEM_DELTA = 1;
    static final byte ITEM_LEAVE = 2;

    final Peer peer;
    long owned;
    /** The owned entity's view slot as of the last interest update, or -1. */
    int ownedSlot = -1;
    boolean hasViewpoint;
    float viewX;
    float viewY;

    // ------------------------------------------------------------------ visible entities
    /** Slots in use (entering, visible or leaving). */
    int used;
    long[] handle;
    byte[] state;
    int[] ackedTick;
    int[] enterSeq;
    int[] leaveSeq;
    float[] priority;
    int[] seenEpoch;
    float[] weight;
    int slotHigh;
    int[] freeSlots;
    int freeCount;

    // ------------------------------------------------------------------ sent snapshots
    int nextSeq = 1;
    final Record[] ring;
    final int ringMask;
    int lastSnapshotBytes;

    // ------------------------------------------------------------------ inputs
    final byte[] inputs;
    final int[] inputSeqAt;
    final int inputMask;
    int lastAppliedInput;
    int highestInput;
    int inputGapTicks;

    ClientView(final Peer peer, final long owned, final int ringSize, final int inputSize, final int inputCapacity,
        final int viewCapacity) {
        this.peer = peer;
        this.owned = owned;
        this.handle = new long[viewCapacity];
        this.state = new byte[viewCapacity];
        this.ackedTick = new int[viewCapacity];
        this.enterSeq = new int[viewCapacity];
        this.leaveSeq = new int[viewCapacity];
        this.priority = new float[viewCapacity];
        this.seenEpoch = new int[viewCapacity];
        this.weight = new float[viewCapacity];
        this.freeSlots = new int[viewCapacity];
        this.ring = new Record[ringSize];
        for (int i = 0; i < ringSize; i++) {
            ring[i] = new Record(viewCapacity);
        }
        this.ringMask = ringSize - 1;
        this.inputs = new byte[Math.max(1, inputSize) * inputCapacity];
        this.inputSeqAt = new int[inputCapacity];
        this.inputMask = inputCapacity - 1;
    }

    int newSlot(final long entity) {
        final int s;
        if (freeCount > 0) {
            s = freeSlots[--freeCount];
        } else {
            s = slotHigh++;
            if (s == handle.length) {
                final int n = s * 2;
                handle = Arrays.copyOf(handle, n);
                state = Arrays.copyOf(state, n);
                ackedTick = Arrays.copyOf(ackedTick, n);
                enterSeq = Arrays.copyOf(enterSeq, n);
                leaveSeq = Arrays.copyOf(leaveSeq, n);
                priority = Arrays.copyOf(priority, n);
                seenEpoch = Arrays.copyOf(seenEpoch, n);
                weight = Arrays.copyOf(weight, n);
            }
        }
        handle[s] = entity;
        state[s] = ENTERING;
        ackedTick[s] = 0;
        enterSeq[s] = nextSeq;
        leaveSeq[s] = 0;
        priority[s] = 0;
        used++;
        return s;
    }

    void freeSlot(final int s) {
        used--;
        handle[s] = EntityIds.NONE;
        state[s] = FREE;
        if (freeCount == freeSlots.length) {
            freeSlots = Arrays.copyOf(freeSlots, freeCount * 2);
        }
        freeSlots[freeCount++] = s;
    }

    int visibleCount() {
        return used;
    }

    /** One sent snapshot: what it carried, so that its ack can move each entity's baseline. */
    static final class Record {
        int seq;
        int tick;
        boolean acked = true;
        int count;
        long[] entities;
        byte[] kinds;
        /** The view slot each item's entity had when sent (an ack checks it still holds that entity). */
        int[] slots;

        Record(final int capacity) {
            entities = new long[capacity];
            kinds = new byte[capacity];
            slots = new int[capacity];
        }

        /** Starts a record of at most {@code capacity} items (grown by doubling, so it settles once views do). */
        void reset(final int seq, final int tick, final int capacity) {
            this.seq = seq;
            this.tick = tick;
            this.acked = false;
            this.count = 0;
            if (entities.length < capacity) {
                final int size = Math.max(capacity, entities.length * 2);
                entities = new long[size];
                kinds = new byte[size];
                slots = new int[size];
            }
        }

        void add(final long entity, final byte kind, final int slot) {
            if (count == entities.length) {
                entities = Arrays.copyOf(entities, count * 2);
                kinds = Arrays.copyOf(kinds, count * 2);
                slots = Arrays.copyOf(slots, count * 2);
            }
            entities[count] = entity;
            slots[count] = slot;
            kinds[count++] = kind;
        }

        void removeLast() {
            count--;
        }
    }
}

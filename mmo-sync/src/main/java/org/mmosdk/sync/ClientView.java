package org.mmosdk.sync;

import java.util.Arrays;

import org.agrona.collections.Long2LongHashMap;
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
    boolean hasViewpoint;
    float viewX;
    float viewY;

    // ------------------------------------------------------------------ visible entities
    final Long2LongHashMap slotOf = new Long2LongHashMap(-1);
    long[] handle = new long[64];
    byte[] state = new byte[64];
    int[] ackedTick = new int[64];
    int[] enterSeq = new int[64];
    int[] leaveSeq = new int[64];
    float[] priority = new float[64];
    int[] seenEpoch = new int[64];
    float[] weight = new float[64];
    int slotHigh;
    int[] freeSlots = new int[64];
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

    ClientView(final Peer peer, final long owned, final int ringSize, final int inputSize, final int inputCapacity) {
        this.peer = peer;
        this.owned = owned;
        this.ring = new Record[ringSize];
        for (int i = 0; i < ringSize; i++) {
            ring[i] = new Record();
        }
        this.ringMask = ringSize - 1;
        this.inputs = new byte[Math.max(1, inputSize) * inputCapacity];
        this.inputSeqAt = new int[inputCapacity];
        this.inputMask = inputCapacity - 1;
    }

    int slot(final long entity) {
        return (int) slotOf.get(entity);
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
        slotOf.put(entity, s);
        return s;
    }

    void freeSlot(final int s) {
        slotOf.remove(handle[s]);
        handle[s] = EntityIds.NONE;
        state[s] = FREE;
        if (freeCount == freeSlots.length) {
            freeSlots = Arrays.copyOf(freeSlots, freeCount * 2);
        }
        freeSlots[freeCount++] = s;
    }

    int visibleCount() {
        return slotOf.size();
    }

    /** One sent snapshot: what it carried, so that its ack can move each entity's baseline. */
    static final class Record {
        int seq;
        int tick;
        boolean acked = true;
        int count;
        long[] entities = new long[64];
        byte[] kinds = new byte[64];

        void reset(final int seq, final int tick) {
            this.seq = seq;
            this.tick = tick;
            this.acked = false;
            this.count = 0;
        }

        void add(final long entity, final byte kind) {
            if (count == entities.length) {
                entities = Arrays.copyOf(entities, count * 2);
                kinds = Arrays.copyOf(kinds, count * 2);
            }
            entities[count] = entity;
            kinds[count++] = kind;
        }

        void removeLast() {
            count--;
        }
    }
}

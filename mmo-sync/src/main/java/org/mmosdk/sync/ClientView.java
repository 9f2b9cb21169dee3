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
    /** The owned entity's full record with dead reckoning (its own values, not its line's: never a base). */
    static final byte ITEM_OWN = 3;

    final Peer peer;
    long owned;
    /** The owned entity's view slot as of the last interest update, or -1. */
    int ownedSlot = -1;
    boolean hasViewpoint;
    /** The order in which it was added: with a snapshot interval, the updates at which it gets a snapshot. */
    int order;
    /** The ticks ({@code update} count modulo the interest interval) at which this client's interest is updated. */
    int interestPhase;
    /** Whether its interest must be updated at the next tick whatever the phase (new client, owner or view moved). */
    boolean interestDue = true;
    float viewX;
    float viewY;
    /**
     * After an interest update that kept the nearest {@code maxVisible} of more in range: the rank (squared distance,
     * scaled down for those in view) of the farthest kept, which bounds the next update's query; else 0.
     */
    float keptRank;

    // ------------------------------------------------------------------ visible entities
    /** Slots in use (entering, visible or leaving). */
    int used;
    long[] handle;
    /**
     * Per slot, a number given when it is bound to an entity (0 when free): a sent record names it, and an ack applies
     * to the slot only while it is still the same binding (a second guard: the enter and leave sequence numbers
     * already keep an old item off a slot bound since).
     */
    int[] bind;
    private int binds;
    byte[] state;
    int[] ackedTick;
    int[] enterSeq;
    int[] leaveSeq;
    float[] priority;
    int[] seenEpoch;
    float[] weight;
    /** Per slot, records sent since it was bound (the newest one's number; a base's number is kept with it). */
    int[] sent;
    /**
     * Per slot, the prior base's update ({@link #PRIOR_EPOCH}) or {@link #NO_PRIOR}: the one thing dead reckoning reads
     * of an unchanged slot each update, kept apart from {@link #bases} so that it reads 4 bytes, not a base block
     * (kept with dead reckoning only, {@link #countRecords}).
     */
    int[] priorEpoch;
    static final int NO_PRIOR = Integer.MIN_VALUE;
    int slotHigh;
    int[] freeSlots;
    int freeCount;

    // ------------------------------------------------------------------ baselines (value deltas)
    /** Delta fields per entity ({@code ReplicationRules.deltaCount}, at least 1). */
    final int deltaWidth;
    /**
     * Per slot, {@link #baseStride} ints in one block (one slot's base state shares its cache lines): at
     * {@link #BASE_SEQ} the newest acknowledged snapshot that carried a record of it since it entered (0: none), the base
     * of its value deltas; at {@link #BASE_MASK} the components the client holds as of it; at {@link #PRIOR_SEQ} and
     * {@link #PRIOR_MASK} the same of the base before it (0: none; with it, deltas are from a linear extrapolation); at
     * {@link #BASE_EPOCH} and {@link #PRIOR_EPOCH} the server updates ({@code SyncServer}'s epoch) that sent them, which
     * name their values for every client (the values an entity had in that update); at {@link #BASE_SENT} and
     * {@link #PRIOR_SENT} their record numbers (how many records of the slot came after them: the client keeps
     * {@link EntityCodec#HISTORY}, so a base is named only while fewer came after it); at {@link #baseValues} and
     * {@link #priorValues} the {@link #deltaWidth} quantized values as of the base and the prior base.
     */
    int[] bases;
    static final int BASE_SEQ = 0;
    static final int BASE_MASK = 1;
    static final int PRIOR_SEQ = 2;
    static final int PRIOR_MASK = 3;
    static final int BASE_EPOCH = 4;
    static final int PRIOR_EPOCH = 5;
    /** The base's and the prior base's record numbers ({@link #sent} when they were sent). */
    static final int BASE_SENT = 6;
    static final int PRIOR_SENT = 7;
    /**
     * Whether records are counted ({@link #sent}, {@link #BASE_SENT}): with dead reckoning, where a slot may go many
     * snapshots without a record; else a base is named while it is at most {@link EntityCodec#HISTORY} snapshots old,
     * which needs no counting (the counts cost about 15% of a crowd's tick where every slot changes every tick).
     */
    final boolean countRecords;
    /** Offset of the base's values in a slot's block. */
    final int baseValues;
    /** Offset of the prior base's values in a slot's block. */
    final int priorValues;
    /** Ints per slot in {@link #bases}. */
    final int baseStride;
    /** The newest snapshot acknowledged (the common base of the next snapshot), 0 for none. */
    int lastAckedSeq;

    // ------------------------------------------------------------------ sent snapshots
    int nextSeq = 1;
    /** Its first snapshot's sequence number (how far its acks lag before the first one arrives). */
    int firstSeq = 1;
    /** Snapshots acknowledged since the last update, not yet applied (each seq once: its record is marked acked). */
    int[] pendingAcks = new int[4];
    int pendingAckCount;
    /**
     * The snapshots sent (not those skipped: an update at which the client was not due one, or its peer was closed, has
     * a sequence number but no record), the newest at {@code (recordCount - 1) & ringMask}; found by seq.
     */
    final Record[] ring;
    final int ringMask;
    private int recordCount;
    int lastSnapshotBytes;
    /** Whether the last snapshot left records out for the byte budget (the next one starts with the priority pass). */
    boolean overBudget;

    // ------------------------------------------------------------------ inputs
    final byte[] inputs;
    final int[] inputSeqAt;
    final int inputMask;
    int lastAppliedInput;
    int highestInput;
    int inputGapTicks;

    ClientView(final Peer peer, final long owned, final int ringSize, final int inputSize, final int inputCapacity,
        final int viewCapacity, final int deltaWidth, final boolean countRecords) {
        this.peer = peer;
        this.countRecords = countRecords;
        this.owned = owned;
        this.handle = new long[viewCapacity];
        this.bind = new int[viewCapacity];
        this.state = new byte[viewCapacity];
        this.ackedTick = new int[viewCapacity];
        this.enterSeq = new int[viewCapacity];
        this.leaveSeq = new int[viewCapacity];
        this.priority = new float[viewCapacity];
        this.seenEpoch = new int[viewCapacity];
        this.weight = new float[viewCapacity];
        this.sent = new int[viewCapacity];
        this.priorEpoch = new int[viewCapacity];
        this.freeSlots = new int[viewCapacity];
        this.deltaWidth = Math.max(1, deltaWidth);
        this.baseValues = countRecords ? PRIOR_SENT + 1 : PRIOR_EPOCH + 1;
        this.priorValues = baseValues + this.deltaWidth;
        this.baseStride = priorValues + this.deltaWidth;
        this.bases = new int[viewCapacity * baseStride];
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
                bind = Arrays.copyOf(bind, n);
                state = Arrays.copyOf(state, n);
                ackedTick = Arrays.copyOf(ackedTick, n);
                enterSeq = Arrays.copyOf(enterSeq, n);
                leaveSeq = Arrays.copyOf(leaveSeq, n);
                priority = Arrays.copyOf(priority, n);
                seenEpoch = Arrays.copyOf(seenEpoch, n);
                weight = Arrays.copyOf(weight, n);
                sent = Arrays.copyOf(sent, n);
                priorEpoch = Arrays.copyOf(priorEpoch, n);
                bases = Arrays.copyOf(bases, n * baseStride);
            }
        }
        handle[s] = entity;
        binds = binds == Integer.MAX_VALUE ? 1 : binds + 1;
        bind[s] = binds;
        state[s] = ENTERING;
        ackedTick[s] = 0;
        enterSeq[s] = nextSeq;
        leaveSeq[s] = 0;
        priority[s] = 0;
        sent[s] = 0;
        priorEpoch[s] = NO_PRIOR;
        final int at = s * baseStride;
        bases[at + BASE_SEQ] = 0;
        bases[at + BASE_MASK] = 0;
        bases[at + PRIOR_SEQ] = 0;
        used++;
        return s;
    }

    /** Whether a new slot can be taken (slot numbers stay below {@link EntityCodec#MAX_SLOTS}). */
    boolean canTakeSlot() {
        return freeCount > 0 || slotHigh < EntityCodec.MAX_SLOTS;
    }

    /** The slot re-enters the view (a full record follows): forget its base. */
    void reenter(final int s) {
        state[s] = ENTERING;
        sent[s] = 0;
        priorEpoch[s] = NO_PRIOR;
        ackedTick[s] = 0;
        enterSeq[s] = nextSeq;
        final int at = s * baseStride;
        bases[at + BASE_SEQ] = 0;
        bases[at + BASE_MASK] = 0;
        bases[at + PRIOR_SEQ] = 0;
    }

    /**
     * The base code of slot {@code s}'s record in snapshot {@code seq} whose common base is {@code commonBase}: its
     * base if the client still remembers it (at most {@link EntityCodec#HISTORY} snapshots old, so that fewer than
     * that many records of the slot can have come after it), else none.
     */
    int baseCode(final int s, final int seq, final int commonBase) {
        final int at = s * baseStride;
        final int b = bases[at + BASE_SEQ];
        if (b == 0) {
            return EntityCodec.BASE_NONE;
        }
        final int age = seq - b;
        if (age <= 0 || (countRecords ? age >= EntityCodec.MAX_GAMMA - 1 || sent[s] - bases[at + BASE_SENT] >= EntityCodec.HISTORY
            : age > EntityCodec.HISTORY)) {
            return EntityCodec.BASE_NONE;
        }
        return b == commonBase ? EntityCodec.BASE_COMMON : age + 1;
    }

    /**
     * The gap from slot {@code s}'s prior base to its base, if a record of components {@code mask} can be sent as
     * deltas from their extrapolation (the client still remembers the prior base, which held every component of the
     * mask that the base holds; at most {@link EntityCodec#HISTORY} snapshots before {@code seq}), else 0.
     */
    int priorGap(final int s, final int mask, final int seq) {
        final int at = s * baseStride;
        final int p = bases[at + PRIOR_SEQ];
        if (p == 0 || (mask & bases[at + BASE_MASK] & ~bases[at + PRIOR_MASK]) != 0) {
            return 0;
        }
        final int gap = bases[at + BASE_SEQ] - p;
        return gap > 0 && (countRecords ? sent[s] - bases[at + PRIOR_SENT] < EntityCodec.HISTORY
            : seq - p <= EntityCodec.HISTORY) ? gap : 0;
    }

    /** The slot's base moves to {@code seq}, sent in update {@code epoch}: the current base becomes the prior one. */
    void shiftBase(final int s, final int seq, final int epoch, final int sentNo) {
        final int at = s * baseStride;
        final int[] b = bases;
        if (countRecords) {
            priorEpoch[s] = b[at + BASE_SEQ] == 0 ? NO_PRIOR : b[at + BASE_EPOCH];
        }
        b[at + PRIOR_SEQ] = b[at + BASE_SEQ];
        b[at + PRIOR_MASK] = b[at + BASE_MASK];
        b[at + PRIOR_EPOCH] = b[at + BASE_EPOCH];
        b[at + BASE_EPOCH] = epoch;
        if (countRecords) {
            b[at + PRIOR_SENT] = b[at + BASE_SENT];
            b[at + BASE_SENT] = sentNo;
        }
        for (int i = 0; i < deltaWidth; i++) {
            b[at + priorValues + i] = b[at + baseValues + i];
        }
        b[at + BASE_SEQ] = seq;
    }

    /** The ring's next record, for snapshot {@code seq} (the oldest one is reused). */
    Record nextRecord() {
        return ring[recordCount++ & ringMask];
    }

    /** The sent snapshot {@code seq}'s record if the ring still holds it, else null. */
    Record record(final int seq) {
        for (int k = 1; k <= ring.length; k++) {
            final Record r = ring[(recordCount - k) & ringMask];
            if (r.seq == seq) {
                return r;
            }
            if (r.seq - seq < 0) {
                return null;   // older than seq: the ring is newest first from here
            }
        }
        return null;
    }

    void queueAck(final int seq) {
        if (pendingAckCount == pendingAcks.length) {
            pendingAcks = Arrays.copyOf(pendingAcks, pendingAckCount * 2);   // at most the ring's size
        }
        pendingAcks[pendingAckCount++] = seq;
    }

    void freeSlot(final int s) {
        used--;
        handle[s] = EntityIds.NONE;
        bind[s] = 0;
        state[s] = FREE;
        if (freeCount == freeSlots.length) {
            freeSlots = Arrays.copyOf(freeSlots, freeCount * 2);
        }
        freeSlots[freeCount++] = s;
    }

    int visibleCount() {
        return used;
    }

    /**
     * One sent snapshot: what it carried, so that its ack can move each entity's baseline. The values an item carried are
     * not copied here: they are the entity's quantized values in the server's table of that update (its dense index
     * here), which the server keeps for as many updates as a record lives.
     */
    static final class Record {
        int seq;
        int tick;
        /** Its header's server nanos (as the client holds them), owned entity and input ack (a relative header's base). */
        long nanos;
        long owned;
        int inputAck;
        /** The server update that sent it ({@code SyncServer}'s epoch). */
        int epoch;
        boolean acked = true;
        int count;
        /** The binding of each item's slot when sent ({@link ClientView#bind}: an ack checks it is still the same). */
        int[] binds;
        byte[] kinds;
        /** The view slot of each item (below {@link EntityCodec#MAX_SLOTS}). */
        char[] slots;
        /** The components each item's record carried. */
        int[] masks;
        /** Per item, the entity's index in the server's dense table of update {@link #epoch} (-1 for a leave). */
        int[] dense;
        /** Per item, the slot's record number ({@link ClientView#sent}; 0 for a leave). */
        int[] sentNo;

        Record(final int capacity) {
            binds = new int[capacity];
            kinds = new byte[capacity];
            slots = new char[capacity];
            masks = new int[capacity];
            dense = new int[capacity];
            sentNo = new int[capacity];
        }

        /** Starts a record (its tables grow by doubling as items come, so they settle once views do). */
        void reset(final int seq, final int tick, final int epoch) {
            this.seq = seq;
            this.tick = tick;
            this.epoch = epoch;
            this.acked = false;
            this.count = 0;
        }

        void add(final int binding, final byte kind, final int slot) {
            add(binding, kind, slot, 0, -1, 0);
        }

        void add(final int binding, final byte kind, final int slot, final int mask, final int denseIndex,
            final int recordNo) {
            if (count == binds.length) {
                binds = Arrays.copyOf(binds, count * 2);
                kinds = Arrays.copyOf(kinds, count * 2);
                slots = Arrays.copyOf(slots, count * 2);
                masks = Arrays.copyOf(masks, count * 2);
                dense = Arrays.copyOf(dense, count * 2);
                sentNo = Arrays.copyOf(sentNo, count * 2);
            }
            binds[count] = binding;
            slots[count] = (char) slot;
            masks[count] = mask;
            dense[count] = denseIndex;
            sentNo[count] = recordNo;
            kinds[count++] = kind;
        }
    }
}

package org.mmosdk.ecs;

import java.util.Arrays;

/**
 * Up to {@code chunkCapacity} entities of one {@link Archetype}, with one primitive array per field: the fast
 * path. Rows {@code [0, size())} are live; the arrays may be longer.
 *
 * <pre>{@code
 * query.forEachChunk(chunk -> {
 *     float[] x = chunk.writeFloats(Position.X);   // marks Position changed for every row
 *     float[] vx = chunk.floats(Velocity.X);
 *     for (int i = 0, n = chunk.size(); i < n; i++) {
 *         x[i] += vx[i] * dt;
 *     }
 * });
 * }</pre>
 *
 * <p>Writing through an array from {@link #floats(FloatField)} (and the other read accessors) does <em>not</em> stamp
 * change ticks: use the {@code write*} accessors (which stamp every row), or call {@link #markChanged} for the rows
 * you changed. Arrays are valid until the next structural change of the world (create, destroy, add, remove).
 *
 * <p>Threads: owned by its {@link World}'s thread.
 */
public final class Chunk {
    private static final int FIRST_ALLOCATION = 64;
    /** Ticks of change history kept as bitsets; "changed since T" is fastest for T within RING - 1 ticks. */
    static final int RING = 32;
    /** Extra room row buffers need beyond a chunk's size (rows are collected eight at a time). */
    static final int ROW_SLACK = 64;

    final Archetype archetype;
    final int index;
    final int capacity;
    int allocated;
    int size;
    long[] entities;
    final Object[] columns;
    final int[][] changed;
    final int[][] added;
    final int[] maxChanged;
    final int[] maxAdded;
    /** per component slot: a tick at which every row was written through a write accessor (0: none pending). */
    final int[] bulkChanged;
    /**
     * Per component slot, a ring of {@link #RING} bitsets: bit r of ring entry k is set when row r was stamped at tick
     * {@code ringTick[slot][k]} (or received a row by a move at that tick). A superset of the rows whose change tick
     * is that tick, so "changed since T" for a recent T visits only candidate rows and checks their ticks.
     */
    final long[][][] ringBits;
    final int[][] ringTick;
    /** The extra ring (index = component count) of rows that arrived: created, moved in, restored. */
    final int arrivals;
    /**
     * The last tick at which a row received ticks from elsewhere (a move or a restore). While no such event happened
     * after T, every candidate bit for "changed since T" is exact and needs no tick check.
     */
    int lastMoveTick;
    /**
     * Per component slot: the rows stamped at tick {@link #listTick} in stamp order (each once), kept while they come
     * in ascending order — the common case of a system walking a chunk. "Changed since the previous tick" then copies
     * this list instead of scanning bits. Allocated on first use.
     */
    int[][] listRows;
    final int[] listTick;
    final int[] listCount;

    Chunk(final Archetype archetype, final int index, final int capacity) {
        this.archetype = archetype;
        this.index = index;
        this.capacity = capacity;
        final int slots = archetype.types.length;
        this.columns = new Object[archetype.columnKinds.length];
        this.changed = new int[slots][];
        this.added = new int[slots][];
        this.maxChanged = new int[slots];
        this.maxAdded = new int[slots];
        this.bulkChanged = new int[slots];
        this.ringBits = new long[slots + 1][RING][];
        this.ringTick = new int[slots + 1][RING];
        this.listRows = new int[slots][];
        this.listTick = new int[slots];
        this.listCount = new int[slots];
        this.arrivals = slots;
        allocate(Math.min(FIRST_ALLOCATION, capacity));
    }

    private void allocate(final int length) {
        if (entities == null) {
            entities = new long[length];
            for (int c = 0; c < columns.length; c++) {
                columns[c] = archetype.columnKinds[c].newColumn(length);
            }
            for (int s = 0; s < changed.length; s++) {
                changed[s] = new int[length];
                added[s] = new int[length];
            }
            for (int s = 0; s < ringBits.length; s++) {
                for (int k = 0; k < RING; k++) {
                    ringBits[s][k] = new long[(length + 63) >>> 6];
                }
            }
        } else {
            entities = Arrays.copyOf(entities, length);
            for (int c = 0; c < columns.length; c++) {
                columns[c] = archetype.columnKinds[c].grow(columns[c], length);
            }
            for (int s = 0; s < changed.length; s++) {
                changed[s] = Arrays.copyOf(changed[s], length);
                added[s] = Arrays.copyOf(added[s], length);
            }
            for (int s = 0; s < ringBits.length; s++) {
                for (int k = 0; k < RING; k++) {
                    ringBits[s][k] = Arrays.copyOf(ringBits[s][k], (length + 63) >>> 6);
                }
            }
        }
        allocated = length;
    }

    void ensureAllocated(final int rows) {
        if (rows > allocated) {
            int length = allocated;
            while (length < rows) {
                length = Math.min(capacity, length * 2);
            }
            allocate(length);
        }
    }

    /**
     * Live rows.
     *
     * @return the number of entities in this chunk
     */
    public int size() {
        return size;
    }

    /**
     * The archetype this chunk belongs to.
     *
     * @return the archetype
     */
    public Archetype archetype() {
        return archetype;
    }

    /**
     * Position of this chunk in its archetype.
     *
     * @return the index
     */
    public int index() {
        return index;
    }

    /**
     * The entity handle of a row.
     *
     * @param row in [0, size())
     * @return the handle
     */
    public long entity(final int row) {
        return entities[row];
    }

    /**
     * The entity handles of this chunk, rows {@code [0, size())}. Do not modify.
     *
     * @return the array
     */
    public long[] entities() {
        return entities;
    }

    /**
     * The {@code float} column of a field, for reading (writes are not stamped).
     *
     * @param field a field of a component of this archetype
     * @return the column
     */
    public float[] floats(final FloatField field) {
        return (float[]) columns[column(field)];
    }

    /**
     * The {@code float} column of a field, for writing: stamps the field's component changed for every row.
     *
     * @param field a field of a component of this archetype
     * @return the column
     */
    public float[] writeFloats(final FloatField field) {
        final int c = column(field);
        markAllChanged(archetype.columnSlot[c]);
        return (float[]) columns[c];
    }

    /**
     * The {@code double} column of a field, for reading.
     *
     * @param field a field of a component of this archetype
     * @return the column
     */
    public double[] doubles(final DoubleField field) {
        return (double[]) columns[column(field)];
    }

    /**
     * The {@code double} column of a field, for writing (stamps every row).
     *
     * @param field a field of a component of this archetype
     * @return the column
     */
    public double[] writeDoubles(final DoubleField field) {
        final int c = column(field);
        markAllChanged(archetype.columnSlot[c]);
        return (double[]) columns[c];
    }

    /**
     * The {@code int} column of a field, for reading.
     *
     * @param field a field of a component of this archetype
     * @return the column
     */
    public int[] ints(final IntField field) {
        return (int[]) columns[column(field)];
    }

    /**
     * The {@code int} column of a field, for writing (stamps every row).
     *
     * @param field a field of a component of this archetype
     * @return the column
     */
    public int[] writeInts(final IntField field) {
        final int c = column(field);
        markAllChanged(archetype.columnSlot[c]);
        return (int[]) columns[c];
    }

    /**
     * The {@code long} column of a field, for reading.
     *
     * @param field a field of a component of this archetype
     * @return the column
     */
    public long[] longs(final LongField field) {
        return (long[]) columns[column(field)];
    }

    /**
     * The {@code long} column of a field, for writing (stamps every row).
     *
     * @param field a field of a component of this archetype
     * @return the column
     */
    public long[] writeLongs(final LongField field) {
        final int c = column(field);
        markAllChanged(archetype.columnSlot[c]);
        return (long[]) columns[c];
    }

    /**
     * The {@code short} column of a field, for reading.
     *
     * @param field a field of a component of this archetype
     * @return the column
     */
    public short[] shorts(final ShortField field) {
        return (short[]) columns[column(field)];
    }

    /**
     * The {@code byte} column of a field, for reading.
     *
     * @param field a field of a component of this archetype
     * @return the column
     */
    public byte[] bytes(final ByteField field) {
        return (byte[]) columns[column(field)];
    }

    /**
     * The {@code boolean} column of a field, for reading.
     *
     * @param field a field of a component of this archetype
     * @return the column
     */
    public boolean[] bools(final BoolField field) {
        return (boolean[]) columns[column(field)];
    }

    /**
     * The object column of a field.
     *
     * @param field a field of a component of this archetype
     * @param <T> the values' type
     * @return the column
     */
    public <T> Object[] refs(final RefField<T> field) {
        return (Object[]) columns[column(field)];
    }

    /**
     * Stamps {@code type} changed at the world's current tick for one row (after writing through a raw array).
     *
     * @param type a component of this archetype
     * @param row in [0, size())
     */
    public void markChanged(final ComponentType type, final int row) {
        if (row < 0 || row >= size) {
            throw new IndexOutOfBoundsException("row " + row + " of " + size);
        }
        stamp(slot(type), row, archetype.world.tick);
    }

    /**
     * Stamps {@code type} changed for every row (what the {@code write*} accessors do). Costs O(1): the chunk
     * remembers the tick instead of writing every row's.
     *
     * @param type a component of this archetype
     */
    public void markAllChanged(final ComponentType type) {
        markAllChanged(slot(type));
    }

    void markAllChanged(final int slot) {
        final int tick = archetype.world.tick;
        bulkChanged[slot] = tick;
        maxChanged[slot] = tick;
    }

    /** Stamps one row's component changed at {@code tick}. */
    void stamp(final int slot, final int row, final int tick) {
        changed[slot][row] = tick;
        maxChanged[slot] = tick;
        final long[] bits = claim(slot, tick);
        if (bits != null) {
            final long mask = 1L << row;
            final int w = row >>> 6;
            if ((bits[w] & mask) == 0) {
                bits[w] |= mask;
                appendToList(slot, row, tick);
            }
        }
    }

    private void appendToList(final int slot, final int row, final int tick) {
        if (listTick[slot] != tick) {
            listTick[slot] = tick;
            listCount[slot] = 0;
        }
        final int n = listCount[slot];
        if (n < 0) {
            return; // this tick's stamps came out of order: the list is off for this tick
        }
        int[] list = listRows[slot];
        if (n > 0 && list[n - 1] >= row) {
            listCount[slot] = -1;
            return;
        }
        if (list == null || list.length <= n) {
            list = Arrays.copyOf(list == null ? new int[0] : list, Math.max(64, Math.min(capacity, Math.max(n + 1, n * 2))));
            listRows[slot] = list;
        }
        list[n] = row;
        listCount[slot] = n + 1;
    }

    private void dropLists() {
        Arrays.fill(listTick, 0);
    }

    /** Stamps a new row: every component added and changed at {@code tick}; one arrival bit for all of them. */
    void stampNew(final int row, final int tick) {
        for (int s = 0; s < changed.length; s++) {
            changed[s][row] = tick;
            added[s][row] = tick;
            maxChanged[s] = tick;
            maxAdded[s] = tick;
        }
        setBit(arrivals, row, tick);
    }

    /**
     * A row's component arrives (moved from elsewhere) with its own ticks; the caller then calls {@link #arrived} once
     * for the row.
     */
    void receive(final int slot, final int row, final int changedTick, final int addedTick) {
        materializeBulk(slot);
        changed[slot][row] = changedTick;
        added[slot][row] = addedTick;
        if (changedTick - maxChanged[slot] > 0) {
            maxChanged[slot] = changedTick;
        }
        if (addedTick - maxAdded[slot] > 0) {
            maxAdded[slot] = addedTick;
        }
    }

    /** Moves a row's ticks to another row of this chunk (the bulk stamp applies to both alike). */
    void moveWithin(final int slot, final int from, final int to) {
        changed[slot][to] = changed[slot][from];
        added[slot][to] = added[slot][from];
    }

    /** Marks a row that received ticks from elsewhere at {@code now} as a candidate for every "since" query. */
    void arrived(final int row, final int now) {
        setBit(arrivals, row, now);
        lastMoveTick = now;
    }

    /** The change tick of a row including a pending bulk stamp. */
    int effectiveChanged(final int slot, final int row) {
        final int own = changed[slot][row];
        final int bulk = bulkChanged[slot];
        return bulk != 0 && bulk - own > 0 ? bulk : own;
    }

    /** Writes a pending bulk stamp into every row (before rows with older ticks arrive). */
    void materializeBulk(final int slot) {
        final int bulk = bulkChanged[slot];
        if (bulk == 0) {
            return;
        }
        final int[] ticks = changed[slot];
        for (int i = 0; i < size; i++) {
            if (bulk - ticks[i] > 0) {
                ticks[i] = bulk;
            }
        }
        bulkChanged[slot] = 0;
        if (listTick[slot] == bulk) {
            listTick[slot] = 0; // bulk rows join the bits of that tick but not its list
        }
        final long[] bits = claim(slot, bulk);
        if (bits != null) {
            Arrays.fill(bits, 0, (size + 63) >>> 6, -1L);
        }
    }

    /** Stamps new rows {@code [from, to)} as {@link #stampNew(int, int)} does each. */
    void stampNew(final int from, final int to, final int tick) {
        for (int s = 0; s < changed.length; s++) {
            Arrays.fill(changed[s], from, to, tick);
            Arrays.fill(added[s], from, to, tick);
            maxChanged[s] = tick;
            maxAdded[s] = tick;
        }
        final long[] bits = claim(arrivals, tick);
        if (bits != null && from < to) {
            final int first = from >>> 6;
            final int lastWord = (to - 1) >>> 6;
            final long firstMask = -1L << from;
            final long lastMask = -1L >>> -to;
            if (first == lastWord) {
                bits[first] |= firstMask & lastMask;
            } else {
                bits[first] |= firstMask;
                Arrays.fill(bits, first + 1, lastWord, -1L);
                bits[lastWord] |= lastMask;
            }
        }
    }

    private void setBit(final int slot, final int row, final int tick) {
        final long[] bits = claim(slot, tick);
        if (bits != null) {
            bits[row >>> 6] |= 1L << row;
        }
    }

    /** The bitset of {@code tick} for a slot, cleared if it held an older tick; null if the tick left the ring. */
    private long[] claim(final int slot, final int tick) {
        final int k = tick & (RING - 1);
        final int held = ringTick[slot][k];
        if (held == tick) {
            return ringBits[slot][k];
        }
        if (held != 0 && held - tick > 0) {
            return null; // a newer tick owns this entry: tick is too old to record
        }
        ringTick[slot][k] = tick;
        final long[] bits = ringBits[slot][k];
        Arrays.fill(bits, 0L);
        return bits;
    }

    /** After a restore to tick {@code now}: forget the future, and make every row a candidate. */
    void afterRestore(final int now) {
        dropLists();
        if (size == 0) {
            Arrays.fill(maxChanged, 0);
            Arrays.fill(maxAdded, 0);
            Arrays.fill(bulkChanged, 0);
        }
        for (int s = 0; s < ringTick.length; s++) {
            for (int k = 0; k < RING; k++) {
                if (ringTick[s][k] - now > 0) {
                    ringTick[s][k] = 0;
                }
            }
        }
        final long[] bits = claim(arrivals, now);
        if (bits != null) {
            Arrays.fill(bits, 0, (size + 63) >>> 6, -1L);
        }
        lastMoveTick = now;
    }

    /**
     * The tick at which a row's {@code type} was last changed.
     *
     * @param type a component of this archetype
     * @param row in [0, size())
     * @return the tick
     */
    public int changeTick(final ComponentType type, final int row) {
        return effectiveChanged(slot(type), row);
    }

    /**
     * The tick at which a row's {@code type} was added (or the entity created with it).
     *
     * @param type a component of this archetype
     * @param row in [0, size())
     * @return the tick
     */
    public int addedTick(final ComponentType type, final int row) {
        return added[slot(type)][row];
    }

    /**
     * Collects the rows whose {@code type} changed after tick {@code since} (the fast path of "changed since T":
     * one branch-free pass over the chunk's tick column; a chunk with no such change is skipped without a pass).
     *
     * @param type a component of this archetype
     * @param since a tick; rows with change tick {@code > since} are collected
     * @param rows receives row indices in ascending order; at least {@code size() + 64} long
     *     ({@link World#newRowBuffer()} fits every chunk)
     * @return the number of rows written
     */
    public int changedSince(final ComponentType type, final int since, final int[] rows) {
        final int slot = slot(type);
        if (rows.length < size + ROW_SLACK) {
            throw tooSmall(rows);
        }
        if (maxChanged[slot] - since <= 0) {
            return 0;
        }
        final int bulk = bulkChanged[slot];
        if (bulk != 0 && bulk - since > 0) {
            for (int i = 0; i < size; i++) {
                rows[i] = i;
            }
            return size;
        }
        final int now = archetype.world.tick;
        if (now - since >= RING) {
            return collect(changed[slot], since, rows);
        }
        // fast path: `since` is just before the slot's latest stamp tick (the list always belongs to it), nothing
        // arrived or moved since, and that tick's stamps came in ascending row order: the list is exactly the answer
        final int listed = listTick[slot];
        int n = listCount[slot];
        if (listed != 0 && n >= 0 && since == listed - 1 && lastMoveTick - since <= 0 && !arrivedAfter(since, now)) {
            final int[] list = listRows[slot];
            while (n > 0 && list[n - 1] >= size) {
                n--; // rows emptied since (the chunk's last rows removed without a move)
            }
            System.arraycopy(list, 0, rows, 0, n);
            return n;
        }
        // candidates: rows stamped, or arrived, at a tick in (since, now]
        return collectCandidates(slot, true, changed[slot], since, now, rows);
    }

    /** Whether any row arrived (created, moved in, restored) at a tick in (since, now]. */
    private boolean arrivedAfter(final int since, final int now) {
        final int[] held = ringTick[arrivals];
        for (int k = 0; k < RING; k++) {
            final int t = held[k];
            if (t != 0 && t - since > 0 && now - t >= 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * Rows with a bit in a ring entry of a tick in (since, now] — the slot's own stamps (if {@code stamps}) and the
     * arrivals — whose tick in {@code ticks} is after {@code since}.
     */
    private int collectCandidates(
        final int slot, final boolean stamps, final int[] ticks, final int since, final int now, final int[] rows) {
        final long[][] ring = ringBits[slot];
        final int[] held = ringTick[slot];
        final long[][] arrived = ringBits[arrivals];
        final int[] arrivedHeld = ringTick[arrivals];
        int mask = 0;
        int arrivedMask = 0;
        for (int k = 0; k < RING; k++) {
            final int t = held[k];
            if (stamps && t != 0 && t - since > 0 && now - t >= 0) {
                mask |= 1 << k;
            }
            final int a = arrivedHeld[k];
            if (a != 0 && a - since > 0 && now - a >= 0) {
                arrivedMask |= 1 << k;
            }
        }
        final int words = (size + 63) >>> 6;
        final boolean exact = lastMoveTick - since <= 0;
        int n = 0;
        for (int w = 0; w < words; w++) {
            long word = 0;
            for (int m = mask; m != 0; m &= m - 1) {
                word |= ring[Integer.numberOfTrailingZeros(m)][w];
            }
            for (int m = arrivedMask; m != 0; m &= m - 1) {
                word |= arrived[Integer.numberOfTrailingZeros(m)][w];
            }
            // exact: no row arrived from elsewhere after `since`, so every candidate was stamped after it
            n = exact ? collectExact(word, w, rows, n) : collectWord(word, w, ticks, since, rows, n);
        }
        return n;
    }

    /**
     * Appends the indices of the set bits of {@code bits} (bits beyond {@code size} masked off) to {@code rows}, eight
     * per round so the loop's trip count is predictable; may write up to 7 entries past the returned count.
     */
    private int collectExact(final long bits, final int w, final int[] rows, final int n) {
        final int base = w << 6;
        final int rest = size - base;
        long word = rest >= 64 ? bits : bits & ((1L << rest) - 1);
        final int count = Long.bitCount(word);
        for (int k = n, end = n + count; k < end; k += 8) {
            rows[k] = base + Long.numberOfTrailingZeros(word);
            word &= word - 1;
            rows[k + 1] = base + Long.numberOfTrailingZeros(word);
            word &= word - 1;
            rows[k + 2] = base + Long.numberOfTrailingZeros(word);
            word &= word - 1;
            rows[k + 3] = base + Long.numberOfTrailingZeros(word);
            word &= word - 1;
            rows[k + 4] = base + Long.numberOfTrailingZeros(word);
            word &= word - 1;
            rows[k + 5] = base + Long.numberOfTrailingZeros(word);
            word &= word - 1;
            rows[k + 6] = base + Long.numberOfTrailingZeros(word);
            word &= word - 1;
            rows[k + 7] = base + Long.numberOfTrailingZeros(word);
            word &= word - 1;
        }
        return n + count;
    }

    private int collectWord(long word, final int w, final int[] ticks, final int since, final int[] rows, int n) {
        final int base = w << 6;
        final int limit = size;
        while (word != 0) {
            final int r = base + Long.numberOfTrailingZeros(word);
            word &= word - 1;
            if (r < limit && ticks[r] - since > 0) {
                rows[n++] = r;
            }
        }
        return n;
    }

    /**
     * Collects the rows whose {@code type} was added after tick {@code since}.
     *
     * @param type a component of this archetype
     * @param since a tick
     * @param rows receives row indices in ascending order; at least {@code size() + 64} long
     * @return the number of rows written
     */
    public int addedSince(final ComponentType type, final int since, final int[] rows) {
        final int slot = slot(type);
        if (rows.length < size + ROW_SLACK) {
            throw tooSmall(rows);
        }
        if (maxAdded[slot] - since <= 0) {
            return 0;
        }
        final int now = archetype.world.tick;
        if (now - since >= RING) {
            return collect(added[slot], since, rows);
        }
        // a component is added only to a row that arrives (created, or moved to this archetype)
        return collectCandidates(slot, false, added[slot], since, now, rows);
    }

    private int collect(final int[] ticks, final int since, final int[] rows) {
        int n = 0;
        for (int i = 0, size = this.size; i < size; i++) {
            rows[n] = i;
            n += (since - ticks[i]) >>> 31; // 1 when ticks[i] > since (tick arithmetic is wrap-safe)
        }
        return n;
    }

    private IllegalArgumentException tooSmall(final int[] rows) {
        return new IllegalArgumentException("row buffer of " + rows.length + " entries is too small for a chunk of "
            + size + " rows; use World.newRowBuffer()");
    }

    int column(final Field field) {
        final int[] map = archetype.columnOfField;
        final int id = field.globalId;
        final int c = id < map.length ? map[id] : -1;
        if (c < 0) {
            throw noSuchField(field);
        }
        return c;
    }

    int slot(final ComponentType type) {
        final int s = archetype.slotOf(type);
        if (s < 0) {
            throw new IllegalArgumentException("chunk of " + archetype + " has no component " + type);
        }
        return s;
    }

    private IllegalArgumentException noSuchField(final Field field) {
        return new IllegalArgumentException("chunk of " + archetype + " has no field " + field);
    }

    @Override
    public String toString() {
        return "Chunk{" + archetype + " #" + index + ", size=" + size + "}";
    }
}

package org.mmosdk.sync;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

import com.google.flatbuffers.ByteVector;
import com.google.flatbuffers.FlatBufferBuilder;
import org.agrona.collections.Long2ObjectHashMap;
import org.mmosdk.core.id.EntityIds;
import org.mmosdk.core.peer.Delivery;
import org.mmosdk.core.peer.Peer;
import org.mmosdk.core.time.Clock;
import org.mmosdk.core.wire.EnvelopeWriter;
import org.mmosdk.core.wire.MessageHandler;
import org.mmosdk.core.wire.MessageRegistry;
import org.mmosdk.core.wire.WireSchema;
import org.mmosdk.ecs.Chunk;
import org.mmosdk.ecs.ComponentType;
import org.mmosdk.ecs.Query;
import org.mmosdk.ecs.World;
import org.mmosdk.sync.wire.fb.InputBatch;
import org.mmosdk.sync.wire.fb.Snapshot;
import org.mmosdk.sync.wire.fb.SnapshotAck;

/**
 * The server side of state sync for one zone (Quake 3 model). Each {@link #update()} it rebuilds a spatial grid
 * from the replicated position, gives each client its visible set (enter within the view radius, leave beyond
 * radius + hysteresis), and sends each client one droppable snapshot: its own entity (always, all components),
 * entities entering (full), entities that left (ids), and for the rest only the components whose change tick is
 * newer than what that client acknowledged for that entity — highest accumulated priority first, within the
 * client's byte budget. Entering entities carry their id and the client's view slot they are bound to; the others
 * are named by slot and their bounded floats and angles are sent as small deltas from the values of the newest
 * acknowledged snapshot that carried them, extrapolated from the acknowledged one before it when the client still has
 * both (see the package documentation). Acks move each entity's baseline; a lost or
 * reordered snapshot only means the same change is sent again.
 *
 * <pre>{@code
 * SyncServer sync = SyncServer.builder(world, rules).clock(clock).viewRadius(60).cellSize(30)
 *     .bytesPerTick(1200).inputs(4, applier).build();
 * MessageRegistry<Session> registry = sync.registerHandlers(MessageRegistry.<Session>builder()).build();
 * sync.addClient(session, playerEntity);
 * // each tick, on the zone thread: drain the inbox (dispatch), then
 * sync.applyInputs();  schedule.run();  sync.update();  // then flush every session
 * }</pre>
 *
 * <p>Threads: everything runs on the zone thread that owns the world, including the registered message handlers
 * (dispatch the inbox there). Call {@link #update()} after the tick's systems (before or after
 * {@link World#advanceTick()}): writes made after it in the same tick are still sent, one snapshot later at worst.
 * Component removal is not replicated in this version (an entity keeps a component on the client until it leaves).
 */
public final class SyncServer {
    /**
     * The snapshot message around its records: type id, FlatBuffers root, vtable, table, vector length, padding, and the
     * header (an absolute one; removed ids counted apart).
     */
    private static final int SNAPSHOT_OVERHEAD_BYTES = 48;
    // The field cache: an entity's entry is CACHE_STRIDE longs (40 bytes) from d * CACHE_STRIDE
    private static final int CACHE_STRIDE = 5;
    /** {@code epoch << 32 | bit length}. */
    private static final int CACHE_STAMP = 0;
    private static final int CACHE_BASES = 1;
    private static final int CACHE_MASKS = 2;
    private static final int CACHE_AGES = 3;
    private static final int CACHE_BITS = 4;
    private static final int MAX_INPUT_REDUNDANCY = 64;

    private final World world;
    private final ReplicationRules rules;
    private final Clock clock;
    private final float viewRadius;
    private final float hysteresis;
    private final int interestInterval;
    /** Each client gets a snapshot every this many updates (zone thread; {@link #snapshotInterval(int)}). */
    private int snapshotInterval;
    /** Updates so far (the snapshot phase of this one, with each client's {@link ClientView#order}). */
    private long updateCount;
    /** Clients added so far (each one's {@link ClientView#order}). */
    private int clientsAdded;
    /** Snapshots not sent because of the snapshot interval or a client's slow acks. */
    private long snapshotsSkipped;
    /** Of those, skipped because the client's acks lagged by more than half its snapshot ring. */
    private long slowClientSkips;
    private final int maxVisible;
    /** Interest updates that had more entities in range than {@link #maxVisible}. */
    private long crowdedInterestUpdates;
    /** Crowded interest updates whose query was bounded by the last one's farthest kept entity (tests). */
    private long boundedInterestUpdates;
    /** An entity in view ranks as if it were 10% nearer (0.9 squared), so that near-equals do not swap every update. */
    private static final float IN_VIEW_RANK = 0.81f;
    /**
     * A crowded client's next query reaches this much beyond (in squared rank) its last farthest kept entity: room for
     * the crowd to move before the bounded query finds too few and the full one is needed.
     */
    private static final float CROWD_MARGIN = 1.3f;
    private final boolean boundedCrowds;
    private long[] rankKeys = new long[256];
    /** Updates so far, modulo the interest interval (the phase of this one). */
    private int updates;
    private final int bytesPerTick;
    private final int ringSize;
    private final int viewCapacity;
    private final int inputSize;
    private final int inputCapacity;
    private final int maxInputsPerTick;
    private final int maxInputGapTicks;
    private final InputApplier applier;

    private final SpatialGrid grid;
    private final Query replicated;
    private final EntityCodec codec;
    private final BitWriter bits = new BitWriter(4096);
    private final BitWriter headerBits = new BitWriter(4096);
    /** The base's header fields for {@link SnapshotHeader#write}. */
    private final long[] baseFields = new long[4];
    private final SnapshotHeader header = new SnapshotHeader();
    private final EnvelopeWriter envelope = new EnvelopeWriter(8192);
    private final Long2ObjectHashMap<ClientView> clientsById = new Long2ObjectHashMap<>();
    private final List<ClientView> clients = new ArrayList<>();
    private final int componentCount;

    // dense table of replicated entities, rebuilt each update
    private int denseCount;
    private long[] denseHandle = new long[256];
    private Chunk[] denseChunk = new Chunk[256];
    private int[] denseRow = new int[256];
    private int[] denseMask = new int[256];
    private int[] denseTicks;
    private int[] denseOfIndex = new int[256];
    /**
     * Per dense entity, its delta fields quantized ({@code deltaWidth} each), once {@link #denseQDone} says so: this
     * update's table in {@link #qRing}.
     */
    private int[] denseQ;
    /**
     * The quantized tables of the last {@link #valueRing} updates (update e at {@code e & (valueRing - 1)}): a sent
     * record's values, which its ack makes the client's base, are read from the table of the update that sent it.
     */
    private final int[][] qRing;
    /**
     * Updates whose values are kept: four times the snapshot ring, so that a client sent a snapshot only every few
     * updates (the snapshot interval, or a slow acker's stride) can still use an ack of its oldest remembered one.
     */
    private final int valueRing;
    private boolean[] denseQDone = new boolean[256];
    private final int deltaWidth;
    private int[] queryOut = new int[256];
    private float[] queryD2 = new float[256];
    private int[] scratchOut = new int[256];
    private float[] scratchD2 = new float[256];
    private int[] denseSlot = new int[256];
    private int[] denseSlotStamp = new int[256];
    private int slotStamp;
    private final Consumer<Chunk> collect = this::collect;

    private int epoch;
    // dead reckoning (ReplicationRules.Builder.deadReckoning), per entity index: the entity (its handle), its position
    // in the last update (to measure its velocity) and the update that was, and its published line: the quantized
    // position at the update that published it and the velocity in steps per update. A client is sent the line's
    // position, and none at all while it holds two records on the current line (it extrapolates them)
    private final boolean deadReckoning;
    private final int positionComponent;
    private final int positionDeltaX;
    private final int positionDeltaY;
    private final int flatX;
    private final int flatY;
    private final double inverseStepX;
    private final double inverseStepY;
    private final long maxStepX;
    private final long maxStepY;
    private long[] drHandle = new long[0];
    /**
     * Per entity, its positions in its last {@link #DR_WINDOW} updates (x, y at {@code (index * DR_WINDOW + (epoch &
     * (DR_WINDOW - 1))) * 2}), and how many of the updates just before the last are among them ({@link #drRun}).
     */
    private float[] drHistory = new float[0];
    private byte[] drRun = new byte[0];
    private int[] drLastEpoch = new int[0];
    /** Updates of position history kept per entity for dead reckoning's velocity: a power of two. */
    static final int DR_WINDOW = 8;
    /** The dead-reckoning tolerance in world units (the smaller of the two axes'). */
    private final double toleranceWorld;
    private int[] drPubX = new int[0];
    private int[] drPubY = new int[0];
    private int[] drVelX = new int[0];
    private int[] drVelY = new int[0];
    private int[] drPubEpoch = new int[0];
    private long publications;
    /** The delta widths of this update's snapshots (the same for every client), chosen from {@link #widthCounts}. */
    private final int[] widths;
    /** The widths the deltas written in this update needed, per delta field (the next update's widths). */
    private final int[] widthCounts;
    /** The usual shape of this update's slot records (common base, this mask, prior gap 0 or 1): a short header. */
    private int usualMask;
    private int usualPrior;
    /** Slot records against the common base written in this update, and how many had each component and a prior 1. */
    private int usualSeen;
    private int usualSeenPrior;
    private final int[] usualSeenComponent;
    // Per dense entity, the fields of its last slot record written in this update (stamped with the epoch), keyed by what
    // they depend on besides the entity: the bases' updates, the masks, the base's age and the prior's gap. Clients that
    // acknowledged the same snapshots hold the same bases, so the fields are encoded once and copied to the others.
    private long[] fieldCacheTable = new long[256 * CACHE_STRIDE];
    private long fieldCacheHits;
    private final boolean fieldCache;
    private long[] candidates = new long[256];
    private int[] candidateDense = new int[256];
    private int[] candidateMask = new int[256];
    private final SnapshotAck ackReader = new SnapshotAck();
    private final InputBatch inputReader = new InputBatch();
    private final ByteVector inputBytes = new ByteVector();

    private final MessageHandler<Peer> ackHandler = this::onAck;
    private final MessageHandler<Peer> inputHandler = this::onInputs;

    private long bytesSent;
    private long snapshotsSent;
    private long enteringRecords;
    private long updateRecords;
    private long removedIds;
    private long rejected;
    private long inputsSkipped;

    private SyncServer(final Builder b) {
        this.world = b.world;
        this.rules = b.rules;
        this.clock = b.clock;
        this.viewRadius = b.viewRadius;
        this.hysteresis = b.hysteresis;
        this.interestInterval = b.interestInterval;
        this.snapshotInterval = b.snapshotInterval;
        this.maxVisible = b.maxVisible;
        this.fieldCache = b.fieldCache;
        this.boundedCrowds = b.boundedCrowds;
        this.bytesPerTick = b.bytesPerTick;
        this.ringSize = b.snapshotRing;
        this.viewCapacity = b.viewCapacity;
        this.inputSize = b.inputSize;
        this.inputCapacity = 128;
        this.maxInputsPerTick = b.maxInputsPerTick;
        this.maxInputGapTicks = 2;
        this.applier = b.applier;
        this.grid = new SpatialGrid(b.cellSize);
        this.replicated = world.query().all(rules.positionX.component()).build();
        this.codec = new EntityCodec(rules);
        this.componentCount = rules.components.length;
        this.denseTicks = new int[256 * componentCount];
        this.deltaWidth = Math.max(1, rules.deltaCount);
        this.valueRing = ringSize * 4;
        this.qRing = new int[valueRing][];
        for (int i = 0; i < valueRing; i++) {
            qRing[i] = new int[256 * deltaWidth];
        }
        this.denseQ = qRing[0];
        this.widths = new int[deltaWidth];
        this.widthCounts = new int[deltaWidth * EntityCodec.WIDTH_BUCKETS];
        this.usualSeenComponent = new int[componentCount];
        this.deadReckoning = rules.deadReckoning;
        this.positionComponent = rules.positionComponent;
        this.positionDeltaX = rules.positionDeltaX;
        this.positionDeltaY = rules.positionDeltaY;
        this.flatX = rules.positionFlatX;
        this.flatY = rules.positionFlatY;
        this.inverseStepX = flatX >= 0 ? rules.flatInverseStep[flatX] : 0;
        this.inverseStepY = flatY >= 0 ? rules.flatInverseStep[flatY] : 0;
        this.maxStepX = flatX >= 0 ? (1L << rules.flatBits[flatX]) - 1 : 0;
        this.maxStepY = flatY >= 0 ? (1L << rules.flatBits[flatY]) - 1 : 0;
        this.toleranceWorld = deadReckoning
            ? Math.min(rules.toleranceStepsX / inverseStepX, rules.toleranceStepsY / inverseStepY) : 0;
    }

    /**
     * A builder.
     *
     * @param world the zone's authoritative world (registers every replicated component)
     * @param rules what replicates
     * @return a builder
     */
    public static Builder builder(final World world, final ReplicationRules rules) {
        return new Builder(world, rules);
    }

    /**
     * Registers the handlers of snapshot acks and input batches (both verified against {@code sync.bfbs}).
     *
     * @param registry the zone's registry builder
     * @param <C> the registry's context, a peer
     * @return {@code registry}
     */
    public <C extends Peer> MessageRegistry.Builder<C> registerHandlers(final MessageRegistry.Builder<C> registry) {
        final WireSchema schema = SyncMessageTypes.schema();
        registry.register(SyncMessageTypes.SNAPSHOT_ACK, schema.table(SnapshotAck.class), 64, ackHandler);
        registry.register(SyncMessageTypes.INPUT_BATCH, schema.table(InputBatch.class), 2048 + 64, inputHandler);
        return registry;
    }

    /**
     * Starts replicating to a client.
     *
     * @param peer the client's connection
     * @param ownedEntity the entity it controls (always sent to it, with owner-only components), or
     *     {@link EntityIds#NONE}
     */
    public void addClient(final Peer peer, final long ownedEntity) {
        if (clientsById.containsKey(peer.id())) {
            throw new IllegalArgumentException("peer " + peer.id() + " is already a client");
        }
        final ClientView c = new ClientView(peer, ownedEntity, ringSize, inputSize, inputCapacity, viewCapacity,
            rules.deltaCount, deadReckoning);
        c.interestPhase = clients.size() % interestInterval;
        c.order = clientsAdded++;
        c.firstSeq = c.nextSeq;
        clientsById.put(peer.id(), c);
        clients.add(c);
    }

    /**
     * Stops replicating to a client and forgets its state.
     *
     * @param peer the client's connection
     * @return true if it was a client
     */
    public boolean removeClient(final Peer peer) {
        final ClientView c = clientsById.remove(peer.id());
        return c != null && clients.remove(c);
    }

    /**
     * Changes the entity a client controls.
     *
     * @param peer a client
     * @param entity its new entity, or {@link EntityIds#NONE}
     */
    public void setOwned(final Peer peer, final long entity) {
        final ClientView c = client(peer);
        c.owned = entity;
        c.interestDue = true;
    }

    /**
     * Where a client without an owned entity looks from (a spectator camera).
     *
     * @param peer a client
     * @param x world x
     * @param y world y
     */
    public void setViewpoint(final Peer peer, final float x, final float y) {
        final ClientView c = client(peer);
        c.interestDue |= !c.hasViewpoint;
        c.hasViewpoint = true;
        c.viewX = x;
        c.viewY = y;
    }

    private ClientView client(final Peer peer) {
        final ClientView c = clientsById.get(peer.id());
        if (c == null) {
            throw new IllegalArgumentException("peer " + peer.id() + " is not a client");
        }
        return c;
    }

    /**
     * Applies the received inputs of every client to its owned entity, in sequence order, at most
     * {@code maxInputsPerTick} per client (an input missing for more than two calls while later ones arrived is
     * skipped). Call before the tick's systems.
     */
    public void applyInputs() {
        if (applier == null) {
            return;
        }
        for (int i = 0, n = clients.size(); i < n; i++) {
            final ClientView c = clients.get(i);
            if (c.owned == EntityIds.NONE || !world.isAlive(c.owned)) {
                continue;
            }
            int applied = 0;
            boolean waited = false;
            while (applied < maxInputsPerTick) {
                final int s = c.lastAppliedInput + 1;
                if (c.inputSeqAt[s & c.inputMask] == s) {
                    applier.apply(world, c.owned, c.inputs, (s & c.inputMask) * inputSize);
                    c.lastAppliedInput = s;
                    c.inputGapTicks = 0;
                    applied++;
                } else if (c.highestInput > s) {
                    if (!waited) {
                        waited = true;
                        c.inputGapTicks++;
                    }
                    if (c.inputGapTicks <= maxInputGapTicks) {
                        break;
                    }
                    c.lastAppliedInput = s;
                    inputsSkipped++;
                } else {
                    break;
                }
            }
        }
    }

    /** Updates interest and sends every client its snapshot (not flushed: flush each peer once per tick). */
    public void update() {
        epoch = epoch + 1 == ClientView.NO_PRIOR ? epoch + 2 : epoch + 1;   // an epoch is never the "no prior" mark
        rebuildDense();
        codec.chooseWidths(widthCounts, widths);
        chooseUsualShape();
        final int baselineTick = world.tick() - 1;
        final long now = clock.nanoTime();
        final int phase = updates;
        updates = phase + 1 == interestInterval ? 0 : phase + 1;
        final long u = updateCount++;
        final int every = snapshotInterval;
        for (int i = 0, n = clients.size(); i < n; i++) {
            final ClientView c = clients.get(i);
            // a client whose acks lag by more than half its ring (a slow link or a slow client) is sent a snapshot only
            // every second update, by more than the ring every fourth: its remembered snapshots then cover 2 or 4 times
            // as long, so that its acks still find them and its records stay deltas
            final int lag = c.nextSeq - (c.lastAckedSeq != 0 ? c.lastAckedSeq : c.firstSeq);
            final int stride = lag > ringSize ? 4 : lag > ringSize / 2 ? 2 : 1;
            final int due = Math.max(every, stride);
            final boolean skipped = due > 1 && (u + c.order) % due != 0;
            if (skipped || !c.peer.isOpen()) {
                // counted as sent and lost (no record): a client's snapshot numbers advance with the updates (its
                // extrapolation of dead-reckoned positions counts updates by them)
                c.nextSeq++;
                snapshotsSkipped += skipped ? 1 : 0;
                slowClientSkips += skipped && stride > every ? 1 : 0;
                continue;
            }
            for (int k = 0; k < c.pendingAckCount; k++) {
                applyAck(c, c.pendingAcks[k]);
            }
            c.pendingAckCount = 0;
            if (c.interestDue || every > 1 || c.interestPhase == phase) {
                c.interestDue = false;
                updateInterest(c);
            }
            sendSnapshot(c, baselineTick, now);
        }
    }

    /**
     * The usual slot-record shape of this update's snapshots from the last update's records against the common base:
     * the components most of them had, and a prior 1 before the base if most had one.
     */
    private void chooseUsualShape() {
        int mask = 0;
        for (int c = 0; c < componentCount; c++) {
            if (2 * usualSeenComponent[c] > usualSeen) {
                mask |= 1 << c;
            }
            usualSeenComponent[c] = 0;
        }
        usualMask = mask;
        usualPrior = 2 * usualSeenPrior > usualSeen ? 1 : 0;
        usualSeen = 0;
        usualSeenPrior = 0;
    }

    // ------------------------------------------------------------------ dense table + grid

    private void rebuildDense() {
        final int q = epoch & (valueRing - 1);
        if (qRing[q].length < denseHandle.length * deltaWidth) {
            qRing[q] = new int[denseHandle.length * deltaWidth];
        }
        denseQ = qRing[q];
        denseCount = 0;
        grid.clear(world.entityCount());
        replicated.forEachChunk(collect);
        grid.build();
        if (queryOut.length < denseCount) {
            queryOut = new int[denseCount * 2];
            queryD2 = new float[denseCount * 2];
            denseSlot = new int[denseCount * 2];
            denseSlotStamp = new int[denseCount * 2];
            slotStamp = 0;
        }
    }

    private void collect(final Chunk chunk) {
        final float[] xs = chunk.floats(rules.positionX);
        final float[] ys = chunk.floats(rules.positionY);
        final long[] entities = chunk.entities();
        int present = 0;
        for (int c = 0; c < componentCount; c++) {
            if (chunk.archetype().has(rules.components[c])) {
                present |= 1 << c;
            }
        }
        for (int row = 0, n = chunk.size(); row < n; row++) {
            final int d = grid.add(xs[row], ys[row]);
            assert d == denseCount;
            if (d == denseHandle.length) {
                final int m = d * 2;
                denseHandle = Arrays.copyOf(denseHandle, m);
                denseChunk = Arrays.copyOf(denseChunk, m);
                denseRow = Arrays.copyOf(denseRow, m);
                denseMask = Arrays.copyOf(denseMask, m);
                denseTicks = Arrays.copyOf(denseTicks, m * componentCount);
                denseQ = Arrays.copyOf(denseQ, m * deltaWidth);
                qRing[epoch & (valueRing - 1)] = denseQ;
                denseQDone = Arrays.copyOf(denseQDone, m);
                fieldCacheTable = Arrays.copyOf(fieldCacheTable, m * CACHE_STRIDE);
            }
            final long e = entities[row];
            denseHandle[d] = e;
            denseChunk[d] = chunk;
            denseRow[d] = row;
            denseMask[d] = present;
            denseQDone[d] = false;
            final int base = d * componentCount;
            for (int c = 0; c < componentCount; c++) {
                denseTicks[base + c] = (present & (1 << c)) != 0 ? chunk.changeTick(rules.components[c], row) : 0;
            }
            final int index = EntityIds.index(e);
            if (index >= denseOfIndex.length) {
                denseOfIndex = Arrays.copyOf(denseOfIndex, Math.max(index + 1, denseOfIndex.length * 2));
            }
            denseOfIndex[index] = d;
            denseCount++;
            if (deadReckoning) {
                reckon(index, e, xs[row], ys[row]);
            }
        }
    }

    /**
     * Dead reckoning, once per entity per update: measures its velocity (steps per update, from its last update's
     * position) and republishes its line (this position, that velocity) when it is new, its quantized position is
     * more than the tolerance off the line, or the line leaves the field's range.
     */
    private void reckon(final int index, final long e, final float x, final float y) {
        if (index >= drHandle.length) {
            final int n = Math.max(index + 1, Math.max(256, drHandle.length * 2));
            drHandle = Arrays.copyOf(drHandle, n);
            drHistory = Arrays.copyOf(drHistory, n * DR_WINDOW * 2);
            drRun = Arrays.copyOf(drRun, n);
            drLastEpoch = Arrays.copyOf(drLastEpoch, n);
            drPubX = Arrays.copyOf(drPubX, n);
            drPubY = Arrays.copyOf(drPubY, n);
            drVelX = Arrays.copyOf(drVelX, n);
            drVelY = Arrays.copyOf(drVelY, n);
            drPubEpoch = Arrays.copyOf(drPubEpoch, n);
        }
        final ReplicationRules r = rules;
        final long qx = EntityCodec.quantize(x, r.flatMin[flatX], r.flatMax[flatX], inverseStepX);
        final long qy = EntityCodec.quantize(y, r.flatMin[flatY], r.flatMax[flatY], inverseStepY);
        final boolean known = drHandle[index] == e;
        final boolean moved = known && drLastEpoch[index] == epoch - 1;
        boolean publish = !known;
        if (known) {
            final int k = epoch - drPubEpoch[index];
            final long lx = drPubX[index] + (long) drVelX[index] * k;
            final long ly = drPubY[index] + (long) drVelY[index] * k;
            publish = lx < 0 || lx > maxStepX || ly < 0 || ly > maxStepY
                || Math.abs(qx - lx) > r.toleranceStepsX || Math.abs(qy - ly) > r.toleranceStepsY;
        }
        if (publish) {
            drHandle[index] = e;
            drPubX[index] = (int) qx;
            drPubY[index] = (int) qy;
            final int w = moved ? straightWindow(index, x, y) : 0;
            final int from = (index * DR_WINDOW + ((epoch - w) & (DR_WINDOW - 1))) * 2;
            drVelX[index] = w > 0 ? velocity((x - drHistory[from]) / w, inverseStepX, maxStepX) : 0;
            drVelY[index] = w > 0 ? velocity((y - drHistory[from + 1]) / w, inverseStepY, maxStepY) : 0;
            drPubEpoch[index] = epoch;
            publications++;
        }
        final int at = (index * DR_WINDOW + (epoch & (DR_WINDOW - 1))) * 2;
        drHistory[at] = x;
        drHistory[at + 1] = y;
        drRun[index] = (byte) (moved ? Math.min(DR_WINDOW - 1, drRun[index] + 1) : 0);
        drLastEpoch[index] = epoch;
    }

    /**
     * The number of updates {@code w} (at least 1, at most the history held) whose mean motion is the new line's
     * velocity: the longest window over which the line through its two ends kept every position in it within the
     * tolerance along the line and within a quarter of it across. An entity moving straight but unevenly (inputs
     * arriving 0, 1 or 2 a tick: off the line along it only) then gets its mean speed, not its last update's; one that
     * turned, even slightly, gets only the updates since the turn (the corner is off the line across it). 1 is the last
     * update's motion.
     */
    private int straightWindow(final int index, final float x, final float y) {
        final int held = drRun[index] + 1;   // positions held before this update's
        final int base = index * DR_WINDOW;
        final float[] h = drHistory;
        final double along = toleranceWorld;
        final double across = toleranceWorld / 4;
        for (int w = Math.min(held, DR_WINDOW - 1); w > 1; w--) {
            final int from = (base + ((epoch - w) & (DR_WINDOW - 1))) * 2;
            final float ax = h[from];
            final float ay = h[from + 1];
            final double dx = (double) (x - ax) / w;
            final double dy = (double) (y - ay) / w;
            final double length = Math.sqrt(dx * dx + dy * dy);
            if (length == 0 || length != length) {
                break;   // it stood still over the window (or no finite motion): its last update's motion
            }
            final double ux = dx / length;
            final double uy = dy / length;
            boolean straight = true;
            for (int k = 1; straight && k < w; k++) {
                final int p = (base + ((epoch - w + k) & (DR_WINDOW - 1))) * 2;
                final double ex = h[p] - (ax + dx * k);
                final double ey = h[p + 1] - (ay + dy * k);
                straight = Math.abs(ex * ux + ey * uy) <= along && Math.abs(ex * uy - ey * ux) <= across;
            }
            if (straight) {
                return w;
            }
        }
        return 1;
    }

    private static int velocity(final float delta, final double inverseStep, final long maxStep) {
        final double v = Math.rint(delta * inverseStep);
        return v != v ? 0 : (int) Math.max(-maxStep, Math.min(maxStep, v));
    }

    private int dense(final long entity) {
        final int index = EntityIds.index(entity);
        if (index >= denseOfIndex.length) {
            return -1;
        }
        final int d = denseOfIndex[index];
        return d < denseCount && denseHandle[d] == entity ? d : -1;
    }

    // ------------------------------------------------------------------ interest

    private void updateInterest(final ClientView c) {
        final int ownDense = c.owned == EntityIds.NONE ? -1 : dense(c.owned);
        final boolean hasView = ownDense >= 0 || c.hasViewpoint;
        final float vx = ownDense >= 0 ? grid.x(ownDense) : c.viewX;
        final float vy = ownDense >= 0 ? grid.y(ownDense) : c.viewY;
        final float enter2 = viewRadius * viewRadius;
        final float stay = viewRadius + hysteresis;
        // this client's slots by dense index (array lookups below instead of a hash lookup per entity in range)
        if (++slotStamp == 0) {
            Arrays.fill(denseSlotStamp, 0);
            slotStamp = 1;
        }
        for (int s = 0; s < c.slotHigh; s++) {
            if (c.state[s] != ClientView.FREE) {
                final int d = dense(c.handle[s]);
                if (d >= 0) {
                    denseSlot[d] = s;
                    denseSlotStamp[d] = slotStamp;
                }
            }
        }
        if (hasView) {
            int n = -1;
            if (c.keptRank > 0 && boundedCrowds) {
                // crowded at the last update: query only a little beyond its farthest kept entity; exact when enough are
                // found (see keepNearest), else the full query below
                final float bound = c.keptRank * CROWD_MARGIN;
                if (bound < IN_VIEW_RANK * stay * stay) {
                    final int found = grid.query(vx, vy, (float) Math.sqrt(bound / IN_VIEW_RANK), queryOut, queryD2);
                    n = found >= maxVisible ? keepNearest(c, found, ownDense, enter2, bound) : -1;
                    boundedInterestUpdates += n >= 0 ? 1 : 0;
                }
            }
            if (n < 0) {
                n = grid.query(vx, vy, stay, queryOut, queryD2);
                c.keptRank = 0;
                if (n > maxVisible) {
                    n = keepNearest(c, n, ownDense, enter2, Float.POSITIVE_INFINITY);
                }
            }
            final float inverseEnter2 = 1f / enter2;
            for (int k = 0; k < n; k++) {
                final int d = queryOut[k];
                final float d2 = queryD2[k];
                int s = denseSlotStamp[d] == slotStamp ? denseSlot[d] : -1;
                if (s >= 0 && c.state[s] != ClientView.LEAVING) {
                    c.seenEpoch[s] = epoch;
                } else if (d2 <= enter2 || d == ownDense) {
                    if (s < 0) {
                        if (!c.canTakeSlot()) {
                            continue;
                        }
                        s = c.newSlot(denseHandle[d]);
                        denseSlot[d] = s;
                        denseSlotStamp[d] = slotStamp;
                    } else {
                        c.reenter(s);
                    }
                    c.seenEpoch[s] = epoch;
                } else {
                    continue;
                }
                c.weight[s] = 1f + 3f * Math.max(0f, 1f - d2 * inverseEnter2);
            }
        }
        c.ownedSlot = -1;
        if (ownDense >= 0) {
            int s = denseSlotStamp[ownDense] == slotStamp ? denseSlot[ownDense] : -1;
            if (s < 0 && c.canTakeSlot()) {
                s = c.newSlot(c.owned);
            } else if (s >= 0 && c.state[s] == ClientView.LEAVING) {
                c.reenter(s);
            }
            if (s >= 0) {
                c.seenEpoch[s] = epoch;
                c.ownedSlot = s;
            }
        }
        for (int s = 0; s < c.slotHigh; s++) {
            final byte st = c.state[s];
            if ((st == ClientView.ENTERING || st == ClientView.VISIBLE) && c.seenEpoch[s] != epoch) {
                c.state[s] = ClientView.LEAVING;
                c.leaveSeq[s] = c.nextSeq;
            }
        }
    }

    /**
     * Of the {@code n} query results, keeps those that can be in view (its own entity, those in view, those within the
     * view radius) and of them at most the {@link #maxVisible} nearest (an entity in view ranks 10% nearer, its own
     * entity first), at the front of {@link #queryOut} and {@link #queryD2}; returns how many.
     */
    private int keepNearest(final ClientView c, final int n, final int ownDense, final float enter2, final float bound) {
        if (rankKeys.length < n) {
            rankKeys = new long[Math.max(n, rankKeys.length * 2)];
        }
        final long[] keys = rankKeys;
        int eligible = 0;
        int withinBound = 0;
        for (int k = 0; k < n; k++) {
            final int d = queryOut[k];
            final boolean inView = denseSlotStamp[d] == slotStamp && c.state[denseSlot[d]] != ClientView.LEAVING;
            final float d2 = queryD2[k];
            if (d == ownDense || inView || d2 <= enter2) {
                final float rank = d == ownDense ? -1f : inView ? d2 * IN_VIEW_RANK : d2;
                withinBound += rank <= bound ? 1 : 0;
                // a non-negative float's bits order as the float does; the own entity's -1 is mapped below every distance
                final long bits = rank < 0 ? 0 : Float.floatToRawIntBits(rank) + 1L;
                keys[eligible] = (bits << 32) | eligible;
                queryOut[eligible] = d;
                queryD2[eligible++] = d2;
            }
        }
        if (bound != Float.POSITIVE_INFINITY && withinBound < maxVisible) {
            // a bounded query is exact only if the nearest maxVisible ranks are all within its bound: an entity it did not
            // find is farther than the query's radius, so it ranks above the bound
            return -1;
        }
        if (eligible <= maxVisible && bound == Float.POSITIVE_INFINITY) {
            c.keptRank = 0;
            return eligible;
        }
        crowdedInterestUpdates++;
        final int kept = Math.min(maxVisible, eligible);
        if (kept < eligible) {
            selectSmallest(keys, eligible, kept);
        }
        long farthest = 0;
        for (int i = 0; i < kept; i++) {
            farthest = Math.max(farthest, keys[i] >>> 32);
        }
        c.keptRank = farthest == 0 ? 0 : Float.intBitsToFloat((int) (farthest - 1));
        // the kept results, gathered through scratch arrays
        if (scratchOut.length < kept) {
            scratchOut = new int[Math.max(kept, scratchOut.length * 2)];
            scratchD2 = new float[scratchOut.length];
        }
        for (int i = 0; i < kept; i++) {
            final int k = (int) keys[i];
            scratchOut[i] = queryOut[k];
            scratchD2[i] = queryD2[k];
        }
        System.arraycopy(scratchOut, 0, queryOut, 0, kept);
        System.arraycopy(scratchD2, 0, queryD2, 0, kept);
        return kept;
    }

    /**
     * Moves the {@code k} smallest of {@code a[0, n)} to {@code a[0, k)}, in no particular order (Hoare's selection:
     * linear on average, allocation-free), for distinct values and {@code 0 < k <= n}.
     */
    static void selectSmallest(final long[] a, final int n, final int k) {
        int lo = 0;
        int hi = n - 1;
        final int target = k - 1;
        while (lo < hi) {
            final int mid = (lo + hi) >>> 1;
            // the median of three as the pivot
            final long x = a[lo];
            final long y = a[mid];
            final long z = a[hi];
            final long pivot = x < y ? (y < z ? y : Math.max(x, z)) : (x < z ? x : Math.max(y, z));
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (a[i] < pivot) {
                    i++;
                }
                while (a[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    final long t = a[i];
                    a[i++] = a[j];
                    a[j--] = t;
                }
            }
            // a[lo, j] <= pivot <= a[i, hi]; between them, the pivot itself
            if (target <= j) {
                hi = j;
            } else if (target >= i) {
                lo = i;
            } else {
                return;
            }
        }
    }

    // ------------------------------------------------------------------ snapshot

    private int visibleMask(final ClientView c, final long entity) {
        return entity == c.owned ? rules.allMask : rules.everyoneMask;
    }

    private void sendSnapshot(final ClientView c, final int baselineTick, final long now) {
        final int seq = c.nextSeq;
        final ClientView.Record record = c.nextRecord();
        record.reset(seq, baselineTick, epoch);
        bits.reset();
        int entityCount = 0;
        int removedCount = 0;

        // the common base and, with one, the delta widths (this update's, chosen from what the last update's deltas
        // needed) at the start of the record stream; the header goes in front of it once the records are written
        final int commonBase = c.lastAckedSeq != 0 && seq - c.lastAckedSeq < EntityCodec.MAX_GAMMA - 1 ? c.lastAckedSeq : 0;
        final int ownDense = c.owned == EntityIds.NONE ? -1 : dense(c.owned);
        final SnapshotHeader h = header;
        h.removedCount = 0;
        if (commonBase != 0) {
            codec.writeWidths(bits, widths, usualMask, usualPrior);
        }

        // the owned entity, always, in full (with dead reckoning, its own position, not its line's: the client predicts
        // it from there; such a record is not a base)
        if (ownDense >= 0 && c.ownedSlot >= 0) {
            final int mask = denseMask[ownDense] & rules.allMask;
            codec.writeId(bits, true, c.ownedSlot, c.owned, mask, denseChunk[ownDense], denseRow[ownDense],
                deadReckoning ? null : denseQ, deadReckoning ? 0 : quantized(ownDense), null, 0);
            record.add(c.bind[c.ownedSlot], deadReckoning ? ClientView.ITEM_OWN : ClientView.ITEM_FULL, c.ownedSlot, mask,
                ownDense, c.countRecords ? ++c.sent[c.ownedSlot] : 0);
            entityCount++;
        }

        // leaves, and candidates with their priority
        int candidateCount = 0;
        if (candidates.length < c.slotHigh) {
            candidates = new long[c.slotHigh * 2];
            candidateDense = new int[c.slotHigh * 2];
            candidateMask = new int[c.slotHigh * 2];
        }
        for (int s = 0; s < c.slotHigh; s++) {
            final byte st = c.state[s];
            if (st == ClientView.FREE) {
                continue;
            }
            final long e = c.handle[s];
            if (st == ClientView.LEAVING) {
                removedCount = addRemoved(c, record, e, s, removedCount);
                continue;
            }
            if (e == c.owned) {
                continue;
            }
            final int d = dense(e);
            if (d < 0) {
                // gone from the world (or no longer replicated) since this client's last interest update: leaves now
                c.state[s] = ClientView.LEAVING;
                c.leaveSeq[s] = seq;
                removedCount = addRemoved(c, record, e, s, removedCount);
                continue;
            }
            final int mask;
            if (st == ClientView.ENTERING) {
                c.priority[s] += 2f * c.weight[s];
                mask = denseMask[d] & visibleMask(c, e);
            } else {
                mask = changedMask(c, s, d);
                if (mask == 0) {
                    continue;
                }
                c.priority[s] += c.weight[s];
            }
            candidateDense[candidateCount] = d;
            candidateMask[candidateCount] = mask;
            candidates[candidateCount++] = s;
        }

        // everything, if it fits the byte budget (the usual case: no sort), in slot order; else the highest priority
        // first: chosen with each slot record's gap taken as its largest (slot + 1), then written in slot order. A client
        // whose previous snapshot did not fit goes straight to the second way (no first pass thrown away: under load,
        // when bases age and records grow, that pass would be a third of the work)
        final int fixedBytes = SNAPSHOT_OVERHEAD_BYTES + removedCount * 6;
        final int startMark = bits.bitPosition();
        final int startRecords = record.count;
        final int startEntities = entityCount;
        int entering = 0;
        boolean allFit = !c.overBudget;
        int previousSlot = -1;
        for (int k = 0; allFit && k < candidateCount; k++) {
            final int s = (int) candidates[k];
            writeRecord(c, s, candidateDense[k], candidateMask[k], s - previousSlot, seq, commonBase, record);
            if (c.state[s] != ClientView.ENTERING) {
                previousSlot = s;
            }
            if (fixedBytes + bits.byteLength() > bytesPerTick || entityCount == 0xFFFF) {
                allFit = false;
                break;
            }
            record.add(c.bind[s], c.state[s] == ClientView.ENTERING ? ClientView.ITEM_FULL : ClientView.ITEM_DELTA, s,
                candidateMask[k], candidateDense[k], c.countRecords ? ++c.sent[s] : 0);
            entityCount++;
            entering += c.state[s] == ClientView.ENTERING ? 1 : 0;
        }
        if (allFit) {
            for (int k = 0; k < candidateCount; k++) {
                c.priority[(int) candidates[k]] = 0f;
            }
        } else {
            bits.rewind(startMark);
            record.count = startRecords;
            entityCount = startEntities;
            entering = 0;
            for (int k = 0; k < candidateCount; k++) {
                final int s = (int) candidates[k];
                candidates[k] = ((long) Float.floatToRawIntBits(c.priority[s]) << 32) | s;
            }
            Arrays.sort(candidates, 0, candidateCount);
            c.overBudget = false;
            int chosen = 0;
            for (int k = candidateCount - 1; k >= 0; k--) {
                final int s = (int) candidates[k];
                final int d = dense(c.handle[s]);
                final int mask = recordMask(c, s, d);
                final int mark = bits.bitPosition();
                writeRecord(c, s, d, mask, s + 1, seq, commonBase, record);
                if (fixedBytes + bits.byteLength() > bytesPerTick || entityCount + chosen == 0xFFFF) {
                    bits.rewind(mark);
                    c.overBudget = true;
                    break;
                }
                candidateDense[chosen++] = s;
            }
            bits.rewind(startMark);
            Arrays.sort(candidateDense, 0, chosen);
            previousSlot = -1;
            for (int k = 0; k < chosen; k++) {
                final int s = candidateDense[k];
                final int d = dense(c.handle[s]);
                final int mask = recordMask(c, s, d);
                final boolean full = c.state[s] == ClientView.ENTERING;
                writeRecord(c, s, d, mask, s - previousSlot, seq, commonBase, record);
                if (!full) {
                    previousSlot = s;
                }
                record.add(c.bind[s], full ? ClientView.ITEM_FULL : ClientView.ITEM_DELTA, s, mask, d,
                    c.countRecords ? ++c.sent[s] : 0);
                c.priority[s] = 0f;
                entityCount++;
                entering += full ? 1 : 0;
            }
        }

        // the header: relative to the base's when the client still holds the base's header fields
        h.seq = seq;
        h.serverTick = baselineTick & 0xFFFF_FFFFL;
        h.serverNanos = now;
        h.owned = ownDense >= 0 ? c.owned : EntityIds.NONE;
        h.inputAck = c.lastAppliedInput & 0xFFFF_FFFFL;
        h.base = commonBase;
        h.count = entityCount;
        final ClientView.Record baseRecord = commonBase != 0 && seq - commonBase < SnapshotHeader.HISTORY
            ? c.record(commonBase) : null;
        final boolean relative = baseRecord != null;
        if (relative) {
            baseFields[0] = baseRecord.tick & 0xFFFF_FFFFL;
            baseFields[1] = baseRecord.nanos;
            baseFields[2] = baseRecord.owned;
            baseFields[3] = baseRecord.inputAck & 0xFFFF_FFFFL;
        }
        headerBits.reset();
        h.write(headerBits, relative ? baseFields : null);
        record.nanos = h.serverNanos;
        record.owned = h.owned;
        record.inputAck = (int) h.inputAck;
        headerBits.append(bits);
        final FlatBufferBuilder b = envelope.begin(SyncMessageTypes.SNAPSHOT);
        final int entitiesVec = b.createByteVector(headerBits.array(), 0, headerBits.byteLength());
        Snapshot.startSnapshot(b);
        Snapshot.addEntities(b, entitiesVec);
        final ByteBuffer msg = envelope.finish(Snapshot.endSnapshot(b));
        final int length = msg.remaining();
        c.nextSeq++;
        c.lastSnapshotBytes = length;
        if (c.peer.send(msg, Delivery.DROPPABLE)) {
            bytesSent += length;
            snapshotsSent++;
            enteringRecords += entering;
            updateRecords += entityCount - entering - startEntities;
            removedIds += removedCount;
        }
    }

    /**
     * Lists a leaving entity in this snapshot's removed ids (up to {@link #MAX_REMOVED}; the rest go in the next
     * snapshots) and in its record; returns the new count.
     */
    private int addRemoved(final ClientView c, final ClientView.Record record, final long entity, final int slot,
        final int count) {
        if (count == SnapshotHeader.MAX_REMOVED) {
            return count;
        }
        header.addRemoved(entity);
        record.add(c.bind[slot], ClientView.ITEM_LEAVE, slot);
        return count + 1;
    }

    /** An entering slot's full mask, else its changed components. */
    private int recordMask(final ClientView c, final int s, final int d) {
        return c.state[s] == ClientView.ENTERING ? denseMask[d] & visibleMask(c, c.handle[s]) : changedMask(c, s, d);
    }

    /**
     * Writes slot {@code s}'s record: an id record if it is entering, else a slot record {@code gap} after the previous
     * one, against its base when the client still has it (its values are this update's, in {@link #denseQ}). A slot
     * record's fields are copied from the entity's field cache when an earlier client in this update had the same bases.
     */
    private void writeRecord(final ClientView c, final int s, final int d, final int mask, final int gap, final int seq,
        final int commonBase, final ClientView.Record record) {
        final int q = quantized(d);
        if (c.state[s] == ClientView.ENTERING) {
            codec.writeId(bits, true, s, c.handle[s], mask, denseChunk[d], denseRow[d], denseQ, q, null, 0);
        } else {
            final int baseCode = c.baseCode(s, seq, commonBase);
            final boolean hasBase = baseCode != EntityCodec.BASE_NONE;
            final int priorGap = hasBase ? c.priorGap(s, mask, seq) : 0;
            final int[] bases = c.bases;
            final int at = s * c.baseStride;
            final int age = seq - bases[at + ClientView.BASE_SEQ];
            final int baseMask = bases[at + ClientView.BASE_MASK];
            codec.writeSlotHeader(bits, gap, baseCode, priorGap, mask, usualMask, usualPrior);
            // what the fields depend on besides the entity's values (a base's epoch is never 0)
            final long keyBases = hasBase ? ((long) bases[at + ClientView.BASE_EPOCH] << 32)
                | (priorGap > 0 ? bases[at + ClientView.PRIOR_EPOCH] & 0xFFFF_FFFFL : 0) : 0;
            final long keyMasks = ((long) mask << 32) | (hasBase ? baseMask & 0xFFFF_FFFFL : 0);
            final long keyAges = priorGap > 0 ? ((long) age << 32) | priorGap : 0;
            final long[] table = fieldCacheTable;
            final int entry = d * CACHE_STRIDE;
            final long stamp = table[entry + CACHE_STAMP];
            if (fieldCache && (int) (stamp >>> 32) == epoch && table[entry + CACHE_BASES] == keyBases
                && table[entry + CACHE_MASKS] == keyMasks && table[entry + CACHE_AGES] == keyAges) {
                bits.write(table[entry + CACHE_BITS], (int) stamp);
                fieldCacheHits++;
                return;
            }
            if (baseCode == EntityCodec.BASE_COMMON) {
                // the shapes seen, once per entity and bases like the widths (a cache hit is not counted)
                usualSeen++;
                usualSeenPrior += priorGap == 1 ? 1 : 0;
                for (int left = mask; left != 0; left &= left - 1) {
                    usualSeenComponent[Integer.numberOfTrailingZeros(left)]++;
                }
            }
            final int mark = bits.bitPosition();
            codec.writeSlotFields(bits, hasBase, age, priorGap, mask, denseChunk[d], denseRow[d], denseQ, q, bases,
                at + c.baseValues, at + c.priorValues, baseMask, null, 0, widths, widthCounts);
            final int length = bits.bitPosition() - mark;
            if (length <= 64) {
                table[entry + CACHE_STAMP] = ((long) epoch << 32) | length;
                table[entry + CACHE_BASES] = keyBases;
                table[entry + CACHE_MASKS] = keyMasks;
                table[entry + CACHE_AGES] = keyAges;
                table[entry + CACHE_BITS] = bits.bitsSince(mark);
            }
        }
    }

    /**
     * The offset in {@link #denseQ} of dense entity {@code d}'s quantized delta fields, quantized at its first use in
     * this tick (once per entity, not once per client that sees it).
     */
    private int quantized(final int d) {
        final int at = d * deltaWidth;
        if (!denseQDone[d]) {
            codec.quantizeAll(denseMask[d], denseChunk[d], denseRow[d], denseQ, at);
            if (deadReckoning) {
                // the published line's position in this update, not the entity's (within the tolerance of it)
                final int index = EntityIds.index(denseHandle[d]);
                final int k = epoch - drPubEpoch[index];
                denseQ[at + positionDeltaX] = (int) (drPubX[index] + (long) drVelX[index] * k);
                denseQ[at + positionDeltaY] = (int) (drPubY[index] + (long) drVelY[index] * k);
            }
            denseQDone[d] = true;
        }
        return at;
    }

    private int changedMask(final ClientView c, final int s, final int d) {
        final int since = c.ackedTick[s];
        final int allowed = denseMask[d] & visibleMask(c, c.handle[s]);
        final int base = d * componentCount;
        int mask = 0;
        for (int k = 0; k < componentCount; k++) {
            if ((allowed & (1 << k)) != 0 && denseTicks[base + k] - since > 0) {
                mask |= 1 << k;
            }
        }
        if (deadReckoning) {
            // the position travels when the client's base and prior base (its last two records, which it extrapolates)
            // are not both on the current line, and with every record (so that each record the client holds is on a
            // line: it extrapolates its newest two)
            final int posBit = 1 << positionComponent;
            mask &= ~posBit;
            final int prior = c.priorEpoch[s];
            if (mask != 0 || prior == ClientView.NO_PRIOR || drPubEpoch[EntityIds.index(denseHandle[d])] - prior > 0) {
                mask |= posBit & allowed;
            }
        }
        return mask;
    }

    // ------------------------------------------------------------------ inbound

    private void onAck(final Peer peer, final int typeId, final ByteBuffer payload) {
        final ClientView c = clientsById.get(peer.id());
        if (c == null) {
            return;
        }
        final long seqLong = SnapshotAck.getRootAsSnapshotAck(payload, ackReader).seq();
        if (seqLong < 1 || seqLong >= c.nextSeq) {
            return;
        }
        final int seq = (int) seqLong;
        final ClientView.Record r = c.record(seq);
        if (r == null || r.acked) {
            return;
        }
        r.acked = true;
        // applied in update(), just before this client's next snapshot: its view is then in the cache for both
        c.queueAck(seq);
    }

    /** Moves the baselines of every entity the acknowledged snapshot {@code seq} carried (its record is in the ring). */
    private void applyAck(final ClientView c, final int seq) {
        final ClientView.Record r = c.record(seq);
        if (r == null || epoch - r.epoch >= valueRing) {
            // its update's values are gone: too old to be a base
            return;
        }
        if (c.lastAckedSeq == 0 || seq - c.lastAckedSeq > 0) {
            c.lastAckedSeq = seq;
        }
        // the view's and the record's arrays in locals: the loop below is one of the zone's hottest
        final byte[] states = c.state;
        final int[] enterSeqs = c.enterSeq;
        final int[] ackedTicks = c.ackedTick;
        final int[] bases = c.bases;
        final int stride = c.baseStride;
        final int baseValues = c.baseValues;
        final int width = c.deltaWidth;
        final char[] slots = r.slots;
        final int[] itemBinds = r.binds;
        final int[] slotBinds = c.bind;
        final byte[] kinds = r.kinds;
        final int[] masks = r.masks;
        final int[] dense = r.dense;
        final int[] values = qRing[r.epoch & (valueRing - 1)];
        final int tick = r.tick;
        for (int i = 0, n = r.count; i < n; i++) {
            final int s = slots[i];
            if (slotBinds[s] != itemBinds[i]) {
                continue;   // freed since (and perhaps reused): this item no longer applies
            }
            final byte st = states[s];
            final byte kind = kinds[i];
            if (kind == ClientView.ITEM_LEAVE) {
                if (st == ClientView.LEAVING && seq - c.leaveSeq[s] >= 0) {
                    c.freeSlot(s);
                }
                continue;
            }
            final boolean full = kind != ClientView.ITEM_DELTA;
            if (full ? st != ClientView.ENTERING && st != ClientView.VISIBLE : st != ClientView.VISIBLE) {
                continue;
            }
            if (seq - enterSeqs[s] < 0) {
                continue;   // sent before the entity last entered the view
            }
            if (full) {
                states[s] = ClientView.VISIBLE;
            }
            if (tick - ackedTicks[s] > 0) {
                ackedTicks[s] = tick;
            }
            final int at = s * stride;
            if (kind == ClientView.ITEM_OWN) {
                // its values were the entity's, not its line's: no base (should the client stop owning it, it gets
                // records without one)
                bases[at + ClientView.BASE_SEQ] = 0;
                bases[at + ClientView.BASE_MASK] = 0;
                bases[at + ClientView.PRIOR_SEQ] = 0;
                c.priorEpoch[s] = ClientView.NO_PRIOR;
                continue;
            }
            final int baseSeq = bases[at + ClientView.BASE_SEQ];
            if (full ? baseSeq == 0 || seq - baseSeq > 0 : baseSeq != 0 && seq - baseSeq > 0) {
                c.shiftBase(s, seq, r.epoch, c.countRecords ? r.sentNo[i] : 0);
                if (full) {
                    bases[at + ClientView.BASE_MASK] = masks[i];
                    System.arraycopy(values, dense[i] * width, bases, at + baseValues, width);
                } else {
                    bases[at + ClientView.BASE_MASK] |= masks[i];
                    codec.overlay(masks[i], values, dense[i] * width, bases, at + baseValues);
                }
            }
        }
    }

    private void onInputs(final Peer peer, final int typeId, final ByteBuffer payload) {
        final ClientView c = clientsById.get(peer.id());
        if (c == null) {
            return;
        }
        final InputBatch batch = InputBatch.getRootAsInputBatch(payload, inputReader);
        final long last = batch.lastSeq();
        final int count = batch.count();
        if (batch.inputSize() != inputSize || count < 1 || count > MAX_INPUT_REDUNDANCY
            || batch.inputsLength() != count * inputSize || last < count || last > Integer.MAX_VALUE) {
            rejected++;
            peer.close(SyncMessageTypes.CLOSE_PROTOCOL_ERROR, "bad input batch");
            return;
        }
        final ByteVector v = batch.inputsVector(inputBytes);
        for (int i = 0; i < count; i++) {
            final int s = (int) (last - count + 1 + i);
            if (s <= c.lastAppliedInput || s - c.lastAppliedInput > inputCapacity) {
                continue;
            }
            final int slot = s & c.inputMask;
            if (c.inputSeqAt[slot] != s) {
                final int off = slot * inputSize;
                for (int j = 0; j < inputSize; j++) {
                    c.inputs[off + j] = v.get(i * inputSize + j);
                }
                c.inputSeqAt[slot] = s;
            }
            c.highestInput = Math.max(c.highestInput, s);
        }
    }

    // ------------------------------------------------------------------ stats

    /**
     * Lines published so far by dead reckoning ({@link ReplicationRules.Builder#deadReckoning}): an entity's first, and
     * each time it left its line by more than the tolerance. 0 without dead reckoning.
     *
     * @return a count
     */
    public long deadReckoningPublications() {
        return publications;
    }

    /**
     * Snapshot bytes handed to peers so far (envelopes included; skipped ones not counted).
     *
     * @return bytes
     */
    public long bytesSent() {
        return bytesSent;
    }

    /**
     * Snapshots handed to peers so far.
     *
     * @return count
     */
    public long snapshotsSent() {
        return snapshotsSent;
    }

    /**
     * Snapshots not built because of the {@linkplain #snapshotInterval(int) snapshot interval} (an update at which a
     * client was not due one).
     *
     * @return count
     */
    public long snapshotsSkipped() {
        return snapshotsSkipped;
    }

    /**
     * Snapshots not built because the client's acknowledgements lagged by more than half its snapshot ring (a slow link
     * or a slow client): such a client gets one every second update (every fourth past the whole ring) until it catches
     * up, so that its acks still name snapshots the server remembers.
     *
     * @return count
     */
    public long slowClientSkips() {
        return slowClientSkips;
    }

    /**
     * Changes how often each client gets a snapshot: every {@code updates} calls of {@link #update()}, clients spread
     * evenly over them, so that each update builds about {@code 1 / updates} of the snapshots. A zone that cannot keep
     * its tick rate sheds load this way instead of falling further behind (see
     * {@link Builder#snapshotInterval(int)}). Zone thread.
     *
     * @param updates in [1, 8]
     */
    public void snapshotInterval(final int updates) {
        this.snapshotInterval = checkSnapshotInterval(updates);
    }

    /**
     * How often each client gets a snapshot.
     *
     * @return every this many updates
     */
    public int snapshotInterval() {
        return snapshotInterval;
    }

    private static int checkSnapshotInterval(final int updates) {
        if (updates < 1 || updates > 8) {
            throw new IllegalArgumentException("snapshotInterval must be in [1, 8] updates, was " + updates);
        }
        return updates;
    }

    /**
     * Records of entities entering a client's view (full records, with their entity id) in the snapshots handed to
     * peers so far. Together with {@link #updateRecords()} and {@link #removedIds()}, it tells where snapshot bytes go:
     * many entering records against few updates means views churn (see {@link Builder#hysteresis} and
     * {@link Builder#maxVisible}).
     *
     * @return count
     */
    public long enteringRecords() {
        return enteringRecords;
    }

    /**
     * Records of entities already in a client's view (their changed fields only) in the snapshots handed to peers so
     * far; not counting the owned entity's own record, which every snapshot carries.
     *
     * @return count
     */
    public long updateRecords() {
        return updateRecords;
    }

    /**
     * Ids of entities leaving a client's view in the snapshots handed to peers so far.
     *
     * @return count
     */
    public long removedIds() {
        return removedIds;
    }

    /**
     * Interest updates that kept the nearest {@link Builder#maxVisible} because more could be in view (a crowd). The
     * update after such a one queries only a little beyond the farthest entity it kept, and counts here too when that
     * finds enough; a crowd costs a selection per update, and views churn at its edge.
     *
     * @return count
     */
    public long crowdedInterestUpdates() {
        return crowdedInterestUpdates;
    }

    /** Slot records written with the snapshot's usual shape, a 3-bit header (tests and benchmarks). */
    long usualRecords() {
        return codec.usualWritten;
    }

    /** Crowded interest updates whose query was bounded by the last one's farthest kept entity (tests). */
    long boundedInterestUpdates() {
        return boundedInterestUpdates;
    }

    /** Slot records whose fields were copied from the per-entity cache (tests and benchmarks). */
    long fieldCacheHits() {
        return fieldCacheHits;
    }

    /**
     * Messages rejected as malformed (their peer was closed).
     *
     * @return count
     */
    public long rejectedMessages() {
        return rejected;
    }

    /**
     * Inputs given up on after waiting for a gap.
     *
     * @return count
     */
    public long inputsSkipped() {
        return inputsSkipped;
    }

    /**
     * Entities in a client's view (entering, visible or leaving).
     *
     * @param peer a client
     * @return count
     */
    public int visibleCount(final Peer peer) {
        return client(peer).visibleCount();
    }

    /**
     * Size of the last snapshot built for a client.
     *
     * @param peer a client
     * @return bytes, envelope included
     */
    public int lastSnapshotBytes(final Peer peer) {
        return client(peer).lastSnapshotBytes;
    }

    /**
     * The last input sequence number applied for a client.
     *
     * @param peer a client
     * @return the sequence number, 0 before the first
     */
    public int lastAppliedInput(final Peer peer) {
        return client(peer).lastAppliedInput;
    }

    /** Settings of a {@link SyncServer}, validated by {@link #build()}. */
    public static final class Builder {
        private final World world;
        private final ReplicationRules rules;
        private Clock clock = Clock.system();
        private float cellSize = 32f;
        private float viewRadius = 64f;
        private float hysteresis = 8f;
        private int maxVisible = Integer.MAX_VALUE;
        private int interestInterval = 1;
        private int snapshotInterval = 1;
        private boolean fieldCache = true;
        private boolean boundedCrowds = true;
        private int bytesPerTick = 1400;
        private int snapshotRing = 32;
        private int viewCapacity = 64;
        private int inputSize;
        private int maxInputsPerTick = 4;
        private InputApplier applier;

        private Builder(final World world, final ReplicationRules rules) {
            this.world = Objects.requireNonNull(world, "world");
            this.rules = Objects.requireNonNull(rules, "rules");
        }

        /**
         * The clock whose time goes into snapshots (the client interpolates on it).
         *
         * @param value a clock; the system clock by default
         * @return this
         */
        public Builder clock(final Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /**
         * Side of a grid cell, in world units (about half the view radius works well).
         *
         * @param value &gt; 0; 32 by default
         * @return this
         */
        public Builder cellSize(final float value) {
            if (!(value > 0) || Float.isInfinite(value)) {
                throw new IllegalArgumentException("cellSize must be > 0 and finite, was " + value);
            }
            this.cellSize = value;
            return this;
        }

        /**
         * Entities within this distance of a client's entity enter its view.
         *
         * @param value &gt; 0; 64 by default
         * @return this
         */
        public Builder viewRadius(final float value) {
            if (!(value > 0) || Float.isInfinite(value)) {
                throw new IllegalArgumentException("viewRadius must be > 0 and finite, was " + value);
            }
            this.viewRadius = value;
            return this;
        }

        /**
         * Each client gets a snapshot every {@code updates} calls of {@link SyncServer#update()} instead of every one,
         * clients spread evenly over them: the snapshot work per update (interest, deltas, encoding; the zone's
         * largest cost with many clients) and the bytes sent drop by that factor, while the zone still ticks at its
         * rate. What clients get: snapshots at {@code 1 / updates} of the tick rate (set their interpolation delay to
         * at least two snapshot intervals), and with dead reckoning, extrapolated positions for the updates between.
         * A client's interest is then updated at each of its snapshots (the {@link #interestInterval} applies when
         * this is 1). Can be changed at run time ({@link SyncServer#snapshotInterval(int)}), for instance to shed load
         * while the zone cannot keep its tick rate.
         *
         * @param updates in [1, 8]; 1 (every update) by default
         * @return this
         */
        public Builder snapshotInterval(final int updates) {
            this.snapshotInterval = checkSnapshotInterval(updates);
            return this;
        }

        /**
         * Updates each client's visible set every {@code ticks} ticks instead of every tick, clients spread evenly
         * over the ticks (snapshots still go out every tick). Cuts the interest cost per tick by that factor; the price:
         * an entity coming into range appears up to {@code ticks - 1} ticks late, and one going out of range (beyond
         * the view radius plus the hysteresis) leaves up to as late. A despawned entity leaves at once, a new client
         * or owner change is updated at the next tick. Keep {@code ticks} x the fastest closing speed per tick well
         * under the {@link #hysteresis}.
         *
         * @param ticks in [1, 64]; 1 (every tick) by default
         * @return this
         */
        public Builder interestInterval(final int ticks) {
            if (ticks < 1 || ticks > 64) {
                throw new IllegalArgumentException("interestInterval must be in [1, 64] ticks, was " + ticks);
            }
            this.interestInterval = ticks;
            return this;
        }

        /** Tests: whether a crowded client's query is bounded by its last farthest kept entity (on by default). */
        Builder boundedCrowds(final boolean on) {
            this.boundedCrowds = on;
            return this;
        }

        /** Tests: whether slot records' fields are copied from the per-entity cache (on by default). */
        Builder fieldCache(final boolean on) {
            this.fieldCache = on;
            return this;
        }

        /**
         * The most entities a client has in view: when more are in range (a crowd in one spot), the nearest are kept,
         * its own entity always; the rest leave or do not enter. Bounds the work per client, which otherwise grows
         * with the crowd. An entity already in view ranks as if it were 10% nearer than it is, so that two entities at
         * about the same distance do not swap places every update.
         *
         * @param value at least 1; unlimited by default
         * @return this
         */
        public Builder maxVisible(final int value) {
            if (value < 1) {
                throw new IllegalArgumentException("maxVisible must be at least 1, was " + value);
            }
            this.maxVisible = value;
            return this;
        }

        /**
         * Extra distance beyond the view radius before a visible entity leaves (no flicker at the edge).
         *
         * @param value &gt;= 0; 8 by default
         * @return this
         */
        public Builder hysteresis(final float value) {
            if (!(value >= 0) || Float.isInfinite(value)) {
                throw new IllegalArgumentException("hysteresis must be >= 0 and finite, was " + value);
            }
            this.hysteresis = value;
            return this;
        }

        /**
         * Byte budget of one client's snapshot per tick (the owned entity and leaves always fit).
         *
         * @param value in [128, 262144]; 1400 by default
         * @return this
         */
        public Builder bytesPerTick(final int value) {
            if (value < 128 || value > 262_144) {
                throw new IllegalArgumentException("bytesPerTick must be in [128, 262144], was " + value);
            }
            this.bytesPerTick = value;
            return this;
        }

        /**
         * Snapshots remembered per client awaiting an ack (those sent; the update value tables cover four times as
         * many updates). A client whose acks lag by more than half of it, in updates, is sent a snapshot every second
         * update, by more than all of it every fourth, so that its acks still name remembered snapshots
         * ({@link SyncServer#slowClientSkips()}).
         *
         * @param value a power of two in [4, 1024]; 32 by default
         * @return this
         */
        public Builder snapshotRing(final int value) {
            if (value < 4 || value > 1024 || Integer.bitCount(value) != 1) {
                throw new IllegalArgumentException("snapshotRing must be a power of two in [4, 1024], was " + value);
            }
            this.snapshotRing = value;
            return this;
        }

        /**
         * Entities a client is expected to have in view at most: its tables (view slots, the slot index, each of its
         * {@code snapshotRing} remembered snapshots) start at this size, so a zone whose views stay within it never
         * grows them while running (they still grow past it, by doubling, up to 65,536 slots: entities beyond that
         * do not enter). Memory: about {@code value * (77 + 8 * d + 19 * snapshotRing)} bytes per client, {@code d}
         * being the number of bounded-float and angle fields of the rules, and {@code 4 * d * snapshotRing} bytes per
         * replicated entity for the zone (the quantized values of the last {@code snapshotRing} updates: what a
         * snapshot sent becomes the base of the next deltas when it is acknowledged).
         *
         * @param value in [8, 65536]; 64 by default
         * @return this
         */
        public Builder viewCapacity(final int value) {
            if (value < 8 || value > 65_536) {
                throw new IllegalArgumentException("viewCapacity must be in [8, 65536], was " + value);
            }
            this.viewCapacity = value;
            return this;
        }

        /**
         * Accepts player inputs of a fixed size and applies them to the owned entity in {@link #applyInputs()}.
         *
         * @param size bytes per input, in [1, 64]
         * @param inputApplier applies one input
         * @return this
         */
        public Builder inputs(final int size, final InputApplier inputApplier) {
            if (size < 1 || size > 64) {
                throw new IllegalArgumentException("input size must be in [1, 64], was " + size);
            }
            this.inputSize = size;
            this.applier = Objects.requireNonNull(inputApplier, "inputApplier");
            return this;
        }

        /**
         * Most inputs applied per client per {@link #applyInputs()} (catch-up after jitter, bounded).
         *
         * @param value in [1, 64]; 4 by default
         * @return this
         */
        public Builder maxInputsPerTick(final int value) {
            if (value < 1 || value > 64) {
                throw new IllegalArgumentException("maxInputsPerTick must be in [1, 64], was " + value);
            }
            this.maxInputsPerTick = value;
            return this;
        }

        /**
         * Builds the server.
         *
         * @return the server
         */
        public SyncServer build() {
            for (final ComponentType t : rules.components) {
                if (!world.components().contains(t)) {
                    throw new IllegalArgumentException("the world does not register replicated component " + t);
                }
            }
            return new SyncServer(this);
        }
    }
}

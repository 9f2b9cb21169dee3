package org.mmosdk.examples.arena;

import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.ByteBuf;
import org.agrona.collections.Long2ObjectHashMap;
import org.mmosdk.core.peer.Peer;
import org.mmosdk.core.time.SystemClock;
import org.mmosdk.core.stats.StatsRegistry;
import org.mmosdk.core.wire.MessageDispatcher;
import org.mmosdk.core.wire.MessageHandler;
import org.mmosdk.core.wire.MessageRegistry;
import org.mmosdk.core.wire.WireSchema;
import org.mmosdk.net.Session;
import org.mmosdk.sync.SyncMessageTypes;
import org.mmosdk.sync.lockstep.DesyncReport;
import org.mmosdk.sync.lockstep.LockstepServer;
import org.mmosdk.sync.wire.fb.HashReport;
import org.mmosdk.sync.wire.fb.KeyOp;
import org.mmosdk.sync.wire.fb.LockstepInput;
import org.mmosdk.sync.wire.fb.ProbeReply;

/**
 * The arena's lockstep rooms: players whose client name starts with {@code duelist} are paired into two-player
 * {@link Duel} rooms. Each room is hybrid: it runs the duel itself, sends a keyframe hash every
 * {@value #KEYFRAME_EVERY} frames, compares the hashes the players report and names the first differing frame,
 * player, entity and component if they ever disagree (logged and counted).
 *
 * <p>Threads: the zone thread only, like the rest of the arena's state.
 */
final class DuelHall {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DuelHall.class);
    /** The design default: a keyframe (state hash) every 5 frames. */
    static final int KEYFRAME_EVERY = 5;

    /** The frames a duel player sends, with the caps the gateway enforces before the zone sees them. */
    static <C> MessageRegistry.Builder<C> registerForGateway(final MessageRegistry.Builder<C> registry,
                                                             final MessageHandler<C> handler) {
        final WireSchema schema = SyncMessageTypes.schema();
        return registry
            .register(SyncMessageTypes.LOCKSTEP_INPUT, schema.table(LockstepInput.class), 1024, handler)
            .register(SyncMessageTypes.KEY_OP, schema.table(KeyOp.class), 1024 + 64, handler)
            .register(SyncMessageTypes.HASH_REPORT, schema.table(HashReport.class), 64 * 8 + 64, handler)
            .register(SyncMessageTypes.PROBE_REPLY, schema.table(ProbeReply.class), 64 * 1024, handler);
    }

    /** Whether a message type belongs to a duel room. */
    static boolean isDuelMessage(final int type) {
        return type == SyncMessageTypes.LOCKSTEP_INPUT || type == SyncMessageTypes.KEY_OP
            || type == SyncMessageTypes.HASH_REPORT || type == SyncMessageTypes.PROBE_REPLY;
    }

    private static final class Room {
        final LockstepServer server;
        final MessageDispatcher<Peer> dispatcher;
        int players;

        Room(final LockstepServer server) {
            this.server = server;
            this.dispatcher = server.registerHandlers(MessageRegistry.<Peer>builder()).build().newDispatcher();
        }
    }

    private final List<Room> rooms = new ArrayList<>();
    private final Long2ObjectHashMap<Room> roomOf = new Long2ObjectHashMap<>();
    private final StatsRegistry stats;
    private long desyncs;
    /** For the metrics thread. */
    private volatile int roomCount;

    DuelHall(final StatsRegistry stats) {
        this.stats = stats;
        stats.gauge("arena.duel.rooms", "lockstep duel rooms", () -> roomCount);
    }

    /** Puts a player into a room with a free slot, or a new room. */
    void join(final Session session) {
        Room room = null;
        for (final Room r : rooms) {
            if (r.players < 2) {
                room = r;
                break;
            }
        }
        if (room == null) {
            room = new Room(LockstepServer.builder(Duel::newWorld, Duel.STEP_FRAME).clock(SystemClock.INSTANCE)
                .frameRate(Game.TICK_HZ).players(2).inputSize(Duel.INPUT_SIZE)
                .keyframeEvery(KEYFRAME_EVERY)
                .onDesync(this::onDesync)
                .build());
            rooms.add(room);
        }
        room.server.addPlayer(session);
        room.players++;
        roomOf.put(session.id(), room);
    }

    /** Takes a player out of its room; an empty room closes. */
    void leave(final Session session) {
        final Room room = roomOf.remove(session.id());
        if (room != null) {
            room.server.removePlayer(session);
            if (--room.players == 0) {
                rooms.remove(room);
            }
        }
    }

    /**
     * Hands a duel message to the sender's room.
     *
     * @return a {@code WireError} code
     */
    int dispatch(final Session session, final ByteBuf frame) {
        final Room room = roomOf.get(session.id());
        if (room == null) {
            return org.mmosdk.core.wire.WireError.OK;   // not (or no longer) in a duel: nothing to do
        }
        return room.dispatcher.dispatch(session, frame);
    }

    /** Seals due frames, simulates and sends, in every room. */
    void update() {
        for (int i = 0; i < rooms.size(); i++) {
            rooms.get(i).server.update();
        }
        roomCount = rooms.size();
    }

    int rooms() {
        return rooms.size();
    }

    /** Frames sealed so far, summed over the open rooms. */
    long framesSealed() {
        long n = 0;
        for (final Room r : rooms) {
            n += r.server.sealedFrames();
        }
        return n;
    }

    long desyncs() {
        return desyncs;
    }

    private void onDesync(final DesyncReport report) {
        desyncs++;
        stats.counter("arena.duel.desyncs", "duel desyncs detected").increment();
        LOG.warn("duel desync: {}", report);
    }
}

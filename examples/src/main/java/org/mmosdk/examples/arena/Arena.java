package org.mmosdk.examples.arena;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import com.google.flatbuffers.FlatBufferBuilder;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.netty.buffer.ByteBuf;
import org.agrona.collections.Long2ObjectHashMap;
import org.mmosdk.core.peer.Delivery;
import org.mmosdk.core.peer.Peer;
import org.mmosdk.core.stats.StatsRegistry;
import org.mmosdk.core.tick.TickLoop;
import org.mmosdk.core.wire.Envelope;
import org.mmosdk.core.wire.EnvelopeWriter;
import org.mmosdk.core.wire.MessageDispatcher;
import org.mmosdk.core.wire.MessageHandler;
import org.mmosdk.core.wire.MessageRegistry;
import org.mmosdk.core.wire.WireError;
import org.mmosdk.ecs.Archetype;
import org.mmosdk.ecs.Chunk;
import org.mmosdk.ecs.Query;
import org.mmosdk.ecs.Schedule;
import org.mmosdk.ecs.World;
import org.mmosdk.examples.arena.fb.Cast;
import org.mmosdk.examples.arena.fb.CastResult;
import org.mmosdk.examples.arena.fb.Steer;
import org.mmosdk.examples.arena.fb.View;
import org.mmosdk.examples.arena.fb.ViewEntity;
import org.mmosdk.net.Authenticator;
import org.mmosdk.net.CloseReason;
import org.mmosdk.net.Gateway;
import org.mmosdk.net.RateLimitPolicy;
import org.mmosdk.net.Session;
import org.mmosdk.net.SessionListener;
import org.mmosdk.sync.SyncMessageTypes;
import org.mmosdk.sync.SyncServer;
import org.mmosdk.sync.wire.fb.InputBatch;
import org.mmosdk.sync.wire.fb.SnapshotAck;

import static org.mmosdk.examples.arena.Game.*;

/**
 * The arena's server: one zone (a world with wandering NPCs and players) on a 20 Hz tick loop, TCP and WebSocket
 * gateways in front of it, state sync to bots, a reliable skill cast, lockstep duels ({@link DuelHall}) for bots named
 * {@code duelist-*}, and a plain "view" message for browsers.
 *
 * <p>Threads: the gateway's I/O threads only queue what they receive ({@link #inbox}); everything else — the world,
 * the sync server, the players — belongs to the zone thread of {@link #loop}. {@link #start()} and {@link #close()}
 * are called by the owner.
 */
final class Arena implements AutoCloseable {
    /** A browser viewer sends this as its Hello client name; bots send anything else. */
    static final String VIEWER_NAME = "viewer";
    /** A bot whose client name starts with this also fights in a lockstep duel. */
    static final String DUELIST_NAME = "duelist";
    private static final float VIEW_RADIUS = 100f;
    private static final float BROWSER_VIEW_RADIUS = 160f;
    /**
     * Players appear in a square in the middle of the map, where the NPCs are too, so that there is something to see:
     * at least this wide, and wider as players come, so that each sees about {@link #PLAYERS_IN_VIEW} others (a crowd
     * of 2,000 bots would otherwise stand 500 to a view).
     */
    private static final float MIN_SPAWN_AREA = 400f;
    private static final int PLAYERS_IN_VIEW = 100;
    /** The most entities (players and NPCs) a player has in view: the nearest. */
    private static final int MAX_VISIBLE = 100;

    final StatsRegistry stats = new StatsRegistry();
    final TickLoop loop;
    final Gateway gateway;
    private final World world;
    private final SyncServer sync;
    private final Schedule schedule;
    private final Archetype npcType;
    private final Archetype botType;
    private final Archetype viewerType;
    private final Query positions;
    private final Query wanderers;

    /** Filled by I/O threads, drained by the zone at the start of each tick. */
    private final Queue<Inbound> inbox = new ConcurrentLinkedQueue<>();
    private final MessageDispatcher<Peer> dispatcher;
    private final DuelHall duels;

    // zone-thread state
    private final Long2ObjectHashMap<Player> players = new Long2ObjectHashMap<>();
    private final List<Player> viewers = new ArrayList<>();
    private final SplittableRandom random = new SplittableRandom(7);
    private final EnvelopeWriter out = new EnvelopeWriter(16 * 1024);
    private final java.util.function.Consumer<Chunk> wanderChunk = this::wanderChunk;
    private final Cast cast = new Cast();
    private final Steer steer = new Steer();
    private long lastTickNanos;
    private final int[] viewId = new int[4096];
    private final int[] viewKind = new int[4096];
    private final float[] viewX = new float[4096];
    private final float[] viewY = new float[4096];

    // instruments beyond the SDK's own (which the StatsRegistry holds)
    private final Timer tickTimer;
    private final DistributionSummary snapshotBytes;
    private final MeterRegistry meters;

    /** What an I/O thread hands to the zone: a session that opened or closed, or a message (frame != null). */
    private record Inbound(Session session, ByteBuf frame, boolean opened) {
    }

    /** One connected player; zone thread only. */
    private static final class Player {
        final Session session;
        final long entity;
        final boolean viewer;
        long lastCastId;
        boolean lastOk;
        int lastHits;
        int lastTick;

        Player(final Session session, final long entity, final boolean viewer) {
            this.session = session;
            this.entity = entity;
            this.viewer = viewer;
        }
    }

    Arena(final ArenaOptions options, final MeterRegistry meters) {
        this.meters = meters;
        world = World.builder().components(POSITION, HEADING, WANDER, WALK, PLAYER).initialEntities(8192).build();
        npcType = world.archetype(POSITION, HEADING, WANDER);
        botType = world.archetype(POSITION, HEADING, PLAYER);
        viewerType = world.archetype(POSITION, HEADING, PLAYER, WALK);
        positions = world.query().all(POSITION).build();
        wanderers = world.query().all(POSITION, WANDER).build();
        for (int i = 0; i < options.npcs(); i++) {
            final long npc = world.create(npcType);
            // denser in the middle (half of them within 600 m of the centre), the rest anywhere
            final float spread = i % 2 == 0 ? 600f : SIZE;
            world.set(npc, X, clamp(SIZE / 2 + (float) random.nextDouble(-spread / 2, spread / 2)));
            world.set(npc, Y, clamp(SIZE / 2 + (float) random.nextDouble(-spread / 2, spread / 2)));
            world.set(npc, YAW, (float) random.nextDouble(-Math.PI, Math.PI));
            world.set(npc, TURN_IN, random.nextInt(100));
        }

        // each player's visible set is refreshed every other tick (half the players per tick), which halves the cost of
        // interest; two players close in by at most 1.2 m in 2 ticks, well inside the 10 m hysteresis. In a crowd a
        // player sees the nearest 100 entities, so that its cost stops growing with the crowd
        sync = SyncServer.builder(world, RULES).viewRadius(VIEW_RADIUS).cellSize(50).hysteresis(10).interestInterval(2)
            .maxVisible(MAX_VISIBLE).bytesPerTick(1200).inputs(INPUT_SIZE, MOVE)
            .snapshotInterval(Math.max(1, options.snapshotInterval())).build();
        adaptiveSnapshots = options.snapshotInterval() == 0;
        snapshotEvery = sync.snapshotInterval();
        schedule = Schedule.builder(world).stats(stats)
            .add("wander", this::wander)
            .add("walk", this::walk)
            .build();

        // the zone reads messages with its own dispatcher: mmo-sync's acks and inputs, and the arena's messages
        final MessageHandler<Peer> onCast = this::onCast;
        final MessageHandler<Peer> onSteer = this::onSteer;
        dispatcher = sync.registerHandlers(MessageRegistry.<Peer>builder())
            .register(CAST, schema().table(Cast.class), 64, onCast)
            .register(STEER, schema().table(Steer.class), 64, onSteer)
            .build().newDispatcher();

        // the gateway verifies the same messages on its I/O threads and passes the frames to the zone untouched
        final MessageHandler<Session> toZone = (session, type, payload) ->
            inbox.add(new Inbound(session, session.retainCurrentFrame(), false));
        final MessageRegistry<Session> gatewayMessages = DuelHall.registerForGateway(MessageRegistry.<Session>builder(), toZone)
            .register(SyncMessageTypes.SNAPSHOT_ACK, SyncMessageTypes.schema().table(SnapshotAck.class), 64, toZone)
            .register(SyncMessageTypes.INPUT_BATCH, SyncMessageTypes.schema().table(InputBatch.class), 2304, toZone)
            .register(CAST, schema().table(Cast.class), 64, toZone)
            .register(STEER, schema().table(Steer.class), 64, toZone)
            .build();
        duels = new DuelHall(stats);
        gateway = Gateway.builder()
            .host(options.host()).tcpPort(options.tcpPort()).webSocketPort(options.wsPort()).webSocketPath("/game")
            .authenticator(Authenticator.allowAll())          // a real game checks a token (HmacTokenAuthenticator)
            .messages(gatewayMessages)
            .listener(new SessionListener() {
                @Override
                public void onOpen(final Session session) {
                    inbox.add(new Inbound(session, null, true));
                }

                @Override
                public void onClose(final Session session, final CloseReason reason) {
                    inbox.add(new Inbound(session, null, false));
                }
            })
            .resume(Duration.ofSeconds(20), 4096, 1 << 20)  // a dropped bot keeps its player for 20 s
            .maxConnections(50_000, 50_000)                  // every bot comes from 127.0.0.1
            .rateLimit(400, 800, RateLimitPolicy.CLOSE)
            .tickRateHz(TICK_HZ)
            .stats(stats)
            .build();

        loop = TickLoop.builder(this::tick).name("arena").tickRate(TICK_HZ).stats(stats).build();
        tickTimer = Timer.builder("arena.tick").description("time to run one zone tick")
            .publishPercentileHistogram().maximumExpectedValue(Duration.ofMillis(200)).register(meters);
        snapshotBytes = DistributionSummary.builder("arena.snapshot.bytes").baseUnit("bytes")
            .description("bytes of one client's snapshot").publishPercentileHistogram()
            .maximumExpectedValue(16_384.0).register(meters);
        stats.gauge("arena.players", "players in the zone (bots and viewers)", () -> playerCount);
        stats.gauge("arena.entities", "entities in the zone", () -> entityCount);
        stats.gauge("arena.sync.lines.published", "dead-reckoning lines published so far (an entity turned, stopped or "
            + "drifted off its line; clients are sent positions only then)", () -> linesPublished);
        stats.gauge("arena.sync.records.entering", "full records of entities entering a player's view, sent so far",
            () -> enteringRecords);
        stats.gauge("arena.sync.records.update", "records of changed entities already in a player's view, sent so far",
            () -> updateRecords);
        stats.gauge("arena.sync.removed", "ids of entities leaving a player's view, sent so far", () -> removedIds);
        stats.gauge("arena.sync.snapshot.interval", "ticks between a player's snapshots (above 1 while the zone sheds load)",
            () -> snapshotEvery);
        stats.gauge("arena.sync.interest.crowded", "interest updates that found more than " + MAX_VISIBLE
            + " entities in range and kept the nearest", () -> crowdedInterest);
        world.releaseThread();   // built here, run by the zone thread: it takes the world over on its first tick
    }

    private volatile int playerCount;
    private volatile int entityCount;
    private volatile long linesPublished;
    private final boolean adaptiveSnapshots;
    private final LoadShedding shedding = new LoadShedding(1_000_000_000L / TICK_HZ, TICK_HZ, 4);
    private volatile int snapshotEvery = 1;
    private volatile long enteringRecords;
    private volatile long updateRecords;
    private volatile long removedIds;
    private volatile long crowdedInterest;

    Arena start() {
        gateway.start();
        loop.start();
        return this;
    }

    /** Duel rooms open, frames sealed in them, desyncs detected; read by the status line (any thread, racy). */
    String duelStatus() {
        return duelStatus;
    }

    private volatile String duelStatus = "duels 0";

    InetSocketAddress tcpAddress() {
        return gateway.tcpAddress();
    }

    InetSocketAddress webSocketAddress() {
        return gateway.webSocketAddress();
    }

    /** One zone tick, on the zone thread. */
    private void tick(final long tick) {
        final long start = System.nanoTime();
        drainInbox();
        sync.applyInputs();      // bots' inputs, in order, once each
        schedule.run();          // NPCs wander, viewers walk; advances the world's tick
        sync.update();           // one snapshot per bot: what entered, changed or left its view
        duels.update();          // lockstep duels: seal due frames, simulate, send frames and keyframe hashes
        sendViews();
        for (final Player p : players.values()) {
            if (!p.viewer) {
                final int bytes = sync.lastSnapshotBytes(p.session);
                if (bytes > 0) {
                    snapshotBytes.record(bytes);
                }
            }
        }
        gateway.sessions().flushAll();   // one write per session per tick
        playerCount = players.size();
        if (world.tick() % TICK_HZ == 0) {
            duelStatus = "duels " + duels.rooms() + " (" + duels.framesSealed() + " frames, " + duels.desyncs() + " desyncs)";
        }
        entityCount = world.entityCount();
        linesPublished = sync.deadReckoningPublications();
        enteringRecords = sync.enteringRecords();
        updateRecords = sync.updateRecords();
        removedIds = sync.removedIds();
        crowdedInterest = sync.crowdedInterestUpdates();
        lastTickNanos = System.nanoTime() - start;
        tickTimer.record(lastTickNanos, TimeUnit.NANOSECONDS);
        if (adaptiveSnapshots) {
            shedLoad(lastTickNanos);
        }
    }

    /** Load shedding (see {@link LoadShedding}): the snapshot interval for the next tick. */
    private void shedLoad(final long tickNanos) {
        final int every = shedding.next(tickNanos, sync.snapshotInterval());
        if (every != sync.snapshotInterval()) {
            sync.snapshotInterval(every);
        }
        snapshotEvery = every;
    }

    /** Ticks between a player's snapshots now (1 unless the zone is shedding load). */
    int snapshotEvery() {
        return snapshotEvery;
    }

    private void drainInbox() {
        Inbound in;
        while ((in = inbox.poll()) != null) {
            if (in.frame() != null) {
                try {
                    final int type = Envelope.typeId(in.frame(), in.frame().readerIndex());
                    final int rc = DuelHall.isDuelMessage(type)
                        ? duels.dispatch(in.session(), in.frame())      // to the sender's duel room
                        : dispatcher.dispatch(in.session(), in.frame());
                    if (rc != WireError.OK) {
                        stats.counter("arena.messages.rejected", "messages the zone refused", "reason", WireError.name(rc))
                            .increment();
                    }
                } finally {
                    in.frame().release();
                }
            } else if (in.opened()) {
                join(in.session());
            } else {
                leave(in.session());
            }
        }
    }

    private void join(final Session session) {
        final boolean viewer = session.principal().startsWith(VIEWER_NAME);
        final long e = world.create(viewer ? viewerType : botType);
        final float side = (float) Math.max(MIN_SPAWN_AREA,
            Math.sqrt(players.size() * Math.PI * VIEW_RADIUS * VIEW_RADIUS / PLAYERS_IN_VIEW));
        final float half = viewer ? 0f : Math.min(SIZE, side) / 2;
        world.set(e, X, SIZE / 2 + (float) random.nextDouble(-half - 1, half + 1));
        world.set(e, Y, SIZE / 2 + (float) random.nextDouble(-half - 1, half + 1));
        final Player p = new Player(session, e, viewer);
        players.put(session.id(), p);
        if (viewer) {
            viewers.add(p);
        } else {
            sync.addClient(session, e);
        }
        if (session.principal().startsWith(DUELIST_NAME)) {
            duels.join(session);
        }
    }

    private void leave(final Session session) {
        final Player p = players.remove(session.id());
        if (p != null) {
            if (p.viewer) {
                viewers.remove(p);
            } else {
                sync.removeClient(session);
            }
            duels.leave(session);
            world.destroy(p.entity);
        }
    }

    /** NPCs walk straight on and turn now and then, bouncing off the edges. Loops over raw chunk columns. */
    private void wander(final World w) {
        wanderers.forEachChunk(wanderChunk);
    }

    private void wanderChunk(final Chunk chunk) {
        final float[] x = chunk.writeFloats(X);
        final float[] y = chunk.writeFloats(Y);
        // read-only: a writable column marks Heading changed for every NPC of the chunk, and changed components go out;
        // a turn is written through the world, for that NPC alone
        final float[] yaw = chunk.floats(YAW);
        final float[] turnIn = chunk.writeFloats(TURN_IN);
        final long[] ids = chunk.entities();
        for (int i = 0, n = chunk.size(); i < n; i++) {
            float heading = yaw[i];
            boolean turned = false;
            if (--turnIn[i] <= 0) {
                heading += (float) random.nextDouble(-1.2, 1.2);
                turnIn[i] = 20 + random.nextInt(80);
                turned = true;
            }
            final float nx = x[i] + (float) Math.cos(heading) * NPC_STEP;
            final float ny = y[i] + (float) Math.sin(heading) * NPC_STEP;
            if (nx <= 0 || nx >= SIZE || ny <= 0 || ny >= SIZE) {
                heading += (float) Math.PI;   // bounce, try again next tick
                turned = true;
            } else {
                x[i] = nx;
                y[i] = ny;
            }
            if (turned) {
                world.set(ids[i], YAW, heading);
            }
        }
    }

    /** Browser viewers walk in the direction their last Steer gave. */
    private void walk(final World w) {
        for (final Player p : viewers) {
            final float dx = w.get(p.entity, WALK_DX);
            final float dy = w.get(p.entity, WALK_DY);
            if (dx != 0 || dy != 0) {
                w.set(p.entity, X, clamp(w.get(p.entity, X) + dx * PLAYER_STEP));
                w.set(p.entity, Y, clamp(w.get(p.entity, Y) + dy * PLAYER_STEP));
                final float yaw = (float) Math.atan2(dy, dx);
                if (w.get(p.entity, YAW) != yaw) {
                    w.set(p.entity, YAW, yaw);
                }
            }
        }
    }

    /**
     * The "key operation": a skill cast must not be lost nor applied twice. The client sends it again until it sees
     * the result (e.g. after its connection dropped and it resumed); the result goes back as a RELIABLE message,
     * which the gateway numbers, keeps until the client acknowledges it and resends after a resume.
     */
    private void onCast(final Peer peer, final int type, final ByteBuffer payload) {
        final Player p = players.get(peer.id());
        if (p == null) {
            return;
        }
        final long id = Cast.getRootAsCast(payload, cast).castId();
        if (id < p.lastCastId) {
            return;                                  // an old retry overtaken by a newer cast: nothing to answer
        }
        if (id > p.lastCastId) {                     // a new cast: apply it once
            p.lastCastId = id;
            p.lastHits = countWithin(world.get(p.entity, X), world.get(p.entity, Y), CAST_REACH) - 1;
            p.lastOk = p.lastHits > 0;
            p.lastTick = world.tick();
            stats.counter("arena.casts", "skill casts applied").increment();
        } else {
            stats.counter("arena.casts.repeated", "casts received again and answered with the first result").increment();
        }
        final FlatBufferBuilder b = out.begin(CAST_RESULT);
        p.session.send(out.finish(CastResult.createCastResult(b, id, p.lastOk, p.lastTick, p.lastHits)), Delivery.RELIABLE);
    }

    private void onSteer(final Peer peer, final int type, final ByteBuffer payload) {
        final Player p = players.get(peer.id());
        if (p != null && p.viewer) {
            final Steer s = Steer.getRootAsSteer(payload, steer);
            world.set(p.entity, WALK_DX, Math.max(-1, Math.min(1, s.dx())));
            world.set(p.entity, WALK_DY, Math.max(-1, Math.min(1, s.dy())));
        }
    }

    private int countWithin(final float cx, final float cy, final float radius) {
        int n = 0;
        final float r2 = radius * radius;
        for (int a = 0; a < positions.archetypeCount(); a++) {
            final Archetype type = positions.archetype(a);
            for (int c = 0; c < type.chunkCount(); c++) {
                final Chunk chunk = type.chunk(c);
                final float[] x = chunk.floats(X);
                final float[] y = chunk.floats(Y);
                for (int i = 0, size = chunk.size(); i < size; i++) {
                    final float dx = x[i] - cx;
                    final float dy = y[i] - cy;
                    if (dx * dx + dy * dy <= r2) {
                        n++;
                    }
                }
            }
        }
        return n;
    }

    /**
     * Browsers get a plain View (positions as floats, see arena.fbs) rather than mmo-sync's bit-packed snapshot, so
     * the page needs nothing but the generated FlatBuffers code. A handful of viewers: a linear scan is fine.
     */
    private void sendViews() {
        for (final Player v : viewers) {
            final float cx = world.get(v.entity, X);
            final float cy = world.get(v.entity, Y);
            final float r2 = BROWSER_VIEW_RADIUS * BROWSER_VIEW_RADIUS;
            int count = 0;
            for (int a = 0; a < positions.archetypeCount(); a++) {
                final Archetype type = positions.archetype(a);
                final int kind = type.has(PLAYER) ? 1 : 0;
                for (int c = 0; c < type.chunkCount(); c++) {
                    final Chunk chunk = type.chunk(c);
                    final float[] x = chunk.floats(X);
                    final float[] y = chunk.floats(Y);
                    for (int i = 0, size = chunk.size(); i < size && count < viewX.length; i++) {
                        final float dx = x[i] - cx;
                        final float dy = y[i] - cy;
                        if (dx * dx + dy * dy <= r2) {
                            final long e = chunk.entity(i);
                            viewId[count] = Long.hashCode(e);
                            viewKind[count] = e == v.entity ? 2 : kind;
                            viewX[count] = x[i];
                            viewY[count] = y[i];
                            count++;
                        }
                    }
                }
            }
            final FlatBufferBuilder b = out.begin(VIEW);
            View.startEntitiesVector(b, count);
            for (int i = count - 1; i >= 0; i--) {
                ViewEntity.createViewEntity(b, viewId[i], viewKind[i], viewX[i], viewY[i]);
            }
            final int entities = b.endVector();
            final int view = View.createView(b, world.tick(), System.nanoTime(), (int) Math.min(lastTickNanos, Integer.MAX_VALUE),
                players.size(), cx, cy, entities);
            v.session.send(out.finish(view), Delivery.DROPPABLE);
        }
    }

    /**
     * Stops in the order that tells players first: the gateway sends every client a Close (SHUTDOWN) and waits for
     * them to leave, then the zone loop stops and the frames still queued are released.
     */
    @Override
    public void close() {
        gateway.shutdown(Duration.ofSeconds(2));
        loop.close();
        Inbound in;
        while ((in = inbox.poll()) != null) {
            if (in.frame() != null) {
                in.frame().release();
            }
        }
        meters.remove(tickTimer);
    }
}

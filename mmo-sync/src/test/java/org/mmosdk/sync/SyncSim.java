package org.mmosdk.sync;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.mmosdk.core.id.EntityIds;
import org.mmosdk.core.peer.Peer;
import org.mmosdk.core.time.VirtualClock;
import org.mmosdk.core.wire.MessageDispatcher;
import org.mmosdk.core.wire.MessageRegistry;
import org.mmosdk.core.wire.WireError;
import org.mmosdk.ecs.Archetype;
import org.mmosdk.ecs.ComponentType;
import org.mmosdk.ecs.FloatField;
import org.mmosdk.ecs.IntField;
import org.mmosdk.ecs.World;
import org.mmosdk.sync.sim.LinkConditions;
import org.mmosdk.sync.sim.SimNetwork;
import org.mmosdk.sync.sim.SimPeer;

/** A server zone and N clients on a simulated network, all driven by one seed and a virtual clock. */
final class SyncSim {
    static final ComponentType.Builder POS_B = ComponentType.builder("Position");
    static final FloatField X = POS_B.floatField("x");
    static final FloatField Y = POS_B.floatField("y");
    static final ComponentType POSITION = POS_B.build();

    static final ComponentType.Builder HEADING_B = ComponentType.builder("Heading");
    static final FloatField YAW = HEADING_B.floatField("yaw");
    static final ComponentType HEADING = HEADING_B.build();

    static final ComponentType.Builder STAMINA_B = ComponentType.builder("Stamina");
    static final IntField STAMINA = STAMINA_B.intField("value");
    static final ComponentType STAMINA_T = STAMINA_B.build();

    static final float WORLD = 256f;
    static final long TICK_NANOS = 50_000_000L;
    static final int INPUT_SIZE = 2;
    static final float SPEED = 0.1f;

    static final ReplicationRules RULES = ReplicationRules.builder()
        .position(X, Y)
        .quantize(X, -WORLD, WORLD, 20)
        .quantize(Y, -WORLD, WORLD, 20)
        .component(HEADING, Visibility.EVERYONE)
        .angle(YAW, 12)
        .component(STAMINA_T, Visibility.OWNER_ONLY)
        .interpolate(X, Y, YAW)
        .build();

    /** Dead reckoning within {@link #DR_TOLERANCE} units; otherwise {@link #RULES}. */
    static final float DR_TOLERANCE = 0.05f;
    static final ReplicationRules DR_RULES = ReplicationRules.builder()
        .position(X, Y)
        .quantize(X, -WORLD, WORLD, 20)
        .quantize(Y, -WORLD, WORLD, 20)
        .deadReckoning(DR_TOLERANCE)
        .component(HEADING, Visibility.EVERYONE)
        .angle(YAW, 12)
        .component(STAMINA_T, Visibility.OWNER_ONLY)
        .interpolate(X, Y, YAW)
        .build();

    /** Moves the entity by (dx, dy) * SPEED, deterministic, clamped to the world. */
    static final InputApplier MOVE = (world, entity, input, offset) -> {
        world.set(entity, X, clamp(world.get(entity, X) + input[offset] * SPEED));
        world.set(entity, Y, clamp(world.get(entity, Y) + input[offset + 1] * SPEED));
    };

    static float clamp(final float v) {
        return Math.max(-WORLD, Math.min(WORLD, v));
    }

    final VirtualClock clock = new VirtualClock();
    final SimNetwork net;
    final SplittableRandom rng;
    final World server;
    final SyncServer sync;
    final MessageDispatcher<Peer> serverDispatch;
    final Archetype npcArchetype;
    final List<Long> npcs = new ArrayList<>();
    final List<Client> clients = new ArrayList<>();
    boolean npcsMove = true;
    /** NPCs walk straight lines (0.5 units per tick), turning about once in 30 ticks, instead of jittering. */
    boolean npcsWalkStraight;
    final ReplicationRules rules;
    /** Server positions per server tick of a snapshot (what the snapshots of that update were built from), the last 64. */
    final java.util.Map<Integer, java.util.Map<Long, float[]>> history = new java.util.HashMap<>();
    private final org.mmosdk.ecs.Query withPosition;
    boolean churn;
    boolean playersMove = true;
    int dispatchErrors;
    long maxSnapshotBytes;

    /** One client. */
    final class Client {
        final World mirror = World.builder().components(POSITION, HEADING, STAMINA_T).build();
        final SimPeer atServer;
        final SimPeer atClient;
        final SyncClient sync;
        final MessageDispatcher<Peer> dispatch;
        final long player;
        final byte[] input = new byte[INPUT_SIZE];

        Client(final int i, final LinkConditions conditions) {
            this(i, conditions, true);
        }

        Client(final int i, final LinkConditions conditions, final boolean interpolation) {
            final SimPeer[] link = net.connect(1000 + i, 2000 + i, conditions);
            atServer = link[0];
            atClient = link[1];
            sync = SyncClient.builder(mirror, rules, atClient).clock(clock)
                .interpolationDelayNanos(2 * TICK_NANOS).interpolation(interpolation).inputs(INPUT_SIZE, MOVE).build();
            dispatch = sync.registerHandlers(MessageRegistry.<Peer>builder()).build().newDispatcher();
            atClient.onReceive((peer, msg) -> check(dispatch.dispatch(peer, msg, msg.position(), msg.remaining())));
            atServer.onReceive((peer, msg) -> check(serverDispatch.dispatch(peer, msg, msg.position(), msg.remaining())));
            player = server.create(server.archetype(POSITION, HEADING, STAMINA_T));
            server.set(player, X, (float) rng.nextDouble(-WORLD / 2, WORLD / 2));
            server.set(player, Y, (float) rng.nextDouble(-WORLD / 2, WORLD / 2));
            server.set(player, STAMINA, 100);
        }
    }

    private void check(final int rc) {
        if (rc != WireError.OK) {
            dispatchErrors++;
        }
    }

    SyncSim(final long seed, final int clientCount, final int npcCount, final LinkConditions conditions, final int bytesPerTick) {
        this(seed, clientCount, npcCount, conditions, bytesPerTick, 1);
    }

    SyncSim(final long seed, final int clientCount, final int npcCount, final LinkConditions conditions, final int bytesPerTick,
        final int interestInterval) {
        this(seed, clientCount, npcCount, conditions, bytesPerTick, interestInterval, true);
    }

    SyncSim(final long seed, final int clientCount, final int npcCount, final LinkConditions conditions, final int bytesPerTick,
        final int interestInterval, final boolean fieldCache) {
        this(seed, clientCount, npcCount, conditions, bytesPerTick, interestInterval, fieldCache, Integer.MAX_VALUE);
    }

    SyncSim(final long seed, final int clientCount, final int npcCount, final LinkConditions conditions, final int bytesPerTick,
        final int interestInterval, final boolean fieldCache, final int maxVisible) {
        this(seed, clientCount, npcCount, conditions, bytesPerTick, interestInterval, fieldCache, maxVisible, RULES);
    }

    SyncSim(final long seed, final int clientCount, final int npcCount, final LinkConditions conditions, final int bytesPerTick,
        final int interestInterval, final boolean fieldCache, final int maxVisible, final ReplicationRules rules) {
        this(seed, clientCount, npcCount, conditions, bytesPerTick, interestInterval, fieldCache, maxVisible, rules, true);
    }

    SyncSim(final long seed, final int clientCount, final int npcCount, final LinkConditions conditions, final int bytesPerTick,
        final int interestInterval, final boolean fieldCache, final int maxVisible, final ReplicationRules rules,
        final boolean boundedCrowds) {
        this.rules = rules;
        rng = new SplittableRandom(seed);
        net = new SimNetwork(seed ^ 0x5DEECE66DL, clock);
        server = World.builder().components(POSITION, HEADING, STAMINA_T).chunkCapacity(64).build();
        withPosition = server.query().all(POSITION).build();
        sync = SyncServer.builder(server, rules).clock(clock).cellSize(24).viewRadius(48).hysteresis(6)
            .bytesPerTick(bytesPerTick).inputs(INPUT_SIZE, MOVE).interestInterval(interestInterval).fieldCache(fieldCache)
            .maxVisible(maxVisible).boundedCrowds(boundedCrowds).build();
        serverDispatch = sync.registerHandlers(MessageRegistry.<Peer>builder()).build().newDispatcher();
        npcArchetype = server.archetype(POSITION, HEADING);
        for (int i = 0; i < npcCount; i++) {
            spawnNpc();
        }
        for (int i = 0; i < clientCount; i++) {
            final Client c = new Client(i, conditions);
            clients.add(c);
            sync.addClient(c.atServer, c.player);
        }
    }

    /** Adds a client that keeps no interpolation history ({@code SyncClient.Builder.interpolation(false)}). */
    Client addHeadlessClient(final LinkConditions conditions) {
        final Client c = new Client(clients.size(), conditions, false);
        clients.add(c);
        sync.addClient(c.atServer, c.player);
        return c;
    }

    private void spawnNpc() {
        final long e = server.create(npcArchetype);
        server.set(e, X, (float) rng.nextDouble(-WORLD, WORLD));
        server.set(e, Y, (float) rng.nextDouble(-WORLD, WORLD));
        server.set(e, YAW, (float) rng.nextDouble(-Math.PI, Math.PI));
        npcs.add(e);
    }

    void conditions(final LinkConditions c) {
        for (final Client cl : clients) {
            cl.atServer.conditions(c);
            cl.atClient.conditions(c);
        }
    }

    void run(final int ticks) {
        for (int i = 0; i < ticks; i++) {
            tick();
        }
    }

    void tick() {
        clock.advance(TICK_NANOS);
        net.deliverDue();
        sync.applyInputs();
        if (npcsMove && npcsWalkStraight) {
            for (final long e : npcs) {
                float yaw = server.get(e, YAW);
                if (rng.nextInt(30) == 0) {
                    yaw += (float) rng.nextDouble(-1.5, 1.5);
                    server.set(e, YAW, yaw);
                }
                server.set(e, X, clamp(server.get(e, X) + 0.5f * (float) StrictMath.cos(yaw)));
                server.set(e, Y, clamp(server.get(e, Y) + 0.5f * (float) StrictMath.sin(yaw)));
            }
        } else if (npcsMove) {
            for (final long e : npcs) {
                if (rng.nextInt(4) == 0) {
                    continue;
                }
                final float yaw = server.get(e, YAW) + (float) rng.nextDouble(-0.3, 0.3);
                server.set(e, YAW, yaw);
                server.set(e, X, clamp(server.get(e, X) + (float) StrictMath.cos(yaw)));
                server.set(e, Y, clamp(server.get(e, Y) + (float) StrictMath.sin(yaw)));
            }
        }
        if (churn && rng.nextInt(5) == 0 && !npcs.isEmpty()) {
            server.destroy(npcs.remove(rng.nextInt(npcs.size())));
            spawnNpc();
        }
        server.advanceTick();
        sync.update();
        final java.util.Map<Long, float[]> positions = new java.util.HashMap<>();
        withPosition.forEachEntity(e -> positions.put(e, new float[] {server.get(e, X), server.get(e, Y)}));
        history.put(server.tick() - 1, positions);
        history.remove(server.tick() - 65);
        for (final Client c : clients) {
            maxSnapshotBytes = Math.max(maxSnapshotBytes, sync.lastSnapshotBytes(c.atServer));
            c.atServer.flush();
        }
        for (final Client c : clients) {
            if (playersMove) {
                c.input[0] = (byte) rng.nextInt(-10, 11);
                c.input[1] = (byte) rng.nextInt(-10, 11);
            } else {
                c.input[0] = 0;
                c.input[1] = 0;
            }
            c.sync.sendInput(c.input, 0);
            c.atClient.flush();
        }
    }

    /**
     * Checks that a client's mirror matches the server: every server entity within the view radius of its player
     * is mirrored within quantization error, and every mirrored entity is alive and within radius + hysteresis.
     *
     * @return null if it matches, else what differs
     */
    String mismatch(final Client c) {
        final float px = server.get(c.player, X);
        final float py = server.get(c.player, Y);
        final float errXY = RULES.maxError(X) * 1.0001f;
        final float errYaw = RULES.maxError(YAW) * 1.01f + 1e-6f;
        final List<Long> all = new ArrayList<>(npcs);
        for (final Client o : clients) {
            all.add(o.player);
        }
        int expected = 0;
        for (final long e : all) {
            final float dx = server.get(e, X) - px;
            final float dy = server.get(e, Y) - py;
            final float d = (float) Math.sqrt(dx * dx + dy * dy);
            final long m = c.sync.mirrorOf(e);
            if (d > 48f + 6f) {
                if (m != EntityIds.NONE) {
                    return "entity " + e + " at distance " + d + " still mirrored";
                }
                continue;
            }
            if (m == EntityIds.NONE) {
                if (d <= 48f) {
                    return "entity " + e + " at distance " + d + " not mirrored";
                }
                continue;
            }
            expected++;
            // half a step, plus half an ulp from rounding the dequantized value to float (ReplicationRules.maxError)
            final float ex = errXY + Math.ulp(server.get(e, X)) / 2;
            final float ey = errXY + Math.ulp(server.get(e, Y)) / 2;
            if (Math.abs(c.mirror.get(m, X) - server.get(e, X)) > ex || Math.abs(c.mirror.get(m, Y) - server.get(e, Y)) > ey) {
                return "entity " + e + " position " + c.mirror.get(m, X) + "," + c.mirror.get(m, Y) + " vs server "
                    + server.get(e, X) + "," + server.get(e, Y);
            }
            final double yawDiff = Math.abs(Math.IEEEremainder(c.mirror.get(m, YAW) - server.get(e, YAW), 2 * Math.PI));
            if (yawDiff > errYaw) {
                return "entity " + e + " yaw differs by " + yawDiff;
            }
            final boolean own = e == c.player;
            if (c.mirror.has(m, STAMINA_T) != own) {
                return "entity " + e + " owner-only component mirrored=" + c.mirror.has(m, STAMINA_T) + " own=" + own;
            }
        }
        if (c.sync.mirroredCount() < expected) {
            return "mirrored " + c.sync.mirroredCount() + " < expected " + expected;
        }
        return null;
    }

    /**
     * While entities move, on any link: every entity a client mirrors (other than its own, which it predicts) is within
     * {@code tolerance} plus the quantization error of where the server had it when it built the snapshot the client
     * applied last.
     *
     * @return null if so, else what differs
     */
    String movingMismatch(final Client c, final float tolerance) {
        final float err = rules.maxError(X) * 1.0001f + tolerance;
        final List<Long> all = new ArrayList<>(npcs);
        for (final Client o : clients) {
            if (o != c) {
                all.add(o.player);
            }
        }
        final java.util.Map<Long, float[]> then = history.get((int) c.sync.lastServerTick());
        if (then == null) {
            return null;
        }
        int checked = 0;
        for (final long e : all) {
            final long m = c.sync.mirrorOf(e);
            final float[] p = then.get(e);
            if (m == EntityIds.NONE || p == null) {
                continue;
            }
            checked++;
            final float ex = err + Math.ulp(p[0]);
            final float ey = err + Math.ulp(p[1]);
            if (Math.abs(c.mirror.get(m, X) - p[0]) > ex || Math.abs(c.mirror.get(m, Y) - p[1]) > ey) {
                return "entity " + e + " shown at " + c.mirror.get(m, X) + "," + c.mirror.get(m, Y) + ", server had "
                    + p[0] + "," + p[1];
            }
        }
        return checked > 0 ? null : "nothing mirrored";
    }

    /**
     * Checks that every mirrored entity's replicated floats equal the server's values quantized and dequantized as the
     * client does, bit for bit.
     *
     * @return null if they do, else what differs
     */
    String exactMismatch(final Client c) {
        final List<Long> all = new ArrayList<>(npcs);
        for (final Client o : clients) {
            all.add(o.player);
        }
        for (final long e : all) {
            final long m = c.sync.mirrorOf(e);
            if (m == EntityIds.NONE) {
                continue;
            }
            for (final FloatField f : new FloatField[] {X, Y, YAW}) {
                final int k = flatIndex(f);
                final float expected;
                if (RULES.flatEncoding[k] == ReplicationRules.ANGLE) {
                    expected = EntityCodec.dequantizeAngle(EntityCodec.quantizeAngle(server.get(e, f), RULES.flatInverseStep[k],
                        RULES.flatBits[k]), RULES.flatStep[k]);
                } else {
                    expected = EntityCodec.dequantize(EntityCodec.quantize(server.get(e, f), RULES.flatMin[k], RULES.flatMax[k],
                        RULES.flatInverseStep[k]), RULES.flatMin[k], RULES.flatStep[k]);
                }
                if (Float.floatToRawIntBits(c.mirror.get(m, f)) != Float.floatToRawIntBits(expected)) {
                    return "entity " + e + " " + f + " mirrored " + c.mirror.get(m, f) + ", quantized server value " + expected;
                }
            }
        }
        return null;
    }

    private static int flatIndex(final FloatField f) {
        for (int k = 0; k < RULES.flatField.length; k++) {
            if (RULES.flatField[k] == f) {
                return k;
            }
        }
        throw new IllegalArgumentException(f.toString());
    }

    long mirrorsHash() {
        long h = 17;
        for (final Client c : clients) {
            h = h * 31 + c.mirror.stateHash();
        }
        return h * 31 + server.stateHash();
    }

    static ByteBuffer copy(final ByteBuffer b) {
        final ByteBuffer c = ByteBuffer.allocate(b.remaining());
        c.put(b.duplicate()).flip();
        return c;
    }
}

package org.mmosdk.sync.lockstep;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

import org.mmosdk.core.peer.Peer;
import org.mmosdk.core.time.VirtualClock;
import org.mmosdk.core.wire.MessageDispatcher;
import org.mmosdk.core.wire.MessageRegistry;
import org.mmosdk.core.wire.WireError;
import org.mmosdk.ecs.Archetype;
import org.mmosdk.ecs.ComponentType;
import org.mmosdk.ecs.IntField;
import org.mmosdk.ecs.LongField;
import org.mmosdk.ecs.World;
import org.mmosdk.sync.sim.LinkConditions;
import org.mmosdk.sync.sim.SimNetwork;
import org.mmosdk.sync.sim.SimPeer;

/** A lockstep room and N clients on a simulated network, driven by one seed and a virtual clock. */
final class LockstepSim {
    static final ComponentType.Builder POS_B = ComponentType.builder("Position");
    static final IntField X = POS_B.intField("x");
    static final IntField Y = POS_B.intField("y");
    static final ComponentType POSITION = POS_B.build();

    static final ComponentType.Builder HEALTH_B = ComponentType.builder("Health");
    static final IntField HP = HEALTH_B.intField("hp");
    static final IntField OPS = HEALTH_B.intField("opsApplied");
    static final ComponentType HEALTH = HEALTH_B.build();

    static final ComponentType.Builder RNG_B = ComponentType.builder("Rng");
    static final LongField STATE = RNG_B.longField("state");
    static final ComponentType RNG = RNG_B.build();

    static final int INPUT_SIZE = 2;
    static final int NPCS = 40;

    /** An empty world with the room's components (keyframes load into it). */
    static World emptyWorld() {
        return World.builder().components(POSITION, HEALTH, RNG).build();
    }

    /** The room's initial world: {@code players} player entities, NPCs, and one RNG entity. */
    static World initialWorld(final int players) {
        final World w = emptyWorld();
        final Archetype actor = w.archetype(POSITION, HEALTH);
        for (int i = 0; i < players + NPCS; i++) {
            final long e = w.create(actor);
            w.set(e, X, i * 10);
            w.set(e, HP, 100);
        }
        final long rng = w.create(w.archetype(RNG));
        w.set(rng, STATE, DeterministicRandom.seed(7));
        return w;
    }

    /**
     * The simulation: players move by their input, NPCs wander with the room RNG, key operation {@code [target,
     * damage]} lowers the target's hp and counts on the caster. {@code divergeAt} >= 0 makes this copy set the hp of
     * entity 1 to 999 while stepping that frame (an injected desync).
     */
    static DeterministicStep step(final int divergeAt) {
        return (world, in) -> {
            final Archetype actor = world.archetype(POSITION, HEALTH);
            final long rngEntity = world.archetype(RNG).chunk(0).entity(0);
            long s = world.get(rngEntity, STATE);
            final long[] entities = actor.chunk(0).entities();
            final int n = actor.chunk(0).size();
            for (int i = 0; i < n; i++) {
                final long e = entities[i];
                if (i < in.players()) {
                    world.set(e, X, world.get(e, X) + in.input(i, 0));
                    world.set(e, Y, world.get(e, Y) + in.input(i, 1));
                } else {
                    world.set(e, X, world.get(e, X) + DeterministicRandom.nextInt(s, 3) - 1);
                    s = DeterministicRandom.next(s);
                }
            }
            for (int k = 0; k < in.opCount(); k++) {
                final byte[] op = in.op(k);
                final long target = entities[Math.floorMod(op[0], n)];
                world.set(target, HP, world.get(target, HP) - op[1]);
                final long caster = entities[in.opPlayer(k)];
                world.set(caster, OPS, world.get(caster, OPS) + 1);
            }
            if (in.frame() == divergeAt) {
                world.set(entities[1], HP, 999);
            }
            world.set(rngEntity, STATE, s);
        };
    }

    /** One client. */
    final class Node {
        final SimPeer atServer;
        final SimPeer atClient;
        final LockstepClient client;
        final MessageDispatcher<Peer> dispatch;
        final SplittableRandom inputs;
        final byte[] input = new byte[INPUT_SIZE];
        boolean sendsInput = true;

        Node(final long id, final LinkConditions link, final DeterministicStep clientStep,
            final Consumer<LockstepClient.Builder> config) {
            final SimPeer[] pair = net.connect(1000 + id, id, link);
            atServer = pair[0];
            atClient = pair[1];
            final LockstepClient.Builder b = LockstepClient.builder(atClient, LockstepSim::emptyWorld, clientStep)
                .clock(clock).inputDelay(3);
            config.accept(b);
            client = b.build();
            dispatch = client.registerHandlers(MessageRegistry.<Peer>builder().maxPayloadBytes(16 * 1024 * 1024))
                .build().newDispatcher();
            atClient.onReceive((peer, msg) -> {
                if (dispatch.dispatch(peer, msg, msg.position(), msg.remaining()) != WireError.OK) {
                    errors.add("client " + id + ": " + dispatch.lastError());
                }
            });
            atServer.onReceive((peer, msg) -> {
                if (serverDispatch.dispatch(peer, msg, msg.position(), msg.remaining()) != WireError.OK) {
                    errors.add("server from " + id + ": " + serverDispatch.lastError());
                }
            });
            inputs = new SplittableRandom(seed * 31 + id);
        }
    }

    final long seed;
    final VirtualClock clock = new VirtualClock();
    final SimNetwork net;
    final LockstepServer room;
    final MessageDispatcher<Peer> serverDispatch;
    final List<Node> nodes = new ArrayList<>();
    final List<String> errors = new ArrayList<>();
    final List<DesyncReport> desyncs = new ArrayList<>();
    final long tickNanos;

    LockstepSim(final long seed, final int players, final Consumer<LockstepServer.Builder> config) {
        this.seed = seed;
        this.net = new SimNetwork(seed, clock);
        final LockstepServer.Builder b = LockstepServer.builder(() -> initialWorld(players), step(-1)).clock(clock)
            .frameRate(60).players(players).inputSize(INPUT_SIZE).sealDelay(3).onDesync(desyncs::add);
        config.accept(b);
        room = b.build();
        serverDispatch = room.registerHandlers(MessageRegistry.<Peer>builder()).build().newDispatcher();
        tickNanos = 1_000_000_000L / 60 / 2;
    }

    Node join(final LinkConditions link) {
        return join(link, step(-1), c -> { });
    }

    Node join(final LinkConditions link, final DeterministicStep clientStep, final Consumer<LockstepClient.Builder> c) {
        final Node n = new Node(nodes.size() + 1, link, clientStep, c);
        nodes.add(n);
        room.addPlayer(n.atServer);
        return n;
    }

    /** Runs ticks (two per frame) until the room sealed {@code frames} more frames. */
    void runFrames(final int frames) {
        final int until = room.sealedFrames() + frames;
        while (room.sealedFrames() < until) {
            tick();
        }
    }

    /** Runs ticks without new inputs' effect on the room until every client applied every sealed frame. */
    void settle() {
        for (int i = 0; i < 400; i++) {
            tick();
            boolean done = true;
            for (final Node n : nodes) {
                done &= n.client.frame() >= room.sealedFrames() - 1;
            }
            if (done && i > 40) {
                return;
            }
        }
    }

    void tick() {
        clock.advance(tickNanos);
        net.deliverDue();
        room.update();
        for (final Node n : nodes) {
            if (n.sendsInput && n.client.joined()) {
                n.input[0] = (byte) (n.inputs.nextInt(3) - 1);
                n.input[1] = (byte) (n.inputs.nextInt(3) - 1);
                n.client.input(n.input);
            }
            n.client.update();
        }
    }

    /** The largest frame every client and the room have reached. */
    int commonFrame() {
        int f = room.simulation() != null ? room.simulation().frame() : Integer.MAX_VALUE;
        for (final Node n : nodes) {
            f = Math.min(f, n.client.frame());
        }
        return f;
    }
}

package org.mmosdk.examples.arena;

import org.mmosdk.core.wire.MessageTypes;
import org.mmosdk.core.wire.WireSchema;
import org.mmosdk.ecs.ComponentType;
import org.mmosdk.ecs.FloatField;
import org.mmosdk.examples.arena.fb.Cast;
import org.mmosdk.sync.InputApplier;
import org.mmosdk.sync.ReplicationRules;
import org.mmosdk.sync.Visibility;

/**
 * What the arena's server and its clients agree on: components, replication rules, the input format and the arena's
 * own message type ids. Server and bots share this class, as a studio's shared "game" module would.
 */
final class Game {
    /** The world is a square of this many metres; positions are in [0, SIZE]. */
    static final float SIZE = 2000f;
    static final int TICK_HZ = 20;

    static final ComponentType.Builder POSITION_B = ComponentType.builder("Position");
    static final FloatField X = POSITION_B.floatField("x");
    static final FloatField Y = POSITION_B.floatField("y");
    static final ComponentType POSITION = POSITION_B.build();

    static final ComponentType.Builder HEADING_B = ComponentType.builder("Heading");
    static final FloatField YAW = HEADING_B.floatField("yaw");
    static final ComponentType HEADING = HEADING_B.build();

    /**
     * Positions to 2 cm over 2 km (17 bits per axis), heading to 10 bits; remote entities are interpolated between
     * snapshots on the client. Only Position and Heading are sent: the server-only components below are not. Positions
     * are dead-reckoned: a client extrapolates a walker along its line and is sent a new one when the walker is more
     * than {@link #DR_TOLERANCE} off it (it turned, stopped, or its inputs arrived unevenly), instead of every tick.
     */
    static final ReplicationRules RULES = ReplicationRules.builder()
        .position(X, Y)
        .quantize(X, 0f, SIZE, 17)
        .quantize(Y, 0f, SIZE, 17)
        .deadReckoning(Game.DR_TOLERANCE)
        .component(HEADING, Visibility.EVERYONE)
        .angle(YAW, 10)
        .interpolate(X, Y, YAW)
        .build();

    /** Server only: NPCs that wander; the value is how many ticks until they turn. */
    static final ComponentType.Builder WANDER_B = ComponentType.builder("Wander");
    static final FloatField TURN_IN = WANDER_B.floatField("turnIn");
    static final ComponentType WANDER = WANDER_B.build();

    /** Server only: a browser viewer's walking direction (bots move through mmo-sync inputs instead). */
    static final ComponentType.Builder WALK_B = ComponentType.builder("Walk");
    static final FloatField WALK_DX = WALK_B.floatField("dx");
    static final FloatField WALK_DY = WALK_B.floatField("dy");
    static final ComponentType WALK = WALK_B.build();

    /** Server only: marks players (bots and viewers), so the view can tell them from NPCs. */
    static final ComponentType PLAYER = ComponentType.tag("Player");

    /**
     * How far, in metres, what a client shows of a remote entity may be from the server's position (dead reckoning):
     * a bot's inputs reach the server unevenly (0 or 2 steps of 0.3 m in a tick now and then), which this absorbs.
     */
    static final float DR_TOLERANCE = 0.5f;

    /** Metres per tick a player walks (6 m/s) and an NPC wanders (2 m/s). */
    static final float PLAYER_STEP = 6f / TICK_HZ;
    static final float NPC_STEP = 2f / TICK_HZ;

    /** One input is two signed bytes, the walking direction on each axis in [-1, 1]. */
    static final int INPUT_SIZE = 2;

    /**
     * Applies one input; the server runs it on its world, each client on its mirror to predict its own entity, so
     * it depends only on the world and the input bytes.
     */
    static final InputApplier MOVE = (world, entity, input, offset) -> {
        final float dx = Math.max(-1, Math.min(1, input[offset]));
        final float dy = Math.max(-1, Math.min(1, input[offset + 1]));
        if (dx != 0 || dy != 0) {
            world.set(entity, X, clamp(world.get(entity, X) + dx * PLAYER_STEP));
            world.set(entity, Y, clamp(world.get(entity, Y) + dy * PLAYER_STEP));
            final float yaw = (float) Math.atan2(dy, dx);
            if (world.get(entity, YAW) != yaw) {
                world.set(entity, YAW, yaw);   // only when it turns: a set marks Heading changed, and changed goes out
            }
        }
    };

    // the arena's message type ids, in the application range (MessageTypes.APP_FIRST = 0x1000 and up)
    static final int CAST = MessageTypes.APP_FIRST;
    static final int CAST_RESULT = MessageTypes.APP_FIRST + 1;
    static final int STEER = MessageTypes.APP_FIRST + 2;
    static final int VIEW = MessageTypes.APP_FIRST + 3;

    /** The skill's reach, metres. */
    static final float CAST_REACH = 25f;

    private Game() {
    }

    static float clamp(final float v) {
        return Math.max(0f, Math.min(SIZE, v));
    }

    /** The arena's wire schema ({@code arena.bfbs}), for verifying its messages before a handler reads them. */
    static WireSchema schema() {
        return Holder.SCHEMA;
    }

    private static final class Holder {
        static final WireSchema SCHEMA = WireSchema.fromResource(Cast.class, "arena.bfbs");
    }
}

package org.mmosdk.examples.arena;

import org.mmosdk.ecs.Archetype;
import org.mmosdk.ecs.Chunk;
import org.mmosdk.ecs.ComponentType;
import org.mmosdk.ecs.IntField;
import org.mmosdk.ecs.World;
import org.mmosdk.sync.lockstep.DeterministicStep;
import org.mmosdk.sync.lockstep.FrameInputs;

/**
 * The duel: a two-player minigame run by frame sync (lockstep) beside the state-synced arena. The server's room
 * and both players run this same simulation on the same sealed inputs, and the room checks their state hashes every
 * few frames (see {@link DuelHall}). Shared by server and bots, like {@link Game}.
 *
 * <p>Everything is integer arithmetic on fields of the world (positions in centimetres), so every JVM computes the
 * same bits: no {@code Math.sin}, no clocks, no hidden state — see the {@code org.mmosdk.sync.lockstep} package
 * documentation for the rules.
 */
final class Duel {
    /** The duel ground is a square of this many centimetres. */
    static final int GROUND = 2000;
    static final int MAX_HP = 100;
    /** Centimetres a fighter moves per frame on each axis. */
    static final int STEP = 25;
    /** A hit lands within this many centimetres. */
    static final int REACH = 150;
    static final int DAMAGE = 10;
    /** Frames between two attacks of one fighter. */
    static final int COOLDOWN = 10;

    static final ComponentType.Builder FIGHTER_B = ComponentType.builder("Fighter");
    static final IntField SLOT = FIGHTER_B.intField("slot");
    static final IntField FX = FIGHTER_B.intField("x");
    static final IntField FY = FIGHTER_B.intField("y");
    static final IntField HP = FIGHTER_B.intField("hp");
    static final IntField READY_IN = FIGHTER_B.intField("readyIn");
    static final IntField WINS = FIGHTER_B.intField("wins");
    static final ComponentType FIGHTER = FIGHTER_B.build();

    /** One input: walking direction on each axis in [-1, 1], and 1 to attack. */
    static final int INPUT_SIZE = 3;

    private Duel() {
    }

    /** An empty world with the duel's components: what a player's client loads the room's keyframes into. */
    static World emptyWorld() {
        return World.builder().components(FIGHTER).initialEntities(16).build();
    }

    /** The room's initial world (on the server): two fighters facing each other. Players get it as a keyframe. */
    static World newWorld() {
        final World world = emptyWorld();
        final Archetype fighter = world.archetype(FIGHTER);
        for (int slot = 0; slot < 2; slot++) {
            world.set(world.create(fighter), SLOT, slot);
        }
        resetRound(world.archetype(FIGHTER).chunk(0));
        return world;
    }

    /** One frame: both fighters move, then attack if ready and in reach; a fighter at 0 HP loses the round. */
    static final DeterministicStep STEP_FRAME = (world, inputs) -> {
        final Chunk c = world.archetype(FIGHTER).chunk(0);
        final int[] slot = c.ints(SLOT);
        final int[] x = c.writeInts(FX);
        final int[] y = c.writeInts(FY);
        final int[] hp = c.writeInts(HP);
        final int[] readyIn = c.writeInts(READY_IN);
        final int[] wins = c.writeInts(WINS);
        for (int i = 0; i < 2; i++) {
            x[i] = clamp(x[i] + direction(inputs, slot[i], 0) * STEP);
            y[i] = clamp(y[i] + direction(inputs, slot[i], 1) * STEP);
            if (readyIn[i] > 0) {
                readyIn[i]--;
            }
        }
        for (int i = 0; i < 2; i++) {
            final int other = 1 - i;
            final long dx = x[i] - x[other];
            final long dy = y[i] - y[other];
            if (inputs.input(slot[i], 2) != 0 && readyIn[i] == 0 && dx * dx + dy * dy <= (long) REACH * REACH) {
                hp[other] -= DAMAGE;
                readyIn[i] = COOLDOWN;
            }
        }
        for (int i = 0; i < 2; i++) {
            if (hp[i] <= 0) {
                wins[1 - i]++;
                resetRound(c);
                return;
            }
        }
    };

    private static void resetRound(final Chunk c) {
        final int[] slot = c.ints(SLOT);
        final int[] x = c.writeInts(FX);
        final int[] y = c.writeInts(FY);
        final int[] hp = c.writeInts(HP);
        final int[] readyIn = c.writeInts(READY_IN);
        for (int i = 0; i < c.size(); i++) {
            x[i] = slot[i] == 0 ? GROUND / 4 : GROUND * 3 / 4;
            y[i] = GROUND / 2;
            hp[i] = MAX_HP;
            readyIn[i] = 0;
        }
    }

    private static int direction(final FrameInputs inputs, final int slot, final int axis) {
        return Math.max(-1, Math.min(1, inputs.input(slot, axis)));
    }

    private static int clamp(final int v) {
        return Math.max(0, Math.min(GROUND, v));
    }

    /**
     * A bot's input from its own copy of the duel: walk towards the opponent, attack when in reach.
     *
     * @param world the bot's lockstep world
     * @param mySlot the bot's slot
     * @param out receives the {@link #INPUT_SIZE} input bytes
     */
    static void botInput(final World world, final int mySlot, final byte[] out) {
        final Chunk c = world.archetype(FIGHTER).chunk(0);
        final int me = c.ints(SLOT)[0] == mySlot ? 0 : 1;
        final int dx = c.ints(FX)[1 - me] - c.ints(FX)[me];
        final int dy = c.ints(FY)[1 - me] - c.ints(FY)[me];
        out[0] = (byte) Integer.signum(Math.abs(dx) > REACH / 2 ? dx : 0);
        out[1] = (byte) Integer.signum(Math.abs(dy) > REACH / 2 ? dy : 0);
        out[2] = (byte) ((long) dx * dx + (long) dy * dy <= (long) REACH * REACH ? 1 : 0);
    }
}

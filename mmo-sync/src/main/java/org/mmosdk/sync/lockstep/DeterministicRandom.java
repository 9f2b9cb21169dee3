package org.mmosdk.sync.lockstep;

/**
 * A small seeded random source for deterministic simulations (PCG32, XSH-RR): integer arithmetic only, its whole
 * state one {@code long} that the simulation keeps in the world (a component field) or the room, so it rolls back,
 * replays and travels in keyframes with everything else. Never use {@link java.util.Random}'s global instances,
 * {@code Math.random()} or {@code ThreadLocalRandom} in a simulation.
 *
 * <pre>{@code
 * long s = world.get(room, RNG_STATE);
 * int roll = DeterministicRandom.nextInt(s, 6);  s = DeterministicRandom.next(s);
 * world.set(room, RNG_STATE, s);
 * }</pre>
 */
public final class DeterministicRandom {
    private static final long MULTIPLIER = 6364136223846793005L;
    private static final long INCREMENT = 1442695040888963407L;

    private DeterministicRandom() {
    }

    /**
     * The initial state for a seed.
     *
     * @param seed any value (e.g. the room id)
     * @return the state
     */
    public static long seed(final long seed) {
        return next(next(0) + seed);
    }

    /**
     * The state after one draw.
     *
     * @param state the current state
     * @return the next state
     */
    public static long next(final long state) {
        return state * MULTIPLIER + INCREMENT;
    }

    /**
     * The 32 random bits the current state yields (draw, then advance with {@link #next(long)}).
     *
     * @param state the current state
     * @return 32 bits
     */
    public static int bits(final long state) {
        final int xorshifted = (int) (((state >>> 18) ^ state) >>> 27);
        final int rot = (int) (state >>> 59);
        return Integer.rotateRight(xorshifted, rot);
    }

    /**
     * A value in [0, bound) from the current state (slightly biased for bounds that are not powers of two, in the
     * same way on every machine).
     *
     * @param state the current state
     * @param bound at least 1
     * @return the value
     */
    public static int nextInt(final long state, final int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be >= 1, was " + bound);
        }
        return (int) (((bits(state) & 0xFFFFFFFFL) * bound) >>> 32);
    }
}

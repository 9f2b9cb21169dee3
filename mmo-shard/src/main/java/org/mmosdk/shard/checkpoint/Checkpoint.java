package org.mmosdk.shard.checkpoint;

import java.nio.ByteBuffer;

/**
 * One saved state of a zone: its bytes as of the end of a tick, stamped with the fencing token of the owner that
 * saved it.
 *
 * <p>Immutable; {@link #state()} returns a read-only view.
 */
public final class Checkpoint {
    private final int zone;
    private final long tick;
    private final long fencingToken;
    private final ByteBuffer state;

    /**
     * A checkpoint.
     *
     * @param zone the zone id, at least 0
     * @param tick the last tick whose effects the state contains, at least 0
     * @param fencingToken the saving owner's token
     * @param state the state bytes from position to limit; copied
     */
    public Checkpoint(final int zone, final long tick, final long fencingToken, final ByteBuffer state) {
        if (zone < 0) {
            throw new IllegalArgumentException("zone must be >= 0, was " + zone);
        }
        if (tick < 0) {
            throw new IllegalArgumentException("tick must be >= 0, was " + tick);
        }
        this.zone = zone;
        this.tick = tick;
        this.fencingToken = fencingToken;
        final ByteBuffer copy = ByteBuffer.allocate(state.remaining());
        copy.put(state.duplicate()).flip();
        this.state = copy.asReadOnlyBuffer();
    }

    /**
     * The zone.
     *
     * @return the zone id
     */
    public int zone() {
        return zone;
    }

    /**
     * The last tick whose effects the state contains; the zone resumes at {@code tick() + 1}.
     *
     * @return the tick
     */
    public long tick() {
        return tick;
    }

    /**
     * The fencing token of the owner that saved it.
     *
     * @return the token
     */
    public long fencingToken() {
        return fencingToken;
    }

    /**
     * The state bytes.
     *
     * @return a read-only buffer positioned at 0
     */
    public ByteBuffer state() {
        return state.duplicate();
    }

    /**
     * The state bytes as an array.
     *
     * @return a fresh copy
     */
    public byte[] stateBytes() {
        final byte[] out = new byte[state.remaining()];
        state.duplicate().get(out);
        return out;
    }

    @Override
    public String toString() {
        return "Checkpoint{zone=" + zone + ", tick=" + tick + ", token=" + fencingToken + ", bytes=" + state.remaining() + '}';
    }
}

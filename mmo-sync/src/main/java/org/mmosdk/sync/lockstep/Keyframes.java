package org.mmosdk.sync.lockstep;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import org.mmosdk.ecs.World;
import org.mmosdk.ecs.WorldSerializer;

/**
 * Keyframes: a whole world as bytes, for late joiners, reconnects, resyncs and replays.
 *
 * <p>Format (little-endian): {@code "MKF2"}, u32 frame, then the world as {@link WorldSerializer} writes it. Loading
 * gives an exact copy — the same handles in the same order, the same entity table (so the simulation goes on to
 * create the same handles), the same tick — and so the same state hash, also after entities were destroyed and their
 * slots reused.
 *
 * <p>Threads: the thread that owns the world. Allocates (cold path).
 */
public final class Keyframes {
    private static final int MAGIC = 0x32464B4D; // "MKF2"
    private static final int HEADER = 8;

    private Keyframes() {
    }

    /**
     * Serializes a world.
     *
     * @param world the world
     * @param frame frames applied to it
     * @return the keyframe bytes
     */
    public static byte[] write(final World world, final int frame) {
        final byte[] state = WorldSerializer.write(world);
        final byte[] out = new byte[HEADER + state.length];
        ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putInt(MAGIC).putInt(frame);
        System.arraycopy(state, 0, out, HEADER, state.length);
        return out;
    }

    /**
     * The frame a keyframe names, without loading it.
     *
     * @param bytes keyframe bytes
     * @return the frame
     * @throws IllegalArgumentException if the header is malformed
     */
    public static int frameOf(final byte[] bytes) {
        if (bytes.length < HEADER) {
            throw new IllegalArgumentException("keyframe of " + bytes.length + " bytes is shorter than its header");
        }
        final ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (in.getInt(0) != MAGIC) {
            throw new IllegalArgumentException("not a keyframe (bad magic)");
        }
        final int frame = in.getInt(4);
        if (frame < 0) {
            throw new IllegalArgumentException("keyframe frame " + frame + " is negative");
        }
        return frame;
    }

    /**
     * Loads a keyframe into a new world with the same components registered (see {@link WorldSerializer#read}).
     * The whole keyframe is checked first: on failure the world is unchanged.
     *
     * @param bytes keyframe bytes (untrusted)
     * @param fresh a new world
     * @throws IllegalArgumentException if the bytes are malformed or do not fit the world
     */
    public static void read(final byte[] bytes, final World fresh) {
        frameOf(bytes);
        WorldSerializer.read(fresh, Arrays.copyOfRange(bytes, HEADER, bytes.length));
    }
}

package org.mmosdk.sync.lockstep;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.mmosdk.ecs.Archetype;
import org.mmosdk.ecs.Chunk;
import org.mmosdk.ecs.ComponentType;
import org.mmosdk.ecs.EntitySerializer;
import org.mmosdk.ecs.World;

/**
 * Keyframes: a whole world as bytes, for late joiners, reconnects, resyncs and replays.
 *
 * <p>Format (little-endian): {@code "MKF1"}, u32 frame, i32 world tick, u16 archetype count and per archetype its
 * component names (u8 count, then u16 length + UTF-8 each) in the world's archetype order, u32 entity count and
 * the entities' handles (u64 each) in iteration order, then u32 length + {@link EntitySerializer} bytes of the same
 * entities in the same order.
 *
 * <p>Loading recreates the archetypes in order, the tick and the entities in iteration order, so the loaded world
 * hashes equal to the source whenever the recreated handles equal the recorded ones — which holds when the source
 * world never reused an entity index (no destroy followed by a create) and created entities in iteration order.
 * {@link #read} reports whether the handles came out equal; the receiver checks the state hash either way. An exact
 * copy in every case needs a byte form of {@code WorldSnapshot} from mmo-ecs.
 *
 * <p>Threads: the thread that owns the world. Allocates (cold path).
 */
public final class Keyframes {
    private static final int MAGIC = 0x31464B4D; // "MKF1"
    /** Largest tick a keyframe may name (loading advances a fresh world's tick that far). */
    public static final int MAX_TICK = 1 << 24;

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
        final List<Archetype> archetypes = world.archetypes();
        int count = 0;
        for (final Archetype a : archetypes) {
            count += a.size();
        }
        final long[] handles = new long[count];
        int n = 0;
        int namesBytes = 0;
        for (final Archetype a : archetypes) {
            for (int c = 0; c < a.chunkCount(); c++) {
                final Chunk chunk = a.chunk(c);
                for (int r = 0; r < chunk.size(); r++) {
                    handles[n++] = chunk.entity(r);
                }
            }
            for (final ComponentType t : a.types()) {
                namesBytes += 2 + t.name().getBytes(StandardCharsets.UTF_8).length;
            }
            namesBytes += 1;
        }
        final byte[] entities = EntitySerializer.write(world, handles);
        final ByteBuffer out = ByteBuffer.allocate(4 + 4 + 4 + 2 + namesBytes + 4 + 8 * count + 4 + entities.length)
            .order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(MAGIC).putInt(frame).putInt(world.tick()).putShort((short) archetypes.size());
        for (final Archetype a : archetypes) {
            out.put((byte) a.types().size());
            for (final ComponentType t : a.types()) {
                final byte[] name = t.name().getBytes(StandardCharsets.UTF_8);
                out.putShort((short) name.length).put(name);
            }
        }
        out.putInt(count);
        for (final long h : handles) {
            out.putLong(h);
        }
        out.putInt(entities.length).put(entities);
        return out.array();
    }

    /**
     * The frame a keyframe names, without loading it.
     *
     * @param bytes keyframe bytes
     * @return the frame
     * @throws IllegalArgumentException if the header is malformed
     */
    public static int frameOf(final byte[] bytes) {
        if (bytes.length < 12) {
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
     * Loads a keyframe into a fresh, empty world with the same components registered. On failure the world may hold
     * part of the data: throw it away.
     *
     * @param bytes keyframe bytes (untrusted)
     * @param fresh an empty world
     * @return true if every entity got its recorded handle (then the world equals the source)
     * @throws IllegalArgumentException if the bytes are malformed or do not fit the world
     */
    public static boolean read(final byte[] bytes, final World fresh) {
        if (fresh.entityCount() != 0) {
            throw new IllegalArgumentException("load keyframes into an empty world, this one has " + fresh.entityCount()
                + " entities");
        }
        frameOf(bytes);
        try {
            return readUnchecked(ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN), fresh);
        } catch (final IllegalArgumentException e) {
            throw e;
        } catch (final RuntimeException e) {
            throw new IllegalArgumentException("keyframe is truncated or corrupt: " + e, e);
        }
    }

    private static boolean readUnchecked(final ByteBuffer in, final World world) {
        in.position(8);
        final int tick = in.getInt();
        if (tick < world.tick() || tick > MAX_TICK) {
            throw new IllegalArgumentException("keyframe tick " + tick + " is outside [" + world.tick() + ", " + MAX_TICK + "]");
        }
        final Map<String, ComponentType> byName = new HashMap<>();
        for (final ComponentType t : world.components()) {
            byName.put(t.name(), t);
        }
        final int archetypeCount = in.getShort() & 0xFFFF;
        for (int a = 0; a < archetypeCount; a++) {
            final int types = in.get() & 0xFF;
            final List<ComponentType> list = new ArrayList<>(types);
            for (int t = 0; t < types; t++) {
                final int len = in.getShort() & 0xFFFF;
                if (len > in.remaining()) {
                    throw new IllegalArgumentException("component name of " + len + " bytes exceeds the keyframe");
                }
                final byte[] name = new byte[len];
                in.get(name);
                final ComponentType type = byName.get(new String(name, StandardCharsets.UTF_8));
                if (type == null) {
                    throw new IllegalArgumentException("keyframe names a component this world lacks: "
                        + new String(name, StandardCharsets.UTF_8));
                }
                list.add(type);
            }
            world.archetype(list.toArray(new ComponentType[0]));
        }
        final int count = in.getInt();
        if (count < 0 || count > in.remaining() / 8) {
            throw new IllegalArgumentException("entity count " + count + " does not fit the keyframe");
        }
        final long[] handles = new long[count];
        for (int i = 0; i < count; i++) {
            handles[i] = in.getLong();
        }
        final int length = in.getInt();
        if (length < 0 || length != in.remaining()) {
            throw new IllegalArgumentException("entity data of " + length + " bytes, " + in.remaining() + " remain");
        }
        final byte[] entities = new byte[length];
        in.get(entities);
        final long[] created = EntitySerializer.read(world, entities);
        while (world.tick() < tick) {
            world.advanceTick();
        }
        return Arrays.equals(created, handles);
    }
}

package org.mmosdk.core.wire;

import java.nio.ByteBuffer;
import java.util.Random;

import com.google.flatbuffers.FlatBufferBuilder;
import com.google.flatbuffers.Table;
import org.mmosdk.core.wire.testfb.Buff;
import org.mmosdk.core.wire.testfb.Effect;
import org.mmosdk.core.wire.testfb.Everything;
import org.mmosdk.core.wire.testfb.Item;
import org.mmosdk.core.wire.testfb.Point;

/** Builds random {@code Everything} payloads and reads every field of one back. */
final class TestMessages {
    static final WireSchema SCHEMA = WireSchema.fromResource(Everything.class, "verify_test.bfbs");
    static final TableSchema EVERYTHING = SCHEMA.table(Everything.class);

    private TestMessages() {
    }

    /** A random, valid Everything (nesting up to {@code depth} children) as a finished payload. */
    static byte[] randomEverything(final Random random, final int depth) {
        final FlatBufferBuilder b = new FlatBufferBuilder(256);
        b.finish(everything(b, random, depth));
        return b.sizedByteArray();
    }

    static int everything(final FlatBufferBuilder b, final Random r, final int depth) {
        final int child = depth > 0 && r.nextBoolean() ? everything(b, r, depth - 1) : 0;
        final int name = r.nextBoolean() ? b.createString(randomString(r, 40)) : 0;
        final int bytes = r.nextBoolean() ? Everything.createBytesVector(b, randomBytes(r, r.nextInt(65))) : 0;
        final int longs = r.nextBoolean() ? Everything.createLongsVector(b, r.longs(r.nextInt(10)).toArray()) : 0;
        int points = 0;
        if (r.nextBoolean()) {
            final int n = r.nextInt(17);
            Everything.startPointsVector(b, n);
            for (int i = 0; i < n; i++) {
                Point.createPoint(b, r.nextFloat(), r.nextFloat(), r.nextFloat());
            }
            points = b.endVector();
        }
        int names = 0;
        if (r.nextBoolean()) {
            final int[] offsets = new int[r.nextInt(5)];
            for (int i = 0; i < offsets.length; i++) {
                offsets[i] = b.createString(randomString(r, 12));
            }
            names = Everything.createNamesVector(b, offsets);
        }
        int items = 0;
        if (r.nextBoolean()) {
            final int[] offsets = new int[r.nextInt(4)];
            for (int i = 0; i < offsets.length; i++) {
                offsets[i] = item(b, r);
            }
            items = Everything.createItemsVector(b, offsets);
        }
        byte effectType = Effect.NONE;
        int effect = 0;
        switch (r.nextInt(3)) {
            case 1 -> {
                effectType = Effect.Item;
                effect = item(b, r);
            }
            case 2 -> {
                effectType = Effect.Buff;
                effect = Buff.createBuff(b, r.nextInt(256), r.nextInt(65536));
            }
            default -> {
            }
        }
        final int best = r.nextBoolean() ? item(b, r) : 0;
        Everything.startEverything(b);
        Everything.addFlag(b, r.nextBoolean());
        Everything.addB(b, (byte) r.nextInt());
        Everything.addS(b, (short) r.nextInt());
        Everything.addI(b, r.nextInt());
        Everything.addL(b, r.nextLong());
        Everything.addF(b, r.nextFloat());
        Everything.addD(b, r.nextDouble());
        Everything.addColor(b, (byte) r.nextInt(3));
        if (r.nextBoolean()) {
            Everything.addPos(b, Point.createPoint(b, r.nextFloat(), r.nextFloat(), r.nextFloat()));
        }
        Everything.addName(b, name);
        Everything.addBytes(b, bytes);
        Everything.addLongs(b, longs);
        Everything.addPoints(b, points);
        Everything.addNames(b, names);
        Everything.addItems(b, items);
        Everything.addChild(b, child);
        if (effect != 0) {
            Everything.addEffectType(b, effectType);
            Everything.addEffect(b, effect);
        }
        Everything.addBest(b, best);
        return Everything.endEverything(b);
    }

    static int item(final FlatBufferBuilder b, final Random r) {
        final int name = b.createString(randomString(r, 32));
        final int[] tags = new int[r.nextInt(9)];
        for (int i = 0; i < tags.length; i++) {
            tags[i] = b.createString(randomString(r, 6));
        }
        final int tagVector = Item.createTagsVector(b, tags);
        return Item.createItem(b, r.nextInt() & 0xFFFF_FFFFL, name, tagVector);
    }

    static String randomString(final Random r, final int maxBytes) {
        final StringBuilder sb = new StringBuilder();
        final int n = r.nextInt(maxBytes / 4 + 1);
        for (int i = 0; i < n; i++) {
            switch (r.nextInt(4)) {
                case 0 -> sb.append((char) ('a' + r.nextInt(26)));
                case 1 -> sb.append('é');
                case 2 -> sb.append('世');
                default -> sb.appendCodePoint(0x1F600 + r.nextInt(50));
            }
        }
        return sb.toString();
    }

    static byte[] randomBytes(final Random r, final int n) {
        final byte[] bytes = new byte[n];
        r.nextBytes(bytes);
        return bytes;
    }

    /** Reads every field reachable from the root, as a handler that trusts the verifier would; returns a checksum. */
    static long readAll(final ByteBuffer payload) {
        return readAll(Everything.getRootAsEverything(payload), 0);
    }

    private static long readAll(final Everything e, final int depth) {
        long h = depth;
        h = h * 31 + (e.flag() ? 1 : 0) + e.b() + e.s() + e.i() + e.l();
        h = h * 31 + Float.floatToIntBits(e.f()) + Double.doubleToLongBits(e.d()) + e.color();
        final Point pos = e.pos();
        if (pos != null) {
            h = h * 31 + Float.floatToIntBits(pos.x() + pos.y() + pos.z());
        }
        h = h * 31 + hash(e.name());
        for (int i = 0; i < e.bytesLength(); i++) {
            h = h * 31 + e.bytes(i);
        }
        for (int i = 0; i < e.longsLength(); i++) {
            h = h * 31 + e.longs(i);
        }
        for (int i = 0; i < e.pointsLength(); i++) {
            final Point p = e.points(i);
            h = h * 31 + Float.floatToIntBits(p.x() + p.y() + p.z());
        }
        for (int i = 0; i < e.namesLength(); i++) {
            h = h * 31 + hash(e.names(i));
        }
        for (int i = 0; i < e.itemsLength(); i++) {
            h = h * 31 + readItem(e.items(i));
        }
        final Everything child = e.child();
        if (child != null) {
            h = h * 31 + readAll(child, depth + 1);
        }
        final byte type = e.effectType();
        if (type == Effect.Item) {
            final Table t = e.effect(new Item());
            h = h * 31 + (t == null ? 0 : readItem((Item) t));
        } else if (type == Effect.Buff) {
            final Buff buff = (Buff) e.effect(new Buff());
            h = h * 31 + (buff == null ? 0 : buff.kind() * 7 + buff.ticks());
        }
        final Item best = e.best();
        if (best != null) {
            h = h * 31 + readItem(best);
        }
        return h;
    }

    private static long readItem(final Item item) {
        long h = item.id() + hash(item.name());
        for (int i = 0; i < item.tagsLength(); i++) {
            h = h * 31 + hash(item.tags(i));
        }
        return h;
    }

    private static long hash(final String s) {
        return s == null ? 0 : s.hashCode();
    }
}

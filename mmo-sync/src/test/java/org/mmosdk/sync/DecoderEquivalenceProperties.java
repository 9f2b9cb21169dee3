package org.mmosdk.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.mmosdk.core.id.EntityIds;
import org.mmosdk.ecs.Archetype;
import org.mmosdk.ecs.BoolField;
import org.mmosdk.ecs.ByteField;
import org.mmosdk.ecs.ComponentType;
import org.mmosdk.ecs.DoubleField;
import org.mmosdk.ecs.Field;
import org.mmosdk.ecs.FloatField;
import org.mmosdk.ecs.IntField;
import org.mmosdk.ecs.LongField;
import org.mmosdk.ecs.ShortField;
import org.mmosdk.ecs.World;

/**
 * {@code EntityCodec.decode} (one-word id headers, whole-mask and per-component fixed-width plans) against the decoder
 * it replaced ({@link LegacyEntityDecoder}): random rules (1 to 10 components of every field kind, so rules with and
 * without per-mask plans), streams written by the real writer ({@code writeId}, {@code writeSlot}) with slots and
 * entity ids of every varint and gamma length, slot records absolute and against a common base, read from heap
 * buffers with foreign bytes around the stream and from direct buffers; then the same streams truncated and with bits
 * flipped. Both must accept and reject the same streams, and decode accepted ones to the same tables.
 */
class DecoderEquivalenceProperties {
    private static final AtomicInteger NAMES = new AtomicInteger();

    @Property(tries = 400)
    void decodesLikeTheGeneralDecoderOnGoodAndBrokenStreams(@ForAll final long seed) {
        final SplittableRandom rng = new SplittableRandom(seed);
        final Case c = new Case(rng);
        final EntityCodec codec = new EntityCodec(c.rules);
        final LegacyEntityDecoder legacy = new LegacyEntityDecoder(c.rules);
        final ReplicationRules q = c.rules;
        final int dc = c.rules.deltaCount;

        // snapshot 1: id records, most of them full (binding their slots)
        final int seq1 = 1 + rng.nextInt(1000);
        final int records1 = 1 + rng.nextInt(24);
        final BitWriter w1 = new BitWriter(16);
        final int[] slots = distinctSlots(rng, records1);
        final int[] masks1 = new int[records1];
        final boolean[] full1 = new boolean[records1];
        final int[] serverBase = new int[Math.max(1, dc) * records1];
        for (int i = 0; i < records1; i++) {
            masks1[i] = c.randomMask(rng);
            full1[i] = rng.nextInt(5) != 0;
            final int e = rng.nextInt(c.entities.length);
            c.codec.writeId(w1, full1[i], slots[i], randomHandle(rng), masks1[i], c.world.chunkOf(c.entities[e]),
                c.world.rowOf(c.entities[e]), serverBase, i * dc);
        }
        final byte[] s1 = bytes(w1);
        assertThat(compare(q, codec, legacy, s1, records1, seq1, 0, rng)).as("snapshot 1 decodes").isTrue();
        for (int i = 0; i < records1; i++) {
            codec.remember(i, seq1);
            legacy.remember(i, seq1);
        }
        brokenVersions(q, codec, legacy, s1, records1, seq1, 0, rng);

        // snapshot 2: slot records of the bound slots (in slot order) against the common base or absolute, id records
        c.mutate(rng);
        final int seq2 = seq1 + 1;
        final BitWriter w2 = new BitWriter(16);
        final int[] widths = new int[Math.max(1, dc)];
        for (int k = 0; k < c.rules.flatField.length; k++) {
            if (c.rules.flatDelta[k] >= 0) {
                widths[c.rules.flatDelta[k]] = rng.nextInt(c.rules.flatBits[k]);
            }
        }
        // the usual shape: a random mask, no prior (the client remembers only snapshot 1)
        final int usualMask = c.randomMask(rng);
        c.codec.writeWidths(w2, widths, usualMask, 0);
        final List<Integer> bound = new ArrayList<>();
        for (int i = 0; i < records1; i++) {
            if (full1[i]) {
                bound.add(i);
            }
        }
        bound.sort((x, y) -> Integer.compare(slots[x], slots[y]));
        int previous = -1;
        int records2 = 0;
        for (final int i : bound) {
            if (rng.nextInt(4) == 0) {
                continue;
            }
            final int e = rng.nextInt(c.entities.length);
            final boolean withBase = rng.nextInt(3) != 0;
            final int mask = rng.nextBoolean() ? usualMask : c.randomMask(rng);
            c.codec.writeSlot(w2, slots[i] - previous, withBase ? EntityCodec.BASE_COMMON : EntityCodec.BASE_NONE, 1, 0,
                mask, c.world.chunkOf(c.entities[e]), c.world.rowOf(c.entities[e]), null, 0, serverBase, i * dc, 0,
                masks1[i], null, 0, widths, null, usualMask, 0);
            previous = slots[i];
            records2++;
            if (rng.nextInt(4) == 0) {
                c.codec.writeId(w2, false, rng.nextInt(1 << rng.nextInt(17)), randomHandle(rng), c.randomMask(rng),
                    c.world.chunkOf(c.entities[e]), c.world.rowOf(c.entities[e]), null, 0);
                records2++;
            }
        }
        final byte[] s2 = bytes(w2);
        assertThat(compare(q, codec, legacy, s2, records2, seq2, seq1, rng)).as("snapshot 2 decodes").isTrue();
        brokenVersions(q, codec, legacy, s2, records2, seq2, seq1, rng);
    }

    /**
     * Id-record headers of every shape, valid or not, hand-written: slots whose gamma code is short, long or too long
     * (and slot + 1 above {@code MAX_SLOTS}), varints of 1 to 7 bytes (a sixth group is malformed), index above
     * {@code MAX_INDEX}, generation 0 or above 32 bits, then a mask and random bits; several records in a row and
     * streams cut anywhere. Both decoders agree on each.
     */
    @Property(tries = 300)
    void idRecordHeadersOfEveryShapeAreJudgedAlike(@ForAll final long seed) {
        final SplittableRandom rng = new SplittableRandom(seed);
        final Case c = new Case(rng);
        final ReplicationRules q = c.rules;
        final EntityCodec codec = new EntityCodec(q);
        final LegacyEntityDecoder legacy = new LegacyEntityDecoder(q);
        final int n = q.components.length;
        final BitWriter w = new BitWriter(16);
        final int records = 1 + rng.nextInt(6);
        for (int i = 0; i < records; i++) {
            w.write(rng.nextBoolean() ? 3 : 1, 2);
            final int zeros = rng.nextInt(10) == 0 ? 25 + rng.nextInt(6) : rng.nextInt(17);
            if (rng.nextInt(8) == 0) {
                w.writeGamma(EntityCodec.MAX_SLOTS + rng.nextInt(2));   // the last slot, and one past it
            } else if (zeros > 27) {
                w.write(0, zeros);
                w.write(1, 1);
                w.write(rng.nextLong(), zeros);
            } else {
                w.writeGamma((1 << zeros) | rng.nextInt(1 << zeros));
            }
            for (int v = 0; v < 2; v++) {
                final int groups = 1 + rng.nextInt(rng.nextInt(8) == 0 ? 7 : 5);
                long value = rng.nextLong() & ((1L << (7 * groups)) - 1);
                if (rng.nextInt(8) == 0) {
                    value = 0;
                }
                for (int g = 0; g < groups; g++) {
                    w.write((value >>> (7 * g)) & 0x7F | (g < groups - 1 ? 0x80 : 0), 8);
                }
            }
            w.write(rng.nextInt(q.allMask + 1), n);
            for (int b = rng.nextInt(12); b > 0; b--) {
                w.write(rng.nextLong(), 1 + rng.nextInt(64));
            }
        }
        final byte[] stream = bytes(w);
        for (int len = 0; len <= stream.length; len++) {
            for (int count = 1; count <= records; count++) {
                compare(q, codec, legacy, java.util.Arrays.copyOf(stream, len), count, 5, 0, rng);
            }
        }
    }

    /** Truncated, bit-flipped, byte-replaced, and with a wrong record count: both decoders agree on each. */
    private static void brokenVersions(final ReplicationRules q, final EntityCodec codec, final LegacyEntityDecoder legacy, final byte[] good,
        final int count, final long seq, final long commonBase, final SplittableRandom rng) {
        for (int len = 0; len < good.length; len++) {
            compare(q, codec, legacy, java.util.Arrays.copyOf(good, len), count, seq, commonBase, rng);
        }
        for (int t = 0; t < 40; t++) {
            final byte[] b = good.clone();
            for (int f = 1 + rng.nextInt(3); f > 0 && b.length > 0; f--) {
                final int at = rng.nextInt(b.length);
                if (rng.nextBoolean()) {
                    b[at] ^= (byte) (1 << rng.nextInt(8));
                } else {
                    b[at] = (byte) rng.nextInt(256);
                }
            }
            compare(q, codec, legacy, b, count, seq, commonBase, rng);
        }
        compare(q, codec, legacy, good, count + 1, seq, commonBase, rng);
        if (count > 1) {
            compare(q, codec, legacy, good, count - 1, seq, commonBase, rng);
        }
        final byte[] longer = java.util.Arrays.copyOf(good, good.length + 1 + rng.nextInt(3));
        compare(q, codec, legacy, longer, count, seq, commonBase, rng);
    }

    /** Decodes {@code stream} with both; they must agree, and on the tables when they accept. Returns the verdict. */
    private static boolean compare(final ReplicationRules q, final EntityCodec codec, final LegacyEntityDecoder legacy, final byte[] stream,
        final int count, final long seq, final long commonBase, final SplittableRandom rng) {
        final boolean expected = legacy.decode(reader(stream, rng), count, seq, commonBase);
        final boolean actual = codec.decode(reader(stream, rng), count, seq, commonBase);
        assertThat(actual).as("verdict on %d bytes, %d records", stream.length, count).isEqualTo(expected);
        if (!expected) {
            return false;
        }
        assertThat(codec.decodedCount).isEqualTo(legacy.decodedCount);
        assertThat(codec.decodedWithBase).isEqualTo(legacy.decodedWithBase);
        assertThat(codec.decodedWithPrior).isEqualTo(legacy.decodedWithPrior);
        int valuesEnd = 0;
        for (int i = 0; i < count; i++) {
            assertThat(codec.recordFull[i]).as("full %d", i).isEqualTo(legacy.recordFull[i]);
            assertThat(codec.recordHandle[i]).as("handle %d", i).isEqualTo(legacy.recordHandle[i]);
            assertThat(codec.recordMask[i]).as("mask %d", i).isEqualTo(legacy.recordMask[i]);
            assertThat(codec.recordSlot[i]).as("slot %d", i).isEqualTo(legacy.recordSlot[i]);
            assertThat(codec.recordValues[i]).as("values at %d", i).isEqualTo(legacy.recordValues[i]);
            valuesEnd = legacy.recordValues[i] + fieldsOf(q, legacy.recordMask[i]);
        }
        assertThat(java.util.Arrays.copyOf(codec.values, valuesEnd))
            .isEqualTo(java.util.Arrays.copyOf(legacy.values, valuesEnd));
        return true;
    }

    private static int fieldsOf(final ReplicationRules q, final int mask) {
        int n = 0;
        for (int c = 0; c < q.components.length; c++) {
            n += (mask & (1 << c)) == 0 ? 0 : q.firstField[c + 1] - q.firstField[c];
        }
        return n;
    }

    /** A reader over a heap buffer with foreign bytes around the stream (at an array offset), or a direct buffer. */
    private static BitReader reader(final byte[] stream, final SplittableRandom rng) {
        final BitReader r = new BitReader();
        if (rng.nextInt(4) == 0) {
            final ByteBuffer direct = ByteBuffer.allocateDirect(3 + stream.length + 8).order(ByteOrder.LITTLE_ENDIAN);
            direct.position(3);
            direct.put(stream);
            direct.put(new byte[] {-1, -1, -1, -1, -1, -1, -1, -1});
            r.wrap(direct, 3, stream.length);
            return r;
        }
        final int before = rng.nextInt(12);
        final int after = rng.nextInt(12);
        final byte[] backing = new byte[5 + before + stream.length + after];
        for (int k = 0; k < backing.length; k++) {
            backing[k] = (byte) rng.nextInt(256);
        }
        System.arraycopy(stream, 0, backing, 5 + before, stream.length);
        final ByteBuffer sliced = ByteBuffer.wrap(backing, 5, backing.length - 5).slice().order(ByteOrder.LITTLE_ENDIAN);
        r.wrap(sliced, before, stream.length);
        return r;
    }

    private static byte[] bytes(final BitWriter w) {
        return java.util.Arrays.copyOf(w.array(), w.byteLength());
    }

    private static int[] distinctSlots(final SplittableRandom rng, final int n) {
        final java.util.Set<Integer> seen = new java.util.HashSet<>();
        final int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int s;
            do {
                s = rng.nextInt(1 << rng.nextInt(17));
            } while (!seen.add(s));
            out[i] = s;
        }
        return out;
    }

    /** Entity ids whose varints take 1 to 5 bytes. */
    private static long randomHandle(final SplittableRandom rng) {
        final int index = (int) rng.nextLong(1L << rng.nextInt(32));
        final long generation = 1 + rng.nextLong((1L << (1 + rng.nextInt(32))) - 1);
        return EntityIds.of(index, (int) generation);
    }

    /** Random rules, a world holding every replicated component, and entities with random values. */
    private static final class Case {
        final ReplicationRules rules;
        final EntityCodec codec;
        final World world;
        final long[] entities;
        final List<Field> fields = new ArrayList<>();

        Case(final SplittableRandom rng) {
            final int id = NAMES.incrementAndGet();
            final int components = 1 + rng.nextInt(rng.nextInt(4) == 0 ? 10 : 4);
            final ComponentType.Builder posB = ComponentType.builder("P" + id);
            final FloatField x = posB.floatField("x");
            final FloatField y = posB.floatField("y");
            final List<FloatField> floats = new ArrayList<>(List.of(x, y));
            for (int f = rng.nextInt(3); f > 0; f--) {
                addField(posB, "p" + f, rng, floats);
            }
            final ComponentType[] types = new ComponentType[components];
            types[0] = posB.build();
            for (int c = 1; c < components; c++) {
                final ComponentType.Builder b = ComponentType.builder("C" + id + "_" + c);
                for (int f = rng.nextInt(5); f > 0; f--) {
                    addField(b, "f" + f, rng, floats);
                }
                types[c] = b.build();
            }
            final ReplicationRules.Builder rb = ReplicationRules.builder().position(x, y);
            for (int c = 1; c < components; c++) {
                rb.component(types[c], rng.nextBoolean() ? Visibility.EVERYONE : Visibility.OWNER_ONLY);
            }
            for (final FloatField f : floats) {
                switch (rng.nextInt(3)) {
                    case 0:
                        // whole-number bounds: with others, quantize can round a value at max to 2^bits for 24 bits
                        // and more (the float v - min rounds up), and server and client baselines then disagree
                        final int min = rng.nextInt(-1000, 1000);
                        rb.quantize(f, min, min + 1 + rng.nextInt(2000), 1 + rng.nextInt(31));
                        break;
                    case 1:
                        rb.angle(f, 2 + rng.nextInt(23));
                        break;
                    default:
                        break;  // raw float
                }
            }
            rules = rb.build();
            codec = new EntityCodec(rules);
            world = World.builder().components(types).build();
            final Archetype all = world.archetype(types);
            entities = new long[1 + rng.nextInt(4)];
            for (int e = 0; e < entities.length; e++) {
                entities[e] = world.create(all);
            }
            for (final ComponentType t : types) {
                fields.addAll(t.fields());
            }
            for (final long e : entities) {
                for (final Field f : fields) {
                    set(e, f, rng, false);
                }
            }
        }

        private static void addField(final ComponentType.Builder b, final String name, final SplittableRandom rng,
            final List<FloatField> floats) {
            switch (rng.nextInt(8)) {
                case 0:
                case 1:
                    floats.add(b.floatField(name));
                    break;
                case 2:
                    b.doubleField(name);
                    break;
                case 3:
                    b.boolField(name);
                    break;
                case 4:
                    b.intField(name);
                    break;
                case 5:
                    b.longField(name);
                    break;
                case 6:
                    b.shortField(name);
                    break;
                default:
                    b.byteField(name);
                    break;
            }
        }

        int randomMask(final SplittableRandom rng) {
            return rng.nextInt(4) == 0 ? rules.allMask : rng.nextInt(rules.allMask + 1);
        }

        /** New values for some fields (small steps mostly, so the deltas are short). */
        void mutate(final SplittableRandom rng) {
            for (final long e : entities) {
                for (final Field f : fields) {
                    if (rng.nextBoolean()) {
                        set(e, f, rng, true);
                    }
                }
            }
        }

        private void set(final long e, final Field f, final SplittableRandom rng, final boolean step) {
            if (f instanceof FloatField) {
                final FloatField ff = (FloatField) f;
                final float v = step && rng.nextInt(4) != 0 ? world.get(e, ff) + (float) rng.nextDouble(-2, 2)
                    : rng.nextInt(20) == 0 ? Float.NaN : (float) rng.nextDouble(-3000, 3000);
                world.set(e, ff, v);
            } else if (f instanceof DoubleField) {
                world.set(e, (DoubleField) f, rng.nextDouble(-1e9, 1e9));
            } else if (f instanceof BoolField) {
                world.set(e, (BoolField) f, rng.nextBoolean());
            } else if (f instanceof IntField) {
                world.set(e, (IntField) f, rng.nextInt() >> rng.nextInt(32));
            } else if (f instanceof LongField) {
                world.set(e, (LongField) f, rng.nextLong() >> rng.nextInt(64));
            } else if (f instanceof ShortField) {
                world.set(e, (ShortField) f, (short) rng.nextInt());
            } else if (f instanceof ByteField) {
                world.set(e, (ByteField) f, (byte) rng.nextInt());
            }
        }
    }
}

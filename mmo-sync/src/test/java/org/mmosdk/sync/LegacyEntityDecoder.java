package org.mmosdk.sync;

import org.mmosdk.core.id.EntityIds;
import org.mmosdk.ecs.Field;

/**
 * The record decoder as it was before the fixed-width and one-word header paths (issue 5): {@code EntityCodec.decode}
 * and the client's slot history, copied verbatim but for reading through {@link BitReader#peek(int)}. The reference
 * the new decoder must agree with, on good streams and on broken ones.
 */
final class LegacyEntityDecoder {
    private final ReplicationRules rules;
    private final int componentBits;
    private final int deltaCount;

    LegacyEntityDecoder(final ReplicationRules rules) {
        this.rules = rules;
        this.componentBits = rules.components.length;
        this.deltaCount = rules.deltaCount;
        this.decodeWidths = new int[Math.max(1, deltaCount)];
    }

    private static final long VARINT35_VALUE = (1L << 35) - 1;

    /**
     * A varint of at most 5 bytes from the low bits of {@code w} (the stream's next 64 bits): its value in the low 35
     * bits and the number of bits it took in bits 56 and up; -1 if it runs past 5 bytes.
     */
    private static long varint35(final long w) {
        long value = 0;
        for (int g = 0; g < 5; g++) {
            final long b = (w >>> (8 * g)) & 0xFF;
            value |= (b & 0x7F) << (7 * g);
            if (b < 0x80) {
                return value | ((long) (8 * (g + 1)) << 56);
            }
        }
        return -1;
    }

    /** Records decoded by {@link #decode}: header per record, the raw field values of each in {@link #values}. */
    int decodedCount;
    /** Of those, slot records sent against a base. */
    int decodedWithBase;
    /** Of those, slot records sent against an extrapolation from a prior base. */
    int decodedWithPrior;
    boolean[] recordFull = new boolean[64];
    long[] recordHandle = new long[64];
    int[] recordMask = new int[64];
    /** A record's view slot: an id record's, a slot record's; -1 for an id record that is not full. */
    int[] recordSlot = new int[64];
    /** Index in {@link #values} of a record's first field value. */
    int[] recordValues = new int[64];
    /**
     * Field values in record order, fields of the mask in wire order: the quantized step for bounded floats and
     * angles (deltas already resolved against their base), the raw bits for floats and doubles, 0/1 for booleans, the
     * (range-checked) value for integral fields.
     */
    long[] values = new long[256];

    // the client's view slots: the server entity bound to each, and the quantized delta fields of its last records
    long[] slotHandle = new long[0];
    /** Per slot, {@link EntityCodec#HISTORY} entries: the snapshot seq of the record (0: none). */
    private int[] historySeq = new int[0];
    /** Per entry, the delta fields' values after that record. */
    private int[] historyValues = new int[0];
    /** Per slot, entries written (the next one is {@code head % HISTORY}). */
    private int[] historyHead = new int[0];
    /** The delta widths of the snapshot being decoded. */
    private final int[] decodeWidths;

    boolean decode(final BitReader r, final int count, final long seq, final long commonBase) {
        ensureRecords(count);
        final ReplicationRules q = rules;
        final int[] first = q.firstField;
        final byte[] encoding = q.flatEncoding;
        final int[] fixed = q.flatFixedBits;
        final int[] deltaIndex = q.flatDelta;
        final int[] deltaPrefix = q.flatDeltaPrefix;
        final int[] fieldBits = q.flatBits;
        final int fieldCount = q.flatField.length;
        final int[] hist = historyValues;
        final int dw = deltaCount;
        long[] vals = values;
        final int limit = r.limitBits();
        final int n = componentBits;
        int pos = r.position();
        int v = 0;
        int previousSlot = -1;
        int withBase = 0;
        int withPrior = 0;
        final int[] widths = decodeWidths;
        int usualMask = 0;
        int usualPrior = 0;
        if (commonBase != 0) {
            for (int k = 0; k < fieldCount; k++) {
                final int di = deltaIndex[k];
                if (di >= 0) {
                    final int width = (int) (r.peek(pos) & ((1L << deltaPrefix[k]) - 1));
                    if (width >= fieldBits[k]) {
                        return false;
                    }
                    widths[di] = width;
                    pos += deltaPrefix[k];
                }
            }
            usualMask = (int) (r.peek(pos) & ((1L << n) - 1));
            pos += n;
            usualPrior = (int) (r.peek(pos) & 1);
            pos += 1;
        }
        for (int i = 0; i < count; i++) {
            long w = r.peek(pos);
            final int m;
            int baseEntry = -1;
            int baseMask = 0;
            int priorEntry = -1;
            int priorGap = 0;
            long age = 0;
            if ((w & 1) != 0) {
                // id record: [1][full:1][gamma(slot + 1)][index: varint <= 5 groups][generation: varint <= 5 groups][mask]
                final boolean isFull = (w & 2) != 0;
                pos += 2;
                final int slotPlusOne = gamma(r.peek(pos));
                if (slotPlusOne <= 0 || slotPlusOne > EntityCodec.MAX_SLOTS) {
                    return false;
                }
                pos += gammaBits(slotPlusOne);
                long vi = varint35(r.peek(pos));
                if (vi < 0) {
                    return false;
                }
                final long index = vi & VARINT35_VALUE;
                pos += (int) (vi >>> 56);
                w = r.peek(pos);
                vi = varint35(w);
                if (vi < 0) {
                    return false;
                }
                final long generation = vi & VARINT35_VALUE;
                int used = (int) (vi >>> 56);
                w >>>= used;
                if (used + n > 57) {
                    pos += used;
                    w = r.peek(pos);
                    used = 0;
                }
                m = (int) (w & ((1L << n) - 1));
                pos += used + n;
                if (index > EntityIds.MAX_INDEX || generation == 0 || generation > 0xFFFFFFFFL) {
                    return false;
                }
                recordFull[i] = isFull;
                recordHandle[i] = EntityIds.of((int) index, (int) generation);
                recordSlot[i] = isFull ? slotPlusOne - 1 : -1;
            } else {
                // slot record: [0][gamma(gap)][1] (usual shape) | [0][gamma(gap)][0][base][prior][mask]
                pos += 1;
                final int gap = gamma(r.peek(pos));
                if (gap <= 0) {
                    return false;
                }
                pos += gammaBits(gap);
                final int slot = previousSlot + gap;
                if (slot >= slotHandle.length || slotHandle[slot] == EntityIds.NONE) {
                    return false;
                }
                previousSlot = slot;
                // [1]: the snapshot's usual shape (common base, usual mask, usual prior), else [0][base][prior][mask]
                final boolean usual = (r.peek(pos) & 1) != 0;
                pos += 1;
                w = usual ? 1 : r.peek(pos);
                final long baseSeq;
                if ((w & 1) != 0) {
                    if (!usual) {
                        pos += 1;
                    }
                    baseSeq = commonBase;
                    if (baseSeq == 0) {
                        return false;
                    }
                } else {
                    pos += 1;
                    final int code = gamma(w >>> 1);
                    if (code <= 0) {
                        return false;
                    }
                    pos += gammaBits(code);
                    baseSeq = code == EntityCodec.BASE_NONE ? 0 : seq - (code - 1);
                    if (code != EntityCodec.BASE_NONE && baseSeq <= 0) {
                        return false;
                    }
                }
                if (baseSeq != 0) {
                    if (commonBase == 0) {
                        return false;   // no delta widths in this snapshot
                    }
                    baseEntry = findEntry(slot, baseSeq);
                    if (baseEntry < 0) {
                        return false;
                    }
                    baseMask = -1;
                    withBase++;
                    age = seq - baseSeq;
                    // [0] | [1][gamma(base - prior base)], or the usual prior
                    final long pw = usual ? usualPrior : r.peek(pos);
                    if (!usual) {
                        pos += 1;
                    }
                    if ((pw & 1) != 0) {
                        priorGap = usual ? 1 : gamma(pw >>> 1);
                        if (priorGap <= 0 || baseSeq - priorGap <= 0) {
                            return false;
                        }
                        if (!usual) {
                            pos += gammaBits(priorGap);
                        }
                        priorEntry = findEntry(slot, baseSeq - priorGap);
                        if (priorEntry < 0) {
                            return false;
                        }
                        withPrior++;
                    }
                }
                if (usual) {
                    m = usualMask;
                } else {
                    m = (int) (r.peek(pos) & ((1L << n) - 1));
                    pos += n;
                }
                recordFull[i] = false;
                recordHandle[i] = slotHandle[slot];
                recordSlot[i] = slot;
            }
            recordMask[i] = m;
            recordValues[i] = v;
            // fields of the components in the mask; at most every field of the rules
            if (v + fieldCount > vals.length) {
                values = java.util.Arrays.copyOf(vals, Math.max(vals.length * 2, v + fieldCount));
                vals = values;
            }
            for (int bitsLeft = m; bitsLeft != 0; bitsLeft &= bitsLeft - 1) {
                final int c = Integer.numberOfTrailingZeros(bitsLeft);
                for (int k = first[c], fieldsEnd = first[c + 1]; k < fieldsEnd; k++) {
                    final int width = fixed[k];
                    final long x;
                    if (baseMask != 0 && deltaIndex[k] >= 0) {
                        long word = r.peek(pos);
                        final int prefix = deltaPrefix[k];
                        final int bits = fieldBits[k];
                        final long from = priorEntry < 0 ? hist[baseEntry * dw + deltaIndex[k]]
                            : EntityCodec.predict(hist[baseEntry * dw + deltaIndex[k]], hist[priorEntry * dw + deltaIndex[k]], age,
                                priorGap, bits, encoding[k] == ReplicationRules.ANGLE);
                        final int code;
                        if ((word & 1) != 0) {
                            // [1][zigzag delta in the snapshot's common width]
                            final int common = widths[deltaIndex[k]];
                            final long zz = (word >>> 1) & ((1L << common) - 1);
                            pos += 1 + common;
                            x = addDelta(from, zz, bits, encoding[k] == ReplicationRules.ANGLE);
                            if (x < 0) {
                                return false;
                            }
                            vals[v++] = x;
                            continue;
                        }
                        pos += 1;
                        word >>>= 1;
                        code = (int) (word & ((1L << prefix) - 1));
                        if (code == 0) {
                            x = from;
                            pos += prefix;
                        } else if (code < bits) {
                            final long zz = (1L << (code - 1)) | ((word >>> prefix) & ((1L << (code - 1)) - 1));
                            pos += prefix + code - 1;
                            x = addDelta(from, zz, bits, encoding[k] == ReplicationRules.ANGLE);
                            if (x < 0) {
                                return false;
                            }
                        } else if (code == bits) {
                            x = (word >>> prefix) & ((1L << bits) - 1);
                            pos += prefix + bits;
                        } else {
                            return false;
                        }
                    } else if (width != 0) {
                        x = r.peek(pos) & ((1L << width) - 1);
                        pos += width;
                    } else if (encoding[k] == ReplicationRules.RAW_DOUBLE) {
                        x = (r.peek(pos) & 0xFFFF_FFFFL)
                            | (r.peek(pos + 32) << 32);
                        pos += 64;
                    } else {
                        long raw = 0;
                        int g = 0;
                        for (; g < 10; g++) {
                            final long b = r.peek(pos) & 0xFF;
                            pos += 8;
                            raw |= (b & 0x7F) << (7 * g);
                            if (b < 0x80) {
                                break;
                            }
                        }
                        if (g == 10) {
                            return false;
                        }
                        x = EntityCodec.unzigzag(raw);
                        if (!fitsIntegral(q.flatField[k], x)) {
                            return false;
                        }
                    }
                    vals[v++] = x;
                }
            }
            if (pos > limit) {
                return false;
            }
        }
        decodedCount = count;
        decodedWithBase = withBase;
        decodedWithPrior = withPrior;
        return limit - pos < 8;
    }

    /** {@code from} plus a zigzag delta: wrapped for angles, else -1 when outside {@code [0, 2^bits)}. */
    private static long addDelta(final long from, final long zz, final int bits, final boolean angle) {
        final long sum = from + EntityCodec.unzigzag(zz);
        if (angle) {
            return sum & ((1L << bits) - 1);
        }
        return sum < 0 || sum >= 1L << bits ? -1 : sum;
    }

    /** The gamma-coded number at the low bits of {@code w} (at least 57 valid bits), or -1 if it is too long. */
    private static int gamma(final long w) {
        final int z = Long.numberOfTrailingZeros(w);
        if (z > 27) {
            return -1;
        }
        return (1 << z) | (int) ((w >>> (z + 1)) & ((1L << z) - 1));
    }

    private static int gammaBits(final int value) {
        return 2 * (31 - Integer.numberOfLeadingZeros(value)) + 1;
    }

    /** The history entry of {@code slot} written by snapshot {@code seq}, or -1. */
    private int findEntry(final int slot, final long seq) {
        final int[] seqs = historySeq;
        for (int j = slot * EntityCodec.HISTORY, end = j + EntityCodec.HISTORY; j < end; j++) {
            if (seqs[j] == (int) seq && seq > 0 && seq <= 0xFFFF_FFFFL) {
                return j;
            }
        }
        return -1;
    }

    void remember(final int i, final int seq) {
        final int slot = recordSlot[i];
        if (slot < 0) {
            return;
        }
        final int dw = deltaCount;
        if (recordFull[i]) {
            ensureSlots(slot + 1);
            slotHandle[slot] = recordHandle[i];
        }
        final int head = historyHead[slot];
        final int entry = slot * EntityCodec.HISTORY + (head & (EntityCodec.HISTORY - 1));
        final int previous = slot * EntityCodec.HISTORY + ((head - 1) & (EntityCodec.HISTORY - 1));
        final int[] hv = historyValues;
        if (recordFull[i] || head == 0) {
            java.util.Arrays.fill(hv, entry * dw, entry * dw + dw, 0);
        } else {
            System.arraycopy(hv, previous * dw, hv, entry * dw, dw);
        }
        final ReplicationRules q = rules;
        final int[] first = q.firstField;
        int v = recordValues[i];
        for (int bitsLeft = recordMask[i]; bitsLeft != 0; bitsLeft &= bitsLeft - 1) {
            final int c = Integer.numberOfTrailingZeros(bitsLeft);
            for (int k = first[c], end = first[c + 1]; k < end; k++) {
                final int di = q.flatDelta[k];
                if (di >= 0) {
                    hv[entry * dw + di] = (int) values[v];
                }
                v++;
            }
        }
        historySeq[entry] = seq;
        historyHead[slot] = head + 1;
    }

    private void ensureSlots(final int slots) {
        if (slotHandle.length >= slots) {
            return;
        }
        final int size = Math.min(EntityCodec.MAX_SLOTS, Math.max(slots, Math.max(64, slotHandle.length * 2)));
        slotHandle = java.util.Arrays.copyOf(slotHandle, size);
        historySeq = java.util.Arrays.copyOf(historySeq, size * EntityCodec.HISTORY);
        historyValues = java.util.Arrays.copyOf(historyValues, size * EntityCodec.HISTORY * Math.max(1, deltaCount));
        historyHead = java.util.Arrays.copyOf(historyHead, size);
    }

    private static boolean fitsIntegral(final Field field, final long v) {
        switch (field.kind()) {
            case BYTE:
                return v == (byte) v;
            case SHORT:
                return v == (short) v;
            case INT:
                return v == (int) v;
            default:
                return true;
        }
    }

    private void ensureRecords(final int count) {
        if (recordFull.length < count) {
            final int size = Math.max(count, recordFull.length * 2);
            recordFull = new boolean[size];
            recordHandle = new long[size];
            recordMask = new int[size];
            recordSlot = new int[size];
            recordValues = new int[size];
        }
    }
}

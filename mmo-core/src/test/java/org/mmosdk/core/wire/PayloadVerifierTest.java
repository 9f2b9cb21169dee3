package org.mmosdk.core.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import com.google.flatbuffers.FlatBufferBuilder;
import org.junit.jupiter.api.Test;
import org.mmosdk.core.wire.fb.Close;
import org.mmosdk.core.wire.fb.Ping;
import org.mmosdk.core.wire.testfb.Effect;
import org.mmosdk.core.wire.testfb.Everything;
import org.mmosdk.core.wire.testfb.Item;

/** One test per attack the verifier guards against. */
class PayloadVerifierTest {
    private final PayloadVerifier verifier = new PayloadVerifier();

    @Test
    void acceptsWhatTheBuilderWrites() {
        final Random random = new Random(1);
        for (int i = 0; i < 500; i++) {
            final byte[] bytes = TestMessages.randomEverything(random, 4);
            assertThat(verifier.verify(ByteBuffer.wrap(bytes), 0, bytes.length, TestMessages.EVERYTHING))
                .as(verifier.lastError()).isEqualTo(WireError.OK);
        }
    }

    @Test
    void vectorLengthOfFourGigabytesIsRejectedWithoutReadingIt() {
        final FlatBufferBuilder b = new FlatBufferBuilder();
        final int bytes = Everything.createBytesVector(b, new byte[] {1, 2, 3});
        Everything.startEverything(b);
        Everything.addBytes(b, bytes);
        b.finish(Everything.endEverything(b));
        final byte[] payload = b.sizedByteArray();
        final int lengthAt = indexOfInt(payload, 3);
        ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN).putInt(lengthAt, 0xFFFF_FFFF);
        assertThat(verify(payload)).isEqualTo(WireError.TOO_LONG); // max_len 64 applies first
        ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN).putInt(lengthAt, 60);
        assertThat(verify(payload)).isEqualTo(WireError.OUT_OF_BOUNDS);
    }

    @Test
    void unboundedVectorLengthIsCheckedAgainstThePayload() {
        final FlatBufferBuilder b = new FlatBufferBuilder();
        final int longs = Everything.createLongsVector(b, new long[] {7, 8});
        Everything.startEverything(b);
        Everything.addLongs(b, longs);
        b.finish(Everything.endEverything(b));
        final byte[] payload = b.sizedByteArray();
        final int lengthAt = indexOfInt(payload, 2);
        ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN).putInt(lengthAt, 0x7FFF_FFFF);
        assertThat(verify(payload)).isEqualTo(WireError.OUT_OF_BOUNDS);
        assertThat(verifier.lastError()).isEqualTo("OUT_OF_BOUNDS at byte " + lengthAt + " in "
            + Everything.class.getName() + ".longs");
    }

    @Test
    void unionTagThatNamesNoMemberIsRejected() {
        final FlatBufferBuilder b = new FlatBufferBuilder();
        final int item = TestMessages.item(b, new Random(2));
        Everything.startEverything(b);
        Everything.addEffectType(b, Effect.Item);
        Everything.addEffect(b, item);
        b.finish(Everything.endEverything(b));
        final byte[] payload = b.sizedByteArray();
        assertThat(verify(payload)).isEqualTo(WireError.OK);
        final Everything root = Everything.getRootAsEverything(ByteBuffer.wrap(payload));
        final int tagAt = tagPosition(payload);
        payload[tagAt] = 9;
        assertThat(verify(payload)).isEqualTo(WireError.BAD_UNION_TAG);
        assertThat(verifier.lastError()).contains("Everything.effect");
    }

    @Test
    void stringWithoutTerminatorOrWithBadUtf8IsRejected() {
        final byte[] payload = closeMessage("héllo");
        assertThat(verify(payload, Close.class)).isEqualTo(WireError.OK);
        final int start = indexOf(payload, "h".getBytes(StandardCharsets.UTF_8)[0]);
        final byte[] noZero = payload.clone();
        noZero[start + "héllo".getBytes(StandardCharsets.UTF_8).length] = 'x';
        assertThat(verify(noZero, Close.class)).isEqualTo(WireError.BAD_STRING);
        final byte[] badUtf8 = payload.clone();
        badUtf8[start + 1] = (byte) 0xC3;
        badUtf8[start + 2] = (byte) 0x28; // continuation byte missing
        assertThat(verify(badUtf8, Close.class)).isEqualTo(WireError.BAD_STRING);
        final byte[] surrogate = closeMessage("ab");
        final int s = indexOf(surrogate, (byte) 'a');
        final byte[] withSurrogate = new byte[surrogate.length];
        System.arraycopy(surrogate, 0, withSurrogate, 0, surrogate.length);
        // overlong encoding of '/' is invalid
        withSurrogate[s] = (byte) 0xC0;
        withSurrogate[s + 1] = (byte) 0xAF;
        assertThat(verify(withSurrogate, Close.class)).isEqualTo(WireError.BAD_STRING);
    }

    @Test
    void stringOverMaxLenIsRejected() {
        assertThat(verify(closeMessage("x".repeat(256)), Close.class)).isEqualTo(WireError.OK);
        assertThat(verify(closeMessage("x".repeat(257)), Close.class)).isEqualTo(WireError.TOO_LONG);
    }

    @Test
    void nestingBeyondTheDepthLimitIsRejected() {
        final FlatBufferBuilder b = new FlatBufferBuilder();
        int child = 0;
        for (int i = 0; i < 100; i++) {
            Everything.startEverything(b);
            Everything.addChild(b, child);
            Everything.addI(b, i);
            child = Everything.endEverything(b);
        }
        b.finish(child);
        final byte[] payload = b.sizedByteArray();
        assertThat(verify(payload)).isEqualTo(WireError.TOO_DEEP);
        assertThat(new PayloadVerifier(128, 1000, true).verify(ByteBuffer.wrap(payload), 0, payload.length,
            TestMessages.EVERYTHING)).isEqualTo(WireError.OK);
    }

    @Test
    void sharedSubObjectsCannotMakeVerificationExpensive() {
        // one item referenced 10,000 times: a few KB of payload, 10k objects to visit
        final FlatBufferBuilder b = new FlatBufferBuilder();
        final int name = b.createString("x".repeat(30));
        final int item = Item.createItem(b, 1, name, 0);
        final int[] refs = new int[10_000];
        java.util.Arrays.fill(refs, item);
        final int names = Everything.createNamesVector(b, new int[] {name, name});
        Everything.startItemsVector(b, refs.length);
        for (int i = refs.length - 1; i >= 0; i--) {
            b.addOffset(refs[i]);
        }
        final int items = b.endVector();
        Everything.startEverything(b);
        Everything.addNames(b, names);
        Everything.addItems(b, items);
        b.finish(Everything.endEverything(b));
        final byte[] payload = b.sizedByteArray();
        final TableSchema unlimited = WireSchema.fromResource(Everything.class, "verify_test.bfbs").table(Everything.class);
        assertThat(new PayloadVerifier(64, 1_000, true).verify(ByteBuffer.wrap(payload), 0, payload.length, unlimited))
            .isIn(WireError.TOO_COMPLEX, WireError.TOO_LONG);
        assertThat(new PayloadVerifier(64, 1_000_000, true).verify(ByteBuffer.wrap(payload), 0, payload.length, unlimited))
            .isEqualTo(WireError.TOO_LONG); // items has max_len 16
    }

    @Test
    void tinyOrEmptyPayloadsAreTruncated() {
        assertThat(verifier.verify(ByteBuffer.allocate(3), 0, 3, TestMessages.EVERYTHING)).isEqualTo(WireError.TRUNCATED);
        assertThat(verifier.verify(ByteBuffer.allocate(0), 0, 0, TestMessages.EVERYTHING)).isEqualTo(WireError.TRUNCATED);
        assertThat(verifier.verify(ByteBuffer.allocate(8), 4, 8, TestMessages.EVERYTHING)).isEqualTo(WireError.OUT_OF_BOUNDS);
    }

    @Test
    void coreSchemaIsLoadedFromTheCommittedBinarySchema() {
        final WireSchema core = MessageTypes.coreSchema();
        assertThat(core.table(Ping.class).name()).isEqualTo("org.mmosdk.core.wire.fb.Ping");
        assertThat(core.tables()).extracting(TableSchema::name).containsExactlyInAnyOrder(
            "org.mmosdk.core.wire.fb.Ping", "org.mmosdk.core.wire.fb.Pong", "org.mmosdk.core.wire.fb.Close");
        assertThatThrownBy(() -> core.table("org.mmosdk.core.wire.fb.Nope"))
            .hasMessageStartingWith("no table 'org.mmosdk.core.wire.fb.Nope' in this schema");
        assertThatThrownBy(() -> WireSchema.fromBytes(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9}))
            .hasMessageContaining("not a FlatBuffers binary schema");
        assertThatThrownBy(() -> WireSchema.fromResource(Ping.class, "missing.bfbs"))
            .hasMessageContaining("run tools/gen-flatbuffers.sh");
    }

    private int verify(final byte[] payload) {
        return verifier.verify(ByteBuffer.wrap(payload), 0, payload.length, TestMessages.EVERYTHING);
    }

    private int verify(final byte[] payload, final Class<? extends com.google.flatbuffers.Table> table) {
        return verifier.verify(ByteBuffer.wrap(payload), 0, payload.length, MessageTypes.coreSchema().table(table));
    }

    private static byte[] closeMessage(final String reason) {
        final FlatBufferBuilder b = new FlatBufferBuilder();
        b.finish(Close.createClose(b, 7, b.createString(reason)));
        return b.sizedByteArray();
    }

    private static int tagPosition(final byte[] payload) {
        final Everything root = Everything.getRootAsEverything(ByteBuffer.wrap(payload));
        // effect_type is field id 16 -> vtable offset 4 + 2 * 16 = 36; read it like the generated code does
        final ByteBuffer bb = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
        final int table = bb.getInt(0);
        final int vtable = table - bb.getInt(table);
        assertThat(root.effectType()).isEqualTo(Effect.Item);
        return table + bb.getShort(vtable + 36);
    }

    private static int indexOfInt(final byte[] bytes, final int value) {
        final ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i + 4 <= bytes.length; i += 4) {
            if (bb.getInt(i) == value) {
                return i;
            }
        }
        throw new AssertionError("value " + value + " not found");
    }

    private static int indexOf(final byte[] bytes, final byte value) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == value) {
                return i;
            }
        }
        throw new AssertionError("byte not found");
    }
}

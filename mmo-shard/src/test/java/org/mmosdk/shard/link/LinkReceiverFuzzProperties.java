package org.mmosdk.shard.link;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

import com.google.flatbuffers.FlatBufferBuilder;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.mmosdk.core.stats.StatsRegistry;
import org.mmosdk.core.wire.EnvelopeWriter;
import org.mmosdk.core.wire.MessageRegistry;
import org.mmosdk.core.wire.WireError;
import org.mmosdk.shard.wire.fb.Handoff;
import org.mmosdk.shard.wire.fb.LinkData;

/** Hostile bytes through the receiving side of a link: a clean error code, never an exception, never a bad read. */
class LinkReceiverFuzzProperties {
    private final AtomicLong handled = new AtomicLong();
    private final LinkReceiver receiver = new LinkReceiver(MessageRegistry.<LinkSource>builder()
        .register(ShardMessageTypes.HANDOFF, ShardMessageTypes.schema().table(Handoff.class), 65_600, (s, t, p) -> {
            final Handoff h = Handoff.getRootAsHandoff(p);
            // every accessor of a verified payload reads inside the buffer
            long sum = h.gid() + h.transfer() + h.fromZone() + h.toZone() + h.entityLength();
            for (int i = 0; i < h.entityLength(); i++) {
                sum += h.entity(i);
            }
            handled.addAndGet(sum == Long.MIN_VALUE ? 0 : 1);
        })
        .build(), new NodeLinks.LinkStats(new StatsRegistry(), 1), 1 << 20);
    private final MessageRegistry<LinkSource> outer = MessageRegistry.<LinkSource>builder()
        .maxPayloadBytes(1 << 20)
        .register(ShardMessageTypes.LINK_DATA, ShardMessageTypes.schema().table(LinkData.class), 1 << 20,
            (s, t, p) -> {
                final int rc = receiver.deliver(s, p);
                if (rc < 0) {
                    throw new IllegalStateException(receiver.lastError());
                }
            })
        .build();
    private final LinkSource source = new LinkSource(2);

    private static byte[] validLinkData(final long id, final byte[] entity) {
        final EnvelopeWriter inner = new EnvelopeWriter();
        final FlatBufferBuilder b = inner.begin(ShardMessageTypes.HANDOFF);
        final int e = Handoff.createEntityVector(b, entity);
        final ByteBuffer handoff = inner.finish(Handoff.createHandoff(b, 77, id, 0, 1, 0, e));
        final EnvelopeWriter outerWriter = new EnvelopeWriter();
        final FlatBufferBuilder o = outerWriter.begin(ShardMessageTypes.LINK_DATA);
        final int m = LinkData.createMessageVector(o, handoff);
        final ByteBuffer out = outerWriter.finish(LinkData.createLinkData(o, 5, id, m));
        final byte[] bytes = new byte[out.remaining()];
        out.get(bytes);
        return bytes;
    }

    private int dispatch(final byte[] envelope) {
        return outer.newDispatcher().dispatch(source, ByteBuffer.wrap(envelope), 0, envelope.length);
    }

    @Property(tries = 3000)
    void randomBytesGiveAnErrorCode(@ForAll @Size(max = 300) final byte[] body) {
        final byte[] envelope = new byte[body.length + 2];
        envelope[0] = 0x00;
        envelope[1] = 0x04; // LINK_DATA
        System.arraycopy(body, 0, envelope, 2, body.length);
        final int rc = dispatch(envelope);
        assertThat(rc).isIn(WireError.OK, WireError.TRUNCATED, WireError.TOO_LARGE, WireError.OUT_OF_BOUNDS,
            WireError.BAD_VTABLE, WireError.FIELD_OUT_OF_TABLE, WireError.TOO_LONG, WireError.BAD_STRING,
            WireError.BAD_UNION_TAG, WireError.MISSING_REQUIRED, WireError.TOO_DEEP, WireError.TOO_COMPLEX,
            WireError.HANDLER_FAILED);
    }

    @Property(tries = 3000)
    void mutatedValidMessagesGiveAnErrorCodeOrAVerifiedDelivery(
        @ForAll @IntRange(min = 1, max = 1000) final int id, @ForAll @Size(max = 64) final byte[] entity,
        @ForAll @IntRange(min = 0, max = 10_000) final int position, @ForAll final byte value,
        @ForAll @IntRange(min = 0, max = 3) final int extraFlips) {
        final byte[] envelope = validLinkData(id, entity);
        envelope[2 + position % (envelope.length - 2)] = value;
        for (int i = 0; i < extraFlips; i++) {
            envelope[2 + (position * 31 + i * 17) % (envelope.length - 2)] ^= (byte) (value + i + 1);
        }
        final int rc = dispatch(envelope);
        assertThat(rc).isLessThanOrEqualTo(WireError.OK);
    }

    @Property(tries = 200)
    void validMessagesAreDeliveredOncePerId(@ForAll @IntRange(min = 1, max = 1000) final int id,
                                            @ForAll @Size(max = 64) final byte[] entity) {
        final long before = handled.get();
        final byte[] envelope = validLinkData(id, entity);
        final int first = dispatch(envelope);
        final int second = dispatch(envelope);
        assertThat(first).isEqualTo(WireError.OK);
        assertThat(second).isEqualTo(WireError.OK);
        final boolean fresh = handled.get() == before + 1;
        assertThat(handled.get() - before).as("delivered at most once").isLessThanOrEqualTo(1);
        if (fresh) {
            assertThat(receiver.dedupe(2).tryBegin(5, id)).isEqualTo(Dedupe.DUPLICATE);
        }
    }
}

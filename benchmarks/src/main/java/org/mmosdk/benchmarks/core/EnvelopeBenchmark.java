package org.mmosdk.benchmarks.core;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import com.google.flatbuffers.FlatBufferBuilder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.mmosdk.benchmarks.fb.PlayerInput;
import org.mmosdk.core.wire.EnvelopeWriter;
import org.mmosdk.core.wire.MessageDispatcher;
import org.mmosdk.core.wire.MessageRegistry;
import org.mmosdk.core.wire.TableSchema;
import org.mmosdk.core.wire.WireError;
import org.mmosdk.core.wire.WireSchema;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Encode + decode of a small message (a 7-field player input, 42 bytes on the wire) through the envelope:
 * {@link EnvelopeWriter} with a reused builder, then {@link MessageDispatcher}: header, size cap, payload
 * verification, handler reading every field in place.
 *
 * <ul>
 *   <li>{@code encodeDecode}: into the writer's own buffer, dispatched as a {@code ByteBuffer};</li>
 *   <li>{@code encodeDecodePooledDirect}: written into a pooled direct Netty {@code ByteBuf} (what the gateway
 *       sends and receives), dispatched from it;</li>
 *   <li>{@code encodeOnly}, {@code decodeOnly}: the two halves;</li>
 *   <li>{@code decodeUnverified}: the generated accessors alone, without the verifier — the floor that shows what
 *       verification of untrusted input costs.</li>
 * </ul>
 * Expected allocation: 0 B/op for all ({@code -prof gc}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class EnvelopeBenchmark {
    static final int INPUT_TYPE = 0x1000;

    private final EnvelopeWriter writer = new EnvelopeWriter();
    private final PlayerInput input = new PlayerInput();
    private MessageDispatcher<EnvelopeBenchmark> dispatcher;
    private ByteBuf direct;
    private ByteBuffer encoded;
    private int encodedPosition;
    private int encodedLength;
    private int seq;
    private long checksum;

    @Setup(Level.Trial)
    public void setUp() {
        final TableSchema schema = WireSchema.fromResource(PlayerInput.class, "bench.bfbs").table(PlayerInput.class);
        dispatcher = MessageRegistry.<EnvelopeBenchmark>builder()
            .register(INPUT_TYPE, schema, 128, EnvelopeBenchmark::onInput)
            .build()
            .newDispatcher();
        direct = PooledByteBufAllocator.DEFAULT.directBuffer(256);
        final ByteBuffer message = encode();
        encoded = ByteBuffer.allocate(message.remaining());
        encoded.put(message).flip();
        encodedPosition = 0;
        encodedLength = encoded.remaining();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        direct.release();
    }

    private void onInput(final int typeId, final ByteBuffer payload) {
        final PlayerInput in = PlayerInput.getRootAsPlayerInput(payload, input);
        checksum += in.seq() + in.tick() + Float.floatToRawIntBits(in.moveX()) + Float.floatToRawIntBits(in.moveY())
            + Float.floatToRawIntBits(in.yaw()) + in.buttons() + in.ackSnapshot();
    }

    private ByteBuffer encode() {
        final FlatBufferBuilder b = writer.begin(INPUT_TYPE);
        final int s = ++seq;
        return writer.finish(PlayerInput.createPlayerInput(b, s, s >> 1, 0.5f, -0.25f, 1.5f, s & 7, s - 3));
    }

    @Benchmark
    public long encodeDecode() {
        final ByteBuffer message = encode();
        final int rc = dispatcher.dispatch(this, message, message.position(), message.remaining());
        if (rc != WireError.OK) {
            throw new IllegalStateException(dispatcher.lastError());
        }
        return checksum;
    }

    @Benchmark
    public long encodeDecodePooledDirect() {
        direct.clear();
        final FlatBufferBuilder b = writer.begin(INPUT_TYPE);
        final int s = ++seq;
        writer.finishTo(PlayerInput.createPlayerInput(b, s, s >> 1, 0.5f, -0.25f, 1.5f, s & 7, s - 3), direct);
        final int rc = dispatcher.dispatch(this, direct);
        if (rc != WireError.OK) {
            throw new IllegalStateException(dispatcher.lastError());
        }
        return checksum;
    }

    @Benchmark
    public ByteBuffer encodeOnly() {
        return encode();
    }

    @Benchmark
    public long decodeOnly() {
        final int rc = dispatcher.dispatch(this, encoded, encodedPosition, encodedLength);
        if (rc != WireError.OK) {
            throw new IllegalStateException(dispatcher.lastError());
        }
        return checksum;
    }

    @Benchmark
    public long decodeUnverified() {
        encoded.position(encodedPosition + 2);
        onInput(INPUT_TYPE, encoded);
        encoded.position(encodedPosition);
        return checksum;
    }
}

package org.mmosdk.benchmarks.core;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.mmosdk.benchmarks.net.PipelineEchoBenchmark;
import org.mmosdk.core.wire.Envelope;
import org.mmosdk.core.wire.MessageDispatcher;
import org.mmosdk.core.wire.MessageRegistry;
import org.mmosdk.core.wire.MessageTypes;
import org.mmosdk.core.wire.PayloadVerifier;
import org.mmosdk.core.wire.TableSchema;
import org.mmosdk.core.wire.fb.Close;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The verification and dispatch steps of {@code PipelineEchoBenchmark.mmoNet} without the pipeline: the same 64-byte
 * envelope ({@code Close} with a 32-byte reason), in a pooled direct buffer as the gateway receives it.
 *
 * <ul>
 *   <li>{@code verify}: {@code PayloadVerifier.verify} on the payload, through the buffer's NIO view;</li>
 *   <li>{@code dispatch}: {@code MessageDispatcher.dispatch(context, ByteBuf)}, verification included, to a handler
 *       that reads one field in place, as the echo handler does (no echo).</li>
 * </ul>
 * Not compared with a peer: it explains the gateway's figure, read it next to {@code PipelineEchoBenchmark}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class DispatchBenchmark {
    /** {@code direct}: the pooled direct buffer the gateway reads into; {@code heap}: a heap copy of it. */
    @Param({"direct"})
    public String buffer;

    private ByteBuf frame;
    private ByteBuffer view;
    private int payloadOffset;
    private int payloadLength;
    private TableSchema schema;
    private PayloadVerifier verifier;
    private MessageDispatcher<Object> dispatcher;
    private final Close flyweight = new Close();
    private long sink;

    @Setup(Level.Trial)
    public void setUp() {
        final ByteBuf prefixed = PipelineEchoBenchmark.envelopeFrame();
        final int n = prefixed.readableBytes() - 4;
        if (buffer.equals("direct")) {
            frame = PooledByteBufAllocator.DEFAULT.directBuffer(n);
        } else if (buffer.equals("heap")) {
            frame = PooledByteBufAllocator.DEFAULT.heapBuffer(n);
        } else {
            throw new IllegalArgumentException("buffer must be direct or heap, was " + buffer);
        }
        frame.writeBytes(prefixed, prefixed.readerIndex() + 4, n);
        prefixed.release();
        view = frame.nioBuffer(frame.readerIndex(), n);
        payloadOffset = view.position() + Envelope.HEADER_BYTES;
        payloadLength = n - Envelope.HEADER_BYTES;
        schema = MessageTypes.coreSchema().table(Close.class);
        verifier = new PayloadVerifier();
        dispatcher = MessageRegistry.builder()
            .register(PipelineEchoBenchmark.ECHO, schema, (context, type, payload) -> {
                sink += Close.getRootAsClose(payload, flyweight).code();
            })
            .build().newDispatcher();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        frame.release();
        if (sink == 42) {
            System.out.println();
        }
    }

    @Benchmark
    public int verify() {
        return verifier.verify(view, payloadOffset, payloadLength, schema);
    }

    @Benchmark
    public int dispatch() {
        return dispatcher.dispatch(this, frame);
    }
}

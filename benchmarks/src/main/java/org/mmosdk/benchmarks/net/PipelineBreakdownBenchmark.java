package org.mmosdk.benchmarks.net;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import com.google.flatbuffers.FlatBufferBuilder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.util.ReferenceCountUtil;
import org.mmosdk.core.wire.Envelope;
import org.mmosdk.core.wire.EnvelopeWriter;
import org.mmosdk.core.wire.MessageDispatcher;
import org.mmosdk.core.wire.MessageRegistry;
import org.mmosdk.core.wire.MessageTypes;
import org.mmosdk.core.wire.fb.Close;
import org.mmosdk.net.Authenticator;
import org.mmosdk.net.Gateway;
import org.mmosdk.net.RateLimitPolicy;
import org.mmosdk.net.Session;
import org.mmosdk.net.Transport;
import org.mmosdk.net.internal.Control;
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
 * Where {@link PipelineEchoBenchmark}'s gap comes from: the same round trip with one step changed at a time.
 *
 * <ul>
 *   <li>{@code full}: as {@code PipelineEchoBenchmark.mmoNet};</li>
 *   <li>{@code noIdle}: the {@code idle} handler removed from the pipeline (if there is one);</li>
 *   <li>{@code sliceDecoder}: the gateway's decoder replaced by Netty's slicing {@code LengthFieldBasedFrameDecoder};</li>
 *   <li>{@code noRetain}: the handler echoes the envelope it is handed instead of retaining the frame;</li>
 *   <li>{@code plainPrepender}: the peer written the textbook way, {@code LengthFieldBasedFrameDecoder} +
 *       {@code LengthFieldPrepender} and a handler that writes the frame back;</li>
 *   <li>{@code dispatchOnly}: no pipeline, mmo-core's {@code MessageDispatcher} (verification + handler call) on
 *       the frame, the handler reads one field;</li>
 *   <li>{@code fourPerRead}: as {@code full}, but each read carries four frames (one op = four messages), as a
 *       socket read of a busy client does: shows what is paid per read rather than per message.</li>
 * </ul>
 * Not a target of its own: read it next to {@code PipelineEchoBenchmark} (same harness, same JVM flags).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Djmh.executor=CUSTOM", "-Djmh.executor.class=org.mmosdk.benchmarks.net.NettyThreadExecutor",
    "-Dio.netty.leakDetection.level=disabled"})
@State(Scope.Thread)
public class PipelineBreakdownBenchmark {
    @Param({"full", "noIdle", "sliceDecoder", "noRetain", "plainPrepender", "dispatchOnly", "fourPerRead"})
    public String variant;

    private Gateway gateway;
    private EmbeddedChannel ch;
    private ByteBuf input;
    private ByteBuf frame;
    private MessageDispatcher<Session> dispatcher;
    private final Close flyweight = new Close();
    private long sink;

    @Setup(Level.Trial)
    public void setUp() {
        final boolean retain = !variant.equals("noRetain");
        final MessageRegistry<Session> registry = MessageRegistry.<Session>builder()
            .register(PipelineEchoBenchmark.ECHO, MessageTypes.coreSchema().table(Close.class), (session, type, payload) -> {
                sink += Close.getRootAsClose(payload, flyweight).code();
                if (session == null) {
                    return;
                }
                if (retain) {
                    final ByteBuf f = session.retainCurrentFrame();
                    try {
                        session.send(f);
                    } finally {
                        f.release();
                    }
                } else {
                    payload.position(payload.position() - Envelope.HEADER_BYTES); // the dispatcher restores it
                    session.send(payload);
                }
            })
            .build();
        input = PipelineEchoBenchmark.envelopeFrame();
        if (variant.equals("fourPerRead")) {
            final ByteBuf four = PooledByteBufAllocator.DEFAULT.directBuffer(4 * input.readableBytes());
            for (int i = 0; i < 4; i++) {
                four.writeBytes(input, input.readerIndex(), input.readableBytes());
            }
            input.release();
            input = four;
        }
        if (variant.equals("dispatchOnly")) {
            dispatcher = registry.newDispatcher();
            frame = input.retainedSlice(4, input.readableBytes() - 4);
            return;
        }
        if (variant.equals("plainPrepender")) {
            ch = new EmbeddedChannel(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(final Channel c) {
                    c.config().setOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT);
                    c.pipeline().addLast(new LengthFieldPrepender(ByteOrder.LITTLE_ENDIAN, 4, 0, false));
                    c.pipeline().addLast(new LengthFieldBasedFrameDecoder(ByteOrder.LITTLE_ENDIAN, 65536, 0, 4, 0, 4, true));
                    c.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
                            final ByteBuf f = (ByteBuf) msg;
                            sink += f.getUnsignedShortLE(f.readerIndex());
                            ctx.write(f, ctx.voidPromise());
                        }
                    });
                }
            });
            return;
        }
        gateway = Gateway.builder().authenticator(Authenticator.allowAll()).messages(registry)
            .rateLimit(1_000_000_000, 1_000_000_000, RateLimitPolicy.CLOSE)
            .heartbeat(Duration.ofMinutes(5), Duration.ofHours(1)).threads(1, 1).build();
        ch = new EmbeddedChannel(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(final Channel c) {
                c.config().setOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT);
                gateway.initChannel(c, Transport.TCP);
            }
        });
        final ByteBuffer hello = Control.hello(new EnvelopeWriter(), 1, new byte[0], null, "jmh");
        ch.writeInbound(PooledByteBufAllocator.DEFAULT.buffer().writeIntLE(hello.remaining()).writeBytes(hello));
        drain(ch);
        if (variant.equals("noIdle") && ch.pipeline().get("idle") != null) {
            ch.pipeline().remove("idle");
        }
        if (variant.equals("sliceDecoder")) {
            ch.pipeline().replace("frames", "frames", new LengthFieldBasedFrameDecoder(ByteOrder.LITTLE_ENDIAN, 65540, 0, 4, 0, 4, true));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (ch != null) {
            ch.finishAndReleaseAll();
        }
        if (frame != null) {
            frame.release();
        }
        input.release();
        if (gateway != null) {
            gateway.shutdown(Duration.ZERO);
        }
        if (sink == 42) {
            System.out.println();
        }
    }

    @Benchmark
    public int roundTrip() {
        if (dispatcher != null) {
            return dispatcher.dispatch(null, frame);
        }
        ch.pipeline().fireChannelRead(PipelineEchoBenchmark.read(ch, input));
        ch.pipeline().fireChannelReadComplete();
        ch.flush();
        return drain(ch);
    }

    private static int drain(final EmbeddedChannel ch) {
        int bytes = 0;
        Object out;
        while ((out = ch.outboundMessages().poll()) != null) {
            bytes += ((ByteBuf) out).readableBytes();
            ReferenceCountUtil.release(out);
        }
        return bytes;
    }
}

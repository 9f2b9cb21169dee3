package org.mmosdk.benchmarks.net;

import java.nio.ByteBuffer;
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
import io.netty.util.ReferenceCountUtil;
import org.mmosdk.core.wire.EnvelopeWriter;
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
 * One 64-byte message ({@code [u32 length][u16 type][FlatBuffers payload]}, 68 bytes with the prefix) in, one echo
 * out, on an {@code EmbeddedChannel} driven by the benchmark thread (no sockets, no thread hand-off). Each op hands
 * the pipeline what a socket read would: a pooled direct buffer of its own with the 68 bytes written into it.
 *
 * <ul>
 *   <li>{@code mmoNet}: the gateway's real TCP server pipeline after a real handshake — length-prefix decoder that
 *       hands the frame in place to the connection (no copy), idle tracking, rate limiter, stats, envelope header,
 *       payload verification against the schema, dispatch to the application handler, which reads a field in place
 *       and echoes the frame it is lent ({@code session.send(session.currentFrame())}: size checks, reliable-queue
 *       bound, framing into a pooled buffer);</li>
 *   <li>{@code plainNetty}: the peer — Netty's {@code LengthFieldBasedFrameDecoder} (a retained slice per frame) and
 *       a handler that reads the type id and writes a length-prefixed copy of the frame into one pooled buffer, no
 *       verification, no limits. This was measured faster than the textbook {@code LengthFieldPrepender} variant
 *       (a 4-byte header buffer plus the retained frame; see {@code PipelineBreakdownBenchmark}), so it is the
 *       stricter peer.</li>
 * </ul>
 * Both flush and drain the outbound queue once per message. JMH's threads are Netty threads
 * ({@link NettyThreadExecutor}) so that Netty's pools and recyclers work as on an I/O thread, and Netty's leak
 * detector is off as in production (its default 1-in-128 sampling allocates a trace per sampled buffer). Target: {@code mmoNet} ≥ 0.9 × {@code plainNetty}
 * throughput, 0 B/op ({@code -prof gc}).
 *
 * <p>{@code loopClock}: {@code EmbeddedChannel} runs its event loop's due tasks after every read, write and flush, and
 * each run reads the loop's clock — twice when tasks are scheduled (a gateway connection has its idle timer and
 * heartbeat; the plain peer has none). That is about 3 clock reads per op for the peer and 6 for the gateway, ~60 ns
 * the gateway pays here but a real event loop pays once per loop iteration, not per message. {@code system} (the
 * default, as measured so far) keeps it; {@code -p loopClock=frozen} freezes both loops' clocks (the gateway's own
 * clock stays the system clock), which leaves the per-message difference only.
 *
 * <p>The gateway times received frames (rate limiter, idle timer, counters) by its coarse clock: the system clock
 * read once a millisecond by a task on one of the gateway's own (real, not embedded) event loops, as in production,
 * so each op here pays a volatile read instead of a clock read. The gateway is built with the default system clock
 * for that reason, and nothing in the benchmark stops or skips that task.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Djmh.executor=CUSTOM", "-Djmh.executor.class=org.mmosdk.benchmarks.net.NettyThreadExecutor",
    "-Dio.netty.leakDetection.level=disabled"})
@State(Scope.Thread)
public class PipelineEchoBenchmark {
    /** The type id of the echoed message. */
    public static final int ECHO = MessageTypes.APP_FIRST;
    static final int ENVELOPE_BYTES = 64;

    /** {@code system} or {@code frozen}: the clock of the embedded event loops (see the class comment). */
    @Param({"system"})
    public String loopClock;

    private Gateway gateway;
    private EmbeddedChannel mmo;
    private EmbeddedChannel plain;
    private ByteBuf input;
    private final Close flyweight = new Close();
    private long sink;

    @Setup(Level.Trial)
    public void setUp() {
        final MessageRegistry<Session> registry = MessageRegistry.<Session>builder()
            .register(ECHO, MessageTypes.coreSchema().table(Close.class), (session, type, payload) -> {
                sink += Close.getRootAsClose(payload, flyweight).code();
                session.send(session.currentFrame());
            })
            .build();
        gateway = Gateway.builder().authenticator(Authenticator.allowAll()).messages(registry)
            .rateLimit(1_000_000_000, 1_000_000_000, RateLimitPolicy.CLOSE)
            .heartbeat(Duration.ofMinutes(5), Duration.ofHours(1)).threads(1, 1).build();
        mmo = new EmbeddedChannel(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(final Channel ch) {
                ch.config().setOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT);
                gateway.initChannel(ch, Transport.TCP);
            }
        });
        final ByteBuffer hello = Control.hello(new EnvelopeWriter(), 1, new byte[0], null, "jmh");
        mmo.writeInbound(PooledByteBufAllocator.DEFAULT.buffer().writeIntLE(hello.remaining()).writeBytes(hello));
        drain(mmo);
        if (!mmo.isActive()) {
            throw new IllegalStateException("handshake failed");
        }
        plain = new EmbeddedChannel(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(final Channel ch) {
                ch.config().setOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT);
                ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(java.nio.ByteOrder.LITTLE_ENDIAN, 65536, 0, 4, 0, 4, true));
                ch.pipeline().addLast(new PlainEcho());
            }
        });
        input = envelopeFrame();
        if (loopClock.equals("frozen")) {
            mmo.freezeTime();
            plain.freezeTime();
        } else if (!loopClock.equals("system")) {
            throw new IllegalArgumentException("loopClock must be system or frozen, was " + loopClock);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (mmo.outboundMessages().size() + mmo.inboundMessages().size() > 0) {
            throw new IllegalStateException("unexpected messages left");
        }
        mmo.finishAndReleaseAll();
        plain.finishAndReleaseAll();
        input.release();
        gateway.shutdown(Duration.ZERO);
        if (sink == 42) {
            System.out.println();
        }
    }

    /**
     * What a socket read hands the pipeline: a buffer of the channel's allocator, of its own (not derived), the bytes
     * written into it — as epoll/NIO do. Costs the same for both pipelines.
     */
    static ByteBuf read(final Channel ch, final ByteBuf input) {
        final int n = input.readableBytes();
        return ch.alloc().directBuffer(n).writeBytes(input, input.readerIndex(), n);
    }

    /** A direct pooled buffer holding {@code [u32 LE length][64-byte envelope of type ECHO]}; the caller releases it. */
    public static ByteBuf envelopeFrame() {
        // a 64-byte envelope: type id + a Close table whose reason pads it to 64 bytes
        final EnvelopeWriter w = new EnvelopeWriter();
        ByteBuffer env = null;
        for (int pad = 0; pad < 64; pad++) {
            final FlatBufferBuilder b = w.begin(ECHO);
            final int r = b.createString("x".repeat(pad));
            env = w.finish(Close.createClose(b, 7, r));
            if (env.remaining() >= ENVELOPE_BYTES) {
                break;
            }
        }
        final ByteBuf input = PooledByteBufAllocator.DEFAULT.directBuffer(128);
        input.writeIntLE(env.remaining()).writeBytes(env);
        return input;
    }

    /** The envelope size actually used (printed once by a test run). */
    public int envelopeBytes() {
        return input.readableBytes() - 4;
    }

    @Benchmark
    public int mmoNet() {
        return roundTrip(mmo);
    }

    @Benchmark
    public int plainNetty() {
        return roundTrip(plain);
    }

    private int roundTrip(final EmbeddedChannel ch) {
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

    /** The plain peer: echo a length-prefixed copy of each frame. */
    static final class PlainEcho extends ChannelInboundHandlerAdapter {
        private long types;

        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
            final ByteBuf frame = (ByteBuf) msg;
            try {
                types += frame.getUnsignedShortLE(frame.readerIndex());
                final int n = frame.readableBytes();
                final ByteBuf out = ctx.alloc().ioBuffer(4 + n);
                out.writeIntLE(n).writeBytes(frame, frame.readerIndex(), n);
                ctx.write(out, ctx.voidPromise());
            } finally {
                frame.release();
            }
        }
    }
}

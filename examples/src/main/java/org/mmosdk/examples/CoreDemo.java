package org.mmosdk.examples;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import com.google.flatbuffers.FlatBufferBuilder;
import org.HdrHistogram.Histogram;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.mmosdk.core.stats.Counter;
import org.mmosdk.core.stats.StatsRegistry;
import org.mmosdk.core.tick.TickLoop;
import org.mmosdk.core.wire.EnvelopeWriter;
import org.mmosdk.core.wire.MessageDispatcher;
import org.mmosdk.core.wire.MessageRegistry;
import org.mmosdk.core.wire.MessageTypes;
import org.mmosdk.core.wire.WireError;
import org.mmosdk.core.wire.fb.Ping;
import org.mmosdk.core.wire.fb.Pong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * mmo-core on its own: a zone ticking at a fixed rate that, every tick, takes one Ping from each of N simulated
 * clients, verifies and dispatches it, and answers with a Pong — all in pooled buffers, allocation-free. One
 * hostile client sends garbage every tick; its messages are rejected with a reason and nothing else notices.
 */
final class CoreDemo {
    private static final Logger LOG = LoggerFactory.getLogger(CoreDemo.class);

    private CoreDemo() {
    }

    static void main(final String[] args) throws InterruptedException {
        int clients = 1_000;
        int rate = 20;
        long durationSeconds = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--clients" -> clients = Integer.parseInt(args[++i]);
                case "--rate" -> rate = Integer.parseInt(args[++i]);
                case "--duration" -> durationSeconds = Long.parseLong(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        final StatsRegistry stats = new StatsRegistry();
        final Zone zone = new Zone(clients, stats);
        final TickLoop loop = TickLoop.builder(zone::tick).name("demo-zone").tickRate(rate).stats(stats).build();
        Runtime.getRuntime().addShutdownHook(new Thread(loop::close, "demo-shutdown"));

        System.out.printf("core-demo: %d clients at %d Hz%s; Ctrl-C stops%n", clients, rate,
            durationSeconds > 0 ? " for " + durationSeconds + " s" : "");
        loop.start();
        final long end = durationSeconds > 0 ? System.nanoTime() + TimeUnit.SECONDS.toNanos(durationSeconds) : Long.MAX_VALUE;
        long lastMessages = 0;
        Histogram lastTicks = loop.tickDuration().snapshot();
        while (loop.state() == TickLoop.State.RUNNING || loop.state() == TickLoop.State.NEW) {
            if (loop.awaitTermination(Duration.ofSeconds(2)) || System.nanoTime() >= end) {
                break;
            }
            final long messages = zone.handled.get();
            final Histogram ticks = loop.tickDuration().snapshot();
            final Histogram window = ticks.copy();
            window.subtract(lastTicks); // the last two seconds only
            System.out.printf("tick %6d | tick p50 %6.3f ms p99 %6.3f ms | overruns %d | msgs/s %8d | rejected %d%n",
                loop.tick(), window.getValueAtPercentile(50) / 1e6, window.getValueAtPercentile(99) / 1e6,
                loop.overruns(), (messages - lastMessages) / 2, zone.rejected.get());
            lastMessages = messages;
            lastTicks = ticks;
        }
        loop.close();
        zone.close();
        System.out.printf("stopped after %d ticks: %d messages handled, %d rejected, loop %s%n",
            loop.tick(), zone.handled.get(), zone.rejected.get(), loop.state());
    }

    /** The zone's state; touched only by the tick loop's thread. */
    private static final class Zone {
        private final int clients;
        private final ByteBuf inbound = PooledByteBufAllocator.DEFAULT.directBuffer(256);
        private final ByteBuf outbound = PooledByteBufAllocator.DEFAULT.directBuffer(256);
        private final EnvelopeWriter clientWriter = new EnvelopeWriter();
        private final EnvelopeWriter zoneWriter = new EnvelopeWriter();
        private final MessageDispatcher<Zone> dispatcher;
        private final Counter handled;
        private final Counter rejected;
        private final Random hostile = new Random(42);
        private final Ping ping = new Ping();
        private long pongBytes;

        Zone(final int clients, final StatsRegistry stats) {
            this.clients = clients;
            this.handled = stats.counter("demo.messages", "messages handled");
            this.rejected = stats.counter("demo.rejected", "messages rejected");
            final MessageRegistry<Zone> registry = MessageRegistry.<Zone>builder()
                .register(MessageTypes.PING, MessageTypes.coreSchema().table(Ping.class), 64, Zone::onPing)
                .build();
            this.dispatcher = registry.newDispatcher();
        }

        void tick(final long tick) {
            for (int c = 0; c < clients; c++) {
                // what a client would have sent: [type id][Ping]
                inbound.clear();
                final FlatBufferBuilder b = clientWriter.begin(MessageTypes.PING);
                clientWriter.finishTo(Ping.createPing(b, tick, System.nanoTime()), inbound);
                receive(inbound);
            }
            inbound.clear();
            for (int i = 0; i < 24; i++) {
                inbound.writeByte(hostile.nextInt());
            }
            inbound.setShortLE(0, MessageTypes.PING);
            receive(inbound);
        }

        private void receive(final ByteBuf frame) {
            final int rc = dispatcher.dispatch(this, frame);
            if (rc == WireError.OK) {
                handled.increment();
            } else {
                rejected.increment();
                if (rejected.get() <= 3) {
                    LOG.warn("rejected a message from the hostile client: {}", dispatcher.lastError());
                }
            }
        }

        private void onPing(final int typeId, final ByteBuffer payload) {
            final Ping p = Ping.getRootAsPing(payload, ping);
            outbound.clear();
            final FlatBufferBuilder b = zoneWriter.begin(MessageTypes.PONG);
            pongBytes += zoneWriter.finishTo(Pong.createPong(b, p.seq(), p.sentNanos(), System.nanoTime()), outbound);
        }

        void close() {
            inbound.release();
            outbound.release();
            LOG.debug("sent {} pong bytes", pongBytes);
        }
    }
}

package org.mmosdk.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mmosdk.core.peer.Peer;
import org.mmosdk.core.tick.TickLoop;
import org.mmosdk.core.wire.MessageDispatcher;
import org.mmosdk.core.wire.MessageRegistry;
import org.mmosdk.ecs.ComponentType;
import org.mmosdk.ecs.FloatField;
import org.mmosdk.ecs.Query;
import org.mmosdk.ecs.Schedule;
import org.mmosdk.ecs.World;
import org.mmosdk.net.Authenticator;
import org.mmosdk.net.CloseReason;
import org.mmosdk.net.Gateway;
import org.mmosdk.net.Session;
import org.mmosdk.net.SessionListener;
import org.mmosdk.net.client.ClientListener;
import org.mmosdk.net.client.GameClient;
import org.mmosdk.sync.ReplicationRules;
import org.mmosdk.sync.SyncMessageTypes;
import org.mmosdk.sync.SyncServer;
import org.mmosdk.sync.wire.fb.SnapshotAck;

/**
 * The README's "Getting started" code is this code, and it runs: a gateway and a zone, one system, one replicated
 * component; a client connects and receives snapshots. The snippet must appear verbatim in README.md once README.md
 * has a "Getting started" section, and until then in examples/GETTING_STARTED_SNIPPET.md.
 */
class GettingStartedTest {
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void snippetRunsAndIsVerbatimInTheDocs() throws Exception {
        // README:begin
        // 1. A component, and which of its fields replicate (quantized to 16 bits over 0..1000 m)
        ComponentType.Builder pos = ComponentType.builder("Position");
        FloatField x = pos.floatField("x"), y = pos.floatField("y");
        ComponentType position = pos.build();
        World world = World.builder().components(position).build();
        SyncServer sync = SyncServer.builder(world, ReplicationRules.builder()
            .position(x, y).quantize(x, 0, 1000, 16).quantize(y, 0, 1000, 16).build()).viewRadius(100).build();

        // 2. One system: everything drifts east
        Query movers = world.query().all(position).build();
        Schedule schedule = Schedule.builder(world).add("drift", w -> movers.forEachChunk(chunk -> {
            float[] xs = chunk.writeFloats(x);
            for (int i = 0; i < chunk.size(); i++) xs[i] = (xs[i] + 0.5f) % 1000;
        })).build();

        // 3. A gateway: I/O threads only queue work for the zone thread, which owns the world
        Queue<Runnable> inbox = new ConcurrentLinkedQueue<>();
        MessageDispatcher<Peer> zoneMessages = sync.registerHandlers(MessageRegistry.<Peer>builder()).build().newDispatcher();
        Gateway gateway = Gateway.builder().tcpPort(0).webSocketPort(0)   // 0: any free port, see gateway.tcpAddress()
            .authenticator(Authenticator.allowAll())
            .messages(MessageRegistry.<Session>builder().register(SyncMessageTypes.SNAPSHOT_ACK,
                SyncMessageTypes.schema().table(SnapshotAck.class), 64, (session, type, payload) -> {
                    ByteBuf frame = session.retainCurrentFrame();
                    inbox.add(() -> { zoneMessages.dispatch(session, frame); frame.release(); });
                }).build())
            .listener(new SessionListener() {
                public void onOpen(Session s) { inbox.add(() -> sync.addClient(s, world.create(world.archetype(position)))); }
                public void onClose(Session s, CloseReason why) { inbox.add(() -> sync.removeClient(s)); }
            }).build().start();

        // 4. The zone: 20 ticks a second on a thread of its own
        TickLoop zone = TickLoop.builder(tick -> {
            for (Runnable r; (r = inbox.poll()) != null; ) r.run();
            schedule.run();
            sync.update();                     // each client: what entered, changed or left its view
            gateway.sessions().flushAll();
        }).name("zone-1").tickRate(20).build().start();
        // README:end

        final AtomicInteger snapshots = new AtomicInteger();
        final EventLoopGroup group = GameClient.newEventLoopGroup(1);
        try {
            final GameClient client = GameClient.builder().tcp(gateway.tcpAddress()).group(group)
                .listener(new ClientListener() {
                    @Override
                    public void onMessage(final GameClient c, final int typeId, final ByteBuf envelope) {
                        if (typeId == SyncMessageTypes.SNAPSHOT) {
                            snapshots.incrementAndGet();
                        }
                    }
                }).build().connect().get(5, TimeUnit.SECONDS);
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (snapshots.get() < 5 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            client.close().get(5, TimeUnit.SECONDS);
        } finally {
            gateway.shutdown(Duration.ofSeconds(1));
            zone.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
        assertThat(snapshots.get()).as("snapshots received").isGreaterThanOrEqualTo(5);
        assertThat(zone.state()).isEqualTo(TickLoop.State.STOPPED);

        final String source = Files.readString(
            Path.of("src/test/java/org/mmosdk/examples/GettingStartedTest.java"), StandardCharsets.UTF_8);
        final String snippet = source.substring(source.indexOf("// README:begin\n") + 16, source.indexOf("        // README:end"))
            .replaceAll("(?m)^        ", "");
        final String readme = Files.readString(Path.of("../README.md"), StandardCharsets.UTF_8);
        final Path docs = readme.contains("## Getting started") ? Path.of("../README.md") : Path.of("GETTING_STARTED_SNIPPET.md");
        assertThat(Files.readString(docs, StandardCharsets.UTF_8))
            .as(docs + " must contain the Getting started snippet verbatim").contains(snippet);
    }
}

package org.mmosdk.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import com.google.flatbuffers.FlatBufferBuilder;
import org.junit.jupiter.api.Test;
import org.mmosdk.core.stats.StatsRegistry;
import org.mmosdk.core.tick.TickLoop;
import org.mmosdk.core.wire.EnvelopeWriter;
import org.mmosdk.core.wire.MessageDispatcher;
import org.mmosdk.core.wire.MessageRegistry;
import org.mmosdk.core.wire.MessageTypes;
import org.mmosdk.core.wire.WireError;
import org.mmosdk.core.wire.fb.Ping;

/** The embedding example in README.md is this code, and it runs. */
class ReadmeEmbeddingTest {
    @Test
    void readmeSnippetRunsAndIsVerbatimInTheReadme() throws Exception {
        // README:begin
        StatsRegistry stats = new StatsRegistry();
        long[] lastSeq = {-1};                                        // what the handler saw

        // 1. Messages: [u16 type id][FlatBuffers payload], verified against the schema before a handler runs.
        MessageRegistry<String> registry = MessageRegistry.<String>builder()
            .register(MessageTypes.PING, MessageTypes.coreSchema().table(Ping.class), 64,
                (session, type, payload) -> lastSeq[0] = Ping.getRootAsPing(payload).seq())
            .build();
        MessageDispatcher<String> inbox = registry.newDispatcher();   // one per thread
        EnvelopeWriter writer = new EnvelopeWriter();                 // reused: no allocation per message

        // 2. A zone ticking at 20 Hz: each tick receives a message (here: one it just encoded).
        TickLoop zone = TickLoop.builder(tick -> {
            FlatBufferBuilder b = writer.begin(MessageTypes.PING);
            ByteBuffer msg = writer.finish(Ping.createPing(b, tick, System.nanoTime()));
            int rc = inbox.dispatch("player-1", msg, msg.position(), msg.remaining());
            if (rc != WireError.OK) {
                System.err.println("closing player-1: " + inbox.lastError());
            }
        }).name("zone-1").tickRate(20).stats(stats).build();
        zone.start();                                                 // its own thread; zone.close() stops it
        // README:end
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (lastSeq[0] < 5 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        zone.close();
        assertThat(zone.state()).isEqualTo(TickLoop.State.STOPPED);
        assertThat(lastSeq[0]).isGreaterThanOrEqualTo(5);
        assertThat(stats.counter("tick.count", "", "loop", "zone-1").get()).isGreaterThanOrEqualTo(6);

        final String source = Files.readString(
            Path.of("src/test/java/org/mmosdk/examples/ReadmeEmbeddingTest.java"), StandardCharsets.UTF_8);
        final String snippet = source.substring(source.indexOf("// README:begin\n") + 16, source.indexOf("        // README:end"))
            .replaceAll("(?m)^        ", "");
        final String readme = Files.readString(Path.of("../README.md"), StandardCharsets.UTF_8);
        assertThat(readme).as("README.md must contain the embedding snippet verbatim").contains(snippet);
    }
}

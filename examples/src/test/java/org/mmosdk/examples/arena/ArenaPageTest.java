package org.mmosdk.examples.arena;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mmosdk.core.tick.TickLoop;

/**
 * The arena as a user meets it: started in-process on ephemeral ports with a few bots, its page driven in headless
 * Chromium ({@code src/main/web/test/check-page.mjs}: playwright-core with {@code /usr/bin/chromium}) — entities are
 * drawn and move, the viewer walks — a screenshot saved to {@code target/arena-page.png}, {@code /metrics} scraped,
 * casts answered, and a clean stop.
 *
 * <p>Needs {@code apt-get install -y chromium} and {@code npm ci} in {@code src/main/web}: without them the test
 * fails when {@code CI=true} and is skipped (loudly) otherwise.
 */
class ArenaPageTest {
    private static final Path WEB = Path.of("src/main/web");

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void pageDrawsMovingEntitiesAndMetricsAreServed() throws Exception {
        requireBrowser();
        final ArenaMain.Running arena = ArenaMain.start(new ArenaOptions(8, 0, "127.0.0.1", 0, 0, 0, 400, 5, 2));
        try {
            final Path shot = Path.of("target/arena-page.png").toAbsolutePath();
            Files.deleteIfExists(shot);
            final Process node = new ProcessBuilder("node", "test/check-page.mjs", arena.pageUri().toString(), shot.toString())
                .directory(WEB.toFile()).redirectErrorStream(true).start();
            final boolean exited = node.waitFor(45, TimeUnit.SECONDS);
            final String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!exited) {
                node.destroyForcibly();
            }
            System.out.println("check-page: " + output.strip());
            assertThat(exited).as("check-page finished").isTrue();
            assertThat(node.exitValue()).as(output).isZero();
            assertThat(output).contains("\"ok\":true");
            assertThat(shot).exists();
            assertThat(Files.size(shot)).isGreaterThan(5_000);

            final String metrics = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(arena.pageUri().resolve("/metrics")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).contains("arena_tick_seconds_bucket", "arena_snapshot_bytes_count", "net_connections",
                "net_bytes_out_total", "net_messages_in_total", "tick_duration_seconds", "jvm_memory_used_bytes");
            final java.util.regex.Matcher lines = java.util.regex.Pattern.compile("(?m)^arena_sync_lines_published\\S* ([0-9.E+]+)$")
                .matcher(metrics);
            assertThat(lines.find()).as("dead-reckoning lines gauge").isTrue();
            assertThat(Double.parseDouble(lines.group(1))).as("lines published").isPositive();
            assertThat(arena.arena.stats.counter("arena.casts", "").get()).as("casts applied").isPositive();
            assertThat(arena.statusLine()).contains("tick p50", "p99", "players", "B/s");
        } finally {
            arena.close();
        }
        assertThat(arena.arena.loop.state()).isEqualTo(TickLoop.State.STOPPED);
    }

    private static void requireBrowser() {
        final boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
        String missing = null;
        if (!Files.isExecutable(Path.of("/usr/bin/chromium"))) {
            missing = "/usr/bin/chromium is missing (apt-get install -y chromium)";
        } else if (!Files.isDirectory(WEB.resolve("node_modules/playwright-core"))) {
            missing = "playwright-core is missing: run `npm ci` in " + WEB.toAbsolutePath();
        }
        if (missing != null) {
            if (ci) {
                throw new AssertionError("ArenaPageTest: " + missing);
            }
            System.err.println("\n!!! ArenaPageTest SKIPPED: " + missing + " !!!\n");
            Assumptions.assumeTrue(false, missing);
        }
    }
}

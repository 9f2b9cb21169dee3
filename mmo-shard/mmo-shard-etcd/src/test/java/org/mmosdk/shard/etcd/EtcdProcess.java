package org.mmosdk.shard.etcd;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real etcd server for tests: {@code etcd} from PATH, free loopback ports, its own temporary data dir,
 * started in the foreground and destroyed by {@link #close()}.
 */
final class EtcdProcess implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    private final List<String> command;
    private final Path dataDir;
    private final String clientUrl;
    private Process process;

    private EtcdProcess(final List<String> command, final Process process, final Path dataDir, final String clientUrl) {
        this.command = command;
        this.process = process;
        this.dataDir = dataDir;
        this.clientUrl = clientUrl;
    }

    /**
     * The {@code etcd} executable on PATH.
     *
     * @return its path, or empty
     */
    static Optional<Path> findBinary() {
        final String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (final String dir : path.split(File.pathSeparator)) {
            final Path candidate = Path.of(dir, "etcd");
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    static EtcdProcess start(final Path binary) throws IOException, InterruptedException {
        final Path dataDir = Files.createTempDirectory("mmo-etcd-test");
        final int clientPort = freePort();
        int peerPort = freePort();
        while (peerPort == clientPort) {
            peerPort = freePort();
        }
        final String clientUrl = "http://127.0.0.1:" + clientPort;
        final String peerUrl = "http://127.0.0.1:" + peerPort;
        final List<String> command = List.of(binary.toString(),
            "--name", "t1", "--data-dir", dataDir.resolve("data").toString(),
            "--listen-client-urls", clientUrl, "--advertise-client-urls", clientUrl,
            "--listen-peer-urls", peerUrl, "--initial-advertise-peer-urls", peerUrl,
            "--initial-cluster", "t1=" + peerUrl, "--log-outputs", "stderr");
        final EtcdProcess etcd = new EtcdProcess(command, launch(command, dataDir), dataDir, clientUrl);
        try {
            etcd.awaitHealthy();
        } catch (final IOException | RuntimeException | InterruptedException e) {
            etcd.close();
            throw e;
        }
        return etcd;
    }

    private static Process launch(final List<String> command, final Path dataDir) throws IOException {
        return new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve("etcd.log").toFile()))
            .start();
    }

    /**
     * Kills the server (SIGKILL), keeping its data dir and ports for {@link #restart()}.
     *
     * @throws InterruptedException if interrupted
     */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("etcd did not die within 10 s");
        }
    }

    /**
     * Starts the server again on the same ports and data (leases, keys and revisions survive) and waits until healthy.
     *
     * @throws IOException if it does not become healthy
     * @throws InterruptedException if interrupted
     */
    void restart() throws IOException, InterruptedException {
        if (process.isAlive()) {
            throw new IllegalStateException("etcd is running");
        }
        process = launch(command, dataDir);
        awaitHealthy();
    }

    private void awaitHealthy() throws IOException, InterruptedException {
        final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
        final long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() - deadline < 0) {
            if (!process.isAlive()) {
                throw new IOException("etcd exited with " + process.exitValue() + "; log: "
                    + Files.readString(dataDir.resolve("etcd.log")));
            }
            try {
                final HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(clientUrl + "/health"))
                    .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().contains("\"health\":\"true\"")) {
                    return;
                }
            } catch (final IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IOException("etcd did not become healthy within " + START_TIMEOUT + " at " + clientUrl + "; log: "
            + Files.readString(dataDir.resolve("etcd.log")));
    }

    String clientUrl() {
        return clientUrl;
    }

    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (final InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}

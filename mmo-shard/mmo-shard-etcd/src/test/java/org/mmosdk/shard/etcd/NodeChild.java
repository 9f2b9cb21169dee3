package org.mmosdk.shard.etcd;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A {@link ShardNodeProcess} in a child JVM: commands go to its stdin, every stdout line is kept, in order, for the
 * test to wait on; stderr goes to a log file.
 */
final class NodeChild implements AutoCloseable {
    final int nodeId;
    final Path log;
    private final Process process;
    private final PrintStream in;
    private final List<String> lines = new ArrayList<>();
    private final Thread reader;

    private NodeChild(final int nodeId, final Process process, final Path log) {
        this.nodeId = nodeId;
        this.process = process;
        this.log = log;
        this.in = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
        this.reader = new Thread(this::pump, "node-" + nodeId + "-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    static NodeChild start(final int nodeId, final String etcdUrl, final String cluster, final Path checkpoints,
                           final Path logDir) throws IOException {
        final Path log = logDir.resolve("node-" + nodeId + ".log");
        final Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx128m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
            ShardNodeProcess.class.getName(), Integer.toString(nodeId), etcdUrl, cluster, checkpoints.toString())
            .redirectError(log.toFile()).start();
        return new NodeChild(nodeId, p, log);
    }

    private void pump() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                }
            }
        } catch (final IOException e) {
            // the child died
        }
    }

    /** Position after the last line read so far; pass to {@link #await} to see only later lines. */
    int mark() {
        synchronized (lines) {
            return lines.size();
        }
    }

    List<String> linesFrom(final int from) {
        synchronized (lines) {
            return new ArrayList<>(lines.subList(Math.min(from, lines.size()), lines.size()));
        }
    }

    /** The first line at or after {@code from} that matches, waiting up to {@code timeout}. */
    String await(final int from, final Predicate<String> match, final Duration timeout, final String what)
        throws InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lines) {
            int i = from;
            while (true) {
                for (; i < lines.size(); i++) {
                    if (match.test(lines.get(i))) {
                        return lines.get(i);
                    }
                }
                final long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("node " + nodeId + ": no " + what + " within " + timeout + " (alive="
                        + process.isAlive() + "); the end of its log " + log + ":\n" + tail(log));
                }
                TimeUnit.NANOSECONDS.timedWait(lines, left);
            }
        }
    }

    private static String tail(final Path file) {
        try {
            final String text = java.nio.file.Files.readString(file);
            return text.length() > 4000 ? text.substring(text.length() - 4000) : text;
        } catch (final IOException e) {
            return "(unreadable: " + e + ')';
        }
    }

    /** Sends a command and waits for the answer line starting with {@code answer}. */
    String request(final String command, final String answer, final Duration timeout) throws InterruptedException {
        final int from = mark();
        in.println(command);
        return await(from, s -> s.startsWith(answer), timeout, "answer '" + answer + "' to '" + command + "'");
    }

    /** Sends a command without waiting for its answer. */
    void send(final String command) {
        in.println(command);
    }

    /** Sends a command and collects the lines up to {@code END}. */
    List<String> report(final Duration timeout) throws InterruptedException {
        final int from = mark();
        in.println("REPORT");
        await(from, "END"::equals, timeout, "report");
        final List<String> out = new ArrayList<>();
        for (final String s : linesFrom(from)) {
            if (s.equals("END")) {
                break;
            }
            if (s.startsWith("ZONE ")) {
                out.add(s);
            }
        }
        return out;
    }

    /** Sends a signal by name ({@code STOP}, {@code CONT}) with the {@code kill} command. */
    void signal(final String name) throws IOException, InterruptedException {
        final Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new AssertionError("kill -" + name + " " + process.pid() + " failed");
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** kill -9. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            throw new AssertionError("node " + nodeId + " did not die within 20 s of SIGKILL");
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            in.println("EXIT");
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (final InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}

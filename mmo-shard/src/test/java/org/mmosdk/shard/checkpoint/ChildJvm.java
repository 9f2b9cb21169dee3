package org.mmosdk.shard.checkpoint;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM running a main class from the test classpath, whose stdout lines are queued for the test. Used by
 * the crash tests: the test waits for progress lines, then kills the child with {@link #kill()}
 * ({@code destroyForcibly}, SIGKILL on Linux).
 */
public final class ChildJvm implements AutoCloseable {
    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Thread reader;

    private ChildJvm(final Process process) {
        this.process = process;
        this.reader = new Thread(this::pump, "child-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts {@code main} in a new JVM with this JVM's classpath.
     *
     * @param main a class with a main method
     * @param logFile where the child's stderr goes
     * @param args its arguments
     * @return the running child
     * @throws IOException if it cannot start
     */
    public static ChildJvm start(final Class<?> main, final Path logFile, final String... args) throws IOException {
        final List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx128m");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(main.getName());
        cmd.addAll(List.of(args));
        final ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectError(logFile.toFile());
        return new ChildJvm(pb.start());
    }

    private void pump() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                lines.add(line);
            }
        } catch (final IOException e) {
            // the child died; the test sees no more lines
        }
    }

    /**
     * The next stdout line.
     *
     * @param timeoutSeconds how long to wait
     * @return the line
     * @throws InterruptedException if interrupted
     * @throws AssertionError if the child printed nothing in time (it probably failed; see its log)
     */
    public String nextLine(final long timeoutSeconds) throws InterruptedException {
        final String line = lines.poll(timeoutSeconds, TimeUnit.SECONDS);
        if (line == null) {
            throw new AssertionError("child printed nothing within " + timeoutSeconds + " s (alive=" + process.isAlive() + ')');
        }
        return line;
    }

    /**
     * The lines printed so far and not yet taken.
     *
     * @return drained lines
     */
    public List<String> drain() {
        final List<String> out = new ArrayList<>();
        lines.drainTo(out);
        return out;
    }

    /**
     * Kills the child (SIGKILL) and waits for it to be gone, then for its stdout to be read to the end.
     *
     * @throws InterruptedException if interrupted
     */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            throw new AssertionError("child did not die within 20 s of destroyForcibly");
        }
        reader.join(5_000);
    }

    /** Kills the child if it is still running. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}

package org.mmosdk.shard.checkpoint;

import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Child process for {@link FileCheckpointCrashTest}: saves checkpoints of zone 7 with ticks 1, 2, 3… and state
 * {@link #state(long)}, printing {@code saved <tick>} after each save returns, until killed.
 */
public final class CheckpointWriterMain {
    private CheckpointWriterMain() {
    }

    private static final byte[] BASE = new byte[300 * 1024];

    static {
        long x = 42;
        for (int i = 0; i < BASE.length; i++) {
            x = x * 6364136223846793005L + 1442695040888963407L;
            BASE[i] = (byte) (x >>> 56);
        }
    }

    /**
     * The deterministic state of a tick: 64–300 KiB so that a kill very likely lands inside a write; cheap to
     * make, so the writer spends its time writing.
     *
     * @param tick the tick
     * @return the bytes
     */
    public static byte[] state(final long tick) {
        final int size = 64 * 1024 + Math.floorMod(tick * 7919, 236 * 1024);
        final byte[] b = java.util.Arrays.copyOf(BASE, size);
        ByteBuffer.wrap(b).putLong(0, tick).putLong(size - 8, ~tick);
        return b;
    }

    /**
     * Runs until killed.
     *
     * @param args the store directory
     * @throws Exception on failure
     */
    public static void main(final String[] args) throws Exception {
        try (FileCheckpointStore store = FileCheckpointStore.builder(Path.of(args[0])).fsync(FsyncPolicy.never())
            .maxFileBytes(1L << 40).build()) {
            for (long tick = 1; ; tick++) {
                store.save(7, tick, 1, ByteBuffer.wrap(state(tick)));
                System.out.println("saved " + tick);
                System.out.flush();
            }
        }
    }
}

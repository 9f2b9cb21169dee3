package org.mmosdk.shard.checkpoint;

/**
 * When an append-only log forces its appended bytes to the storage device ({@code FileChannel.force}).
 *
 * <p>Every append is handed to the operating system before it returns, so a <b>process crash</b> (kill -9, a JVM
 * crash) never loses an append that returned, whatever the policy. The policy decides what an <b>operating system
 * crash or power loss</b> may lose:
 * <ul>
 *   <li>{@link #everyWrite()}: nothing that returned; each append waits for the device (slowest).</li>
 *   <li>{@link #everyN(int) everyN(n)}: at most the last {@code n - 1} appends that returned.</li>
 *   <li>{@link #never()}: whatever the kernel had not yet written back (on Linux typically up to about 30 s of
 *       appends, see {@code vm.dirty_expire_centisecs}); {@link RecordLog#close()} does not force either.</li>
 * </ul>
 * In every case a torn or partly written tail is detected by its checksum and ignored on recovery, so the log
 * always recovers to a prefix of what was appended.
 *
 * <p>Immutable and thread-safe.
 */
public final class FsyncPolicy {
    private static final FsyncPolicy EVERY_WRITE = new FsyncPolicy(1);
    private static final FsyncPolicy NEVER = new FsyncPolicy(0);

    private final int every;

    private FsyncPolicy(final int every) {
        this.every = every;
    }

    /**
     * Force after every append, before the append returns.
     *
     * @return the policy
     */
    public static FsyncPolicy everyWrite() {
        return EVERY_WRITE;
    }

    /**
     * Force after every {@code n}-th append (and on close).
     *
     * @param n in [1, 1_000_000]; 1 is {@link #everyWrite()}
     * @return the policy
     * @throws IllegalArgumentException if {@code n} is out of range
     */
    public static FsyncPolicy everyN(final int n) {
        if (n < 1 || n > 1_000_000) {
            throw new IllegalArgumentException("fsync every n must be in [1, 1000000], was " + n);
        }
        return n == 1 ? EVERY_WRITE : new FsyncPolicy(n);
    }

    /**
     * Never force; leave write-back to the operating system.
     *
     * @return the policy
     */
    public static FsyncPolicy never() {
        return NEVER;
    }

    /** Appends between forces, 0 for never. */
    int every() {
        return every;
    }

    @Override
    public String toString() {
        return every == 0 ? "FsyncPolicy.never" : every == 1 ? "FsyncPolicy.everyWrite" : "FsyncPolicy.everyN(" + every + ')';
    }
}

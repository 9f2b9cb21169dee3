package org.mmosdk.shard.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.mmosdk.core.stats.Counter;
import org.mmosdk.core.stats.StatsRegistry;

/**
 * The default {@link CheckpointStore}: one append-only {@link RecordLog} per zone, {@code zone-<id>.ckpt} in a
 * directory. Each save appends one checksummed record {@code [u8 version][i32 zone][i64 tick][i64 token][state]};
 * recovery keeps the last complete valid record and ignores a torn or corrupt tail. When a zone's file grows past
 * {@link Builder#maxFileBytes(long)} it is compacted to its latest record by an atomic rename.
 *
 * <p><b>What a crash loses.</b> A zone restored from {@link #latest(int)} resumes after the tick of its last
 * checkpoint, so a crash loses every tick since then: with a checkpoint every K ticks at R Hz, up to K ticks
 * (K / R seconds) of simulation, plus whatever the zone had not yet serialized. Of the saves that returned, a
 * process crash loses none; an operating system crash or power loss may in addition lose the last saves as the
 * {@link FsyncPolicy} allows (with the default {@link FsyncPolicy#everyWrite()}, none). A save interrupted by the
 * crash is discarded whole.
 *
 * <p><b>Fencing.</b> Per zone, the highest token ever saved (recovered from the file on open) is the floor;
 * saves below it are refused. The store must only be written by the nodes that obtain tokens from the same
 * membership (e.g. zone ownership revisions).
 *
 * <p><b>Shared storage.</b> Several processes (the nodes of a cluster) may share the directory: a zone's file is held
 * with an exclusive lock ({@link RecordLog}) by the one process that last saved or read the zone, until
 * {@link #release(int)} or {@link #close()}, or until that process dies (the operating system releases its locks). A
 * node taking over a dead node's zone opens the file then, recovers its last complete checkpoint, and from its first
 * save on the file's highest token is the new owner's: a save by the former owner's token is refused. A process
 * that still holds a zone's file keeps others from opening it (they get an {@code IOException}) — release zones
 * that move away.
 *
 * <p><b>Threads.</b> Any thread may call any method. Saves of one zone are serialized; different zones proceed
 * in parallel. All calls block on file I/O.
 */
public final class FileCheckpointStore implements CheckpointStore {
    /** Default size at which a zone's file is compacted to its latest record. */
    public static final long MAX_FILE_BYTES_DEFAULT = 64L << 20;
    static final byte VERSION = 1;
    static final int RECORD_HEADER = 1 + 4 + 8 + 8;

    private final Path directory;
    private final FsyncPolicy policy;
    private final long maxFileBytes;
    private final Map<Integer, ZoneFile> zones = new HashMap<>();
    private final Counter saves;
    private final Counter refused;
    private final Counter discarded;
    private final Counter compactions;
    private boolean closed;

    private FileCheckpointStore(final Builder b) {
        this.directory = b.directory;
        this.policy = b.policy;
        this.maxFileBytes = b.maxFileBytes;
        this.saves = b.stats.counter("shard.checkpoint.saves", "checkpoints saved");
        this.refused = b.stats.counter("shard.checkpoint.refused", "checkpoints refused for a stale fencing token");
        this.discarded = b.stats.counter("shard.checkpoint.discarded.bytes",
            "bytes of torn or corrupt tail discarded on recovery");
        this.compactions = b.stats.counter("shard.checkpoint.compactions", "checkpoint files compacted");
    }

    /**
     * A builder.
     *
     * @param directory where the zone files live; created if missing
     * @return a new builder
     */
    public static Builder builder(final Path directory) {
        return new Builder(directory);
    }

    @Override
    public boolean save(final int zone, final long tick, final long fencingToken, final ByteBuffer state)
        throws IOException {
        final ZoneFile z = zoneFile(zone);
        synchronized (z) {
            if (fencingToken < z.highestToken) {
                refused.increment();
                return false;
            }
            if (z.lastOffset >= 0 && fencingToken == z.highestToken && tick < z.lastTick) {
                throw new IllegalArgumentException("tick must not go backwards under one token: zone " + zone
                    + " token " + fencingToken + " saved tick " + z.lastTick + ", now " + tick);
            }
            final ByteBuffer record = encode(zone, tick, fencingToken, state);
            z.lastOffset = z.log.append(record);
            z.lastTick = tick;
            z.highestToken = fencingToken;
            saves.increment();
            if (z.log.size() > maxFileBytes) {
                record.clear();
                z.lastOffset = z.log.replaceWith(List.of(record))[0];
                compactions.increment();
            }
            return true;
        }
    }

    @Override
    public Optional<Checkpoint> latest(final int zone) throws IOException {
        final ZoneFile z = zoneFile(zone);
        synchronized (z) {
            return z.lastOffset < 0 ? Optional.empty() : Optional.of(decode(z.log.read(z.lastOffset)));
        }
    }

    /**
     * Reads the latest valid checkpoint straight from a zone file, without opening it for writing; for tools and
     * for a node taking over a dead node's files.
     *
     * @param file a {@code zone-<id>.ckpt} file
     * @return the last complete valid checkpoint, or empty if there is none
     * @throws IOException on I/O failure
     */
    public static Optional<Checkpoint> readLatest(final Path file) throws IOException {
        final ByteBuffer[] last = new ByteBuffer[1];
        RecordLog.scan(file, (offset, payload) -> last[0] = payload);
        return last[0] == null ? Optional.empty() : Optional.of(decode(last[0]));
    }

    /**
     * The file that holds a zone's checkpoints.
     *
     * @param zone the zone id
     * @return its path in this store's directory
     */
    public Path fileOf(final int zone) {
        return directory.resolve("zone-" + zone + ".ckpt");
    }

    /**
     * Closes a zone's file and releases its lock, so another process sharing the directory can open it; the next
     * call for the zone opens and recovers the file again (seeing what the other process appended meanwhile).
     */
    @Override
    public void release(final int zone) throws IOException {
        final ZoneFile z;
        synchronized (this) {
            z = zones.remove(zone);
        }
        if (z != null) {
            synchronized (z) {
                z.log.close();
            }
        }
    }

    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        IOException failure = null;
        for (final ZoneFile z : new ArrayList<>(zones.values())) {
            try {
                synchronized (z) {
                    z.log.close();
                }
            } catch (final IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        zones.clear();
        if (failure != null) {
            throw failure;
        }
    }

    private synchronized ZoneFile zoneFile(final int zone) throws IOException {
        if (closed) {
            throw new IOException("checkpoint store " + directory + " is closed");
        }
        if (zone < 0) {
            throw new IllegalArgumentException("zone must be >= 0, was " + zone);
        }
        ZoneFile z = zones.get(zone);
        if (z == null) {
            final ZoneFile fresh = new ZoneFile();
            fresh.log = RecordLog.open(fileOf(zone), policy, (offset, payload) -> {
                if (payload.remaining() < RECORD_HEADER || payload.get(0) != VERSION) {
                    throw new IOException("unknown checkpoint record version at offset " + offset + " of " + fileOf(zone));
                }
                fresh.lastOffset = offset;
                fresh.lastTick = payload.getLong(5);
                fresh.highestToken = Math.max(fresh.highestToken, payload.getLong(13));
            });
            discarded.add(fresh.log.discardedBytes());
            zones.put(zone, fresh);
            z = fresh;
        }
        return z;
    }

    static ByteBuffer encode(final int zone, final long tick, final long token, final ByteBuffer state) {
        final ByteBuffer out = ByteBuffer.allocate(RECORD_HEADER + state.remaining()).order(ByteOrder.LITTLE_ENDIAN);
        out.put(VERSION).putInt(zone).putLong(tick).putLong(token).put(state.duplicate()).flip();
        return out;
    }

    static Checkpoint decode(final ByteBuffer payload) {
        final ByteBuffer p = payload.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        final int zone = p.getInt(1);
        final long tick = p.getLong(5);
        final long token = p.getLong(13);
        p.position(RECORD_HEADER);
        return new Checkpoint(zone, tick, token, p);
    }

    private static final class ZoneFile {
        RecordLog log;
        long lastOffset = -1;
        long lastTick;
        long highestToken = Long.MIN_VALUE;
    }

    /** Builds a {@link FileCheckpointStore}; validated once in {@link #build()}. */
    public static final class Builder {
        private final Path directory;
        private FsyncPolicy policy = FsyncPolicy.everyWrite();
        private long maxFileBytes = MAX_FILE_BYTES_DEFAULT;
        private StatsRegistry stats = new StatsRegistry();

        private Builder(final Path directory) {
            this.directory = directory;
        }

        /**
         * When saves are forced to the device; default {@link FsyncPolicy#everyWrite()}.
         *
         * @param policy the policy
         * @return this
         */
        public Builder fsync(final FsyncPolicy policy) {
            this.policy = policy;
            return this;
        }

        /**
         * Size past which a zone file is compacted to its latest record.
         *
         * @param bytes in [4096, 2^40]
         * @return this
         */
        public Builder maxFileBytes(final long bytes) {
            this.maxFileBytes = bytes;
            return this;
        }

        /**
         * Where to register counters ({@code shard.checkpoint.*}).
         *
         * @param registry the registry
         * @return this
         */
        public Builder stats(final StatsRegistry registry) {
            this.stats = registry;
            return this;
        }

        /**
         * Validates, creates the directory if needed, and builds. Zone files are opened (and recovered) on first
         * use.
         *
         * @return the store
         * @throws IOException if the directory cannot be created
         * @throws IllegalArgumentException naming the invalid value
         */
        public FileCheckpointStore build() throws IOException {
            if (directory == null) {
                throw new IllegalArgumentException("directory must not be null");
            }
            if (policy == null) {
                throw new IllegalArgumentException("fsync policy must not be null");
            }
            if (maxFileBytes < 4096 || maxFileBytes > (1L << 40)) {
                throw new IllegalArgumentException("maxFileBytes must be in [4096, 2^40], was " + maxFileBytes);
            }
            if (stats == null) {
                throw new IllegalArgumentException("stats registry must not be null");
            }
            Files.createDirectories(directory);
            return new FileCheckpointStore(this);
        }
    }
}

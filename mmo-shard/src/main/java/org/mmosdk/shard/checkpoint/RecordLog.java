package org.mmosdk.shard.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * An append-only file of checksummed records: the storage format under {@link FileCheckpointStore} and the saga
 * log.
 *
 * <p><b>Record layout</b> (little-endian), offsets in bytes from the record's start:
 * <pre>
 *   0  int   magic        0x524B434D ("MCKR")
 *   4  int   length       payload bytes, in [0, {@link #MAX_PAYLOAD_BYTES}]
 *   8  int   crc32c       CRC32C over bytes 4..7 (the length) and the payload
 *  12  byte[length] payload
 * </pre>
 *
 * <p><b>Recovery.</b> Reading stops at the first record that is incomplete (a torn write: the file ends inside
 * it), has a wrong magic, an impossible length or a wrong checksum. Everything before it is the recovered
 * prefix; everything from it on is the discarded tail. {@link #open} copies a discarded tail to
 * {@code <file>.discarded} (for forensics, replacing an older one), truncates the file to the recovered prefix
 * and appends after it. Corruption in the middle of the file therefore loses the records after it too: the log
 * recovers to the point in time before the first damaged record, never to a state with a hole in it.
 *
 * <p><b>Exclusive use.</b> An open log holds an exclusive lock on {@code <file>.lock}, so a second writer — in
 * this process or another — fails to open it; the operating system releases the lock when the process dies.
 *
 * <p><b>Threads.</b> {@link #append}, {@link #sync}, {@link #read}, {@link #replaceWith} and {@link #close} are
 * {@code synchronized}: any thread may call them; they block on file I/O. {@link #scan} is static and reads
 * without the lock.
 */
public final class RecordLog implements AutoCloseable {
    /** Bytes before the payload. */
    public static final int HEADER_BYTES = 12;
    /** Largest payload; a larger length in a header marks the record as corrupt. */
    public static final int MAX_PAYLOAD_BYTES = 1 << 30;
    static final int MAGIC = 0x524B434D;

    private final Path file;
    private final FsyncPolicy policy;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final long discardedBytes;
    private final ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private final CRC32C crc = new CRC32C();
    private FileChannel channel;
    private long size;
    private int unsynced;
    private boolean closed;

    /** Called for each valid record, in file order. */
    @FunctionalInterface
    public interface Visitor {
        /**
         * One record.
         *
         * @param offset the record's offset in the file (for {@link #read(long)})
         * @param payload the payload, positioned at 0, little-endian; a fresh buffer the visitor may keep
         * @throws IOException to stop reading
         */
        void onRecord(long offset, ByteBuffer payload) throws IOException;
    }

    private RecordLog(final Path file, final FsyncPolicy policy, final FileChannel lockChannel, final FileLock lock,
        final FileChannel channel, final long size, final long discardedBytes) {
        this.file = file;
        this.policy = policy;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.channel = channel;
        this.size = size;
        this.discardedBytes = discardedBytes;
    }

    /**
     * Opens (creating if needed) a log for appending: reads every valid record into {@code visitor}, sets a
     * discarded tail aside and truncates it, then positions at the end.
     *
     * @param file the log file; its directory must exist
     * @param policy when appends are forced to the device
     * @param visitor receives the recovered records; may be {@code null}
     * @return the open log
     * @throws IOException on I/O failure, or if another writer holds the log
     */
    public static RecordLog open(final Path file, final FsyncPolicy policy, final Visitor visitor) throws IOException {
        if (policy == null) {
            throw new IllegalArgumentException("fsync policy must not be null");
        }
        final Path lockFile = sibling(file, ".lock");
        final FileChannel lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = null;
        try {
            try {
                lock = lockChannel.tryLock();
            } catch (final OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new IOException("log " + file + " is open by another writer (lock " + lockFile + " is held)");
            }
            final boolean created = !Files.exists(file);
            final FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
            try {
                if (created) {
                    syncDirectory(file);
                }
                final long validEnd = scan(channel, visitor);
                final long fileSize = channel.size();
                final long discarded = fileSize - validEnd;
                if (discarded > 0) {
                    setAside(channel, validEnd, fileSize, sibling(file, ".discarded"));
                    channel.truncate(validEnd);
                    channel.force(true);
                }
                return new RecordLog(file, policy, lockChannel, lock, channel, validEnd, discarded);
            } catch (final IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        } catch (final IOException | RuntimeException e) {
            if (lock != null) {
                lock.release();
            }
            lockChannel.close();
            throw e;
        }
    }

    /**
     * Reads the valid records of a log file without opening it for writing (and without changing it).
     *
     * @param file the log file
     * @param visitor receives each valid record
     * @return the byte length of the valid prefix; 0 if the file does not exist
     * @throws IOException on I/O failure or from the visitor
     */
    public static long scan(final Path file, final Visitor visitor) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return scan(channel, visitor);
        } catch (final NoSuchFileException e) {
            return 0;
        }
    }

    private static long scan(final FileChannel channel, final Visitor visitor) throws IOException {
        final long fileSize = channel.size();
        final ByteBuffer head = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        final CRC32C crc = new CRC32C();
        long offset = 0;
        while (fileSize - offset >= HEADER_BYTES) {
            head.clear();
            readFully(channel, head, offset);
            final int magic = head.getInt(0);
            final int length = head.getInt(4);
            final int expected = head.getInt(8);
            if (magic != MAGIC || length < 0 || length > MAX_PAYLOAD_BYTES
                || length > fileSize - offset - HEADER_BYTES) {
                break;
            }
            final ByteBuffer payload = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, payload, offset + HEADER_BYTES);
            crc.reset();
            crc.update(head.array(), 4, 4);
            crc.update(payload.array(), 0, length);
            if ((int) crc.getValue() != expected) {
                break;
            }
            if (visitor != null) {
                payload.clear();
                visitor.onRecord(offset, payload);
            }
            offset += HEADER_BYTES + (long) length;
        }
        return offset;
    }

    /**
     * Appends one record and forces it if the policy says so.
     *
     * @param payload from its position to its limit; the position is not changed
     * @return the record's offset, for {@link #read(long)}
     * @throws IOException on I/O failure
     */
    public synchronized long append(final ByteBuffer payload) throws IOException {
        ensureOpen();
        final int length = payload.remaining();
        if (length > MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException("payload must be at most " + MAX_PAYLOAD_BYTES + " bytes, was " + length);
        }
        final ByteBuffer body = payload.duplicate();
        header.clear();
        header.putInt(0, MAGIC).putInt(4, length);
        crc.reset();
        crc.update(header.array(), 4, 4);
        crc.update(body.duplicate());
        header.putInt(8, (int) crc.getValue());
        final long offset = size;
        // one gathering write per record; a crash may still leave any prefix of it, which recovery discards
        final ByteBuffer[] parts = {header, body};
        long written = 0;
        channel.position(offset);
        while (written < HEADER_BYTES + (long) length) {
            written += channel.write(parts);
        }
        size = offset + written;
        final int every = policy.every();
        if (every != 0 && ++unsynced >= every) {
            sync();
        }
        return offset;
    }

    /**
     * Forces every appended record to the device now, whatever the policy.
     *
     * @throws IOException on I/O failure
     */
    public synchronized void sync() throws IOException {
        ensureOpen();
        channel.force(false);
        unsynced = 0;
    }

    /**
     * Reads and verifies the payload of the record at an offset returned by {@link #append} or a visitor.
     *
     * @param offset a record offset
     * @return a fresh little-endian buffer
     * @throws IOException on I/O failure or if the record there is not valid
     */
    public synchronized ByteBuffer read(final long offset) throws IOException {
        ensureOpen();
        if (offset < 0 || offset > size - HEADER_BYTES) {
            throw new IOException("no record at offset " + offset + " of " + file + " (size " + size + ')');
        }
        final ByteBuffer head = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, head, offset);
        final int length = head.getInt(4);
        if (head.getInt(0) != MAGIC || length < 0 || length > size - offset - HEADER_BYTES) {
            throw new IOException("corrupt record header at offset " + offset + " of " + file);
        }
        final ByteBuffer payload = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, payload, offset + HEADER_BYTES);
        final CRC32C check = new CRC32C();
        check.update(head.array(), 4, 4);
        check.update(payload.array(), 0, length);
        if ((int) check.getValue() != head.getInt(8)) {
            throw new IOException("checksum mismatch in record at offset " + offset + " of " + file);
        }
        payload.clear();
        return payload;
    }

    /**
     * Atomically replaces the whole log with these records (compaction): writes them to a temporary file, forces
     * it, renames it over the log and forces the directory. A crash leaves either the old or the new log.
     *
     * @param payloads the records to keep, in order
     * @return the offsets of the kept records in the new log
     * @throws IOException on I/O failure
     */
    public synchronized long[] replaceWith(final List<ByteBuffer> payloads) throws IOException {
        ensureOpen();
        final Path tmp = sibling(file, ".tmp");
        final long[] offsets = new long[payloads.size()];
        try (RecordLog fresh = openUnlocked(tmp)) {
            for (int i = 0; i < offsets.length; i++) {
                offsets[i] = fresh.append(payloads.get(i));
            }
            fresh.channel.force(true);
        }
        channel.close();
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (final AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        syncDirectory(file);
        channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        size = channel.size();
        unsynced = 0;
        return offsets;
    }

    private static RecordLog openUnlocked(final Path tmp) throws IOException {
        final FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.READ, StandardOpenOption.WRITE);
        return new RecordLog(tmp, FsyncPolicy.never(), null, null, ch, 0, 0);
    }

    /**
     * Bytes in the log (the end of the last record).
     *
     * @return at least 0
     */
    public synchronized long size() {
        return size;
    }

    /**
     * Bytes of torn or corrupt tail that {@link #open} discarded.
     *
     * @return 0 after a clean shutdown
     */
    public long discardedBytes() {
        return discardedBytes;
    }

    /**
     * The log file.
     *
     * @return its path
     */
    public Path file() {
        return file;
    }

    /**
     * Forces (unless the policy is {@link FsyncPolicy#never()}), closes the file and releases the lock.
     *
     * @throws IOException on I/O failure
     */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (policy.every() != 0 && channel.isOpen()) {
                channel.force(false);
            }
        } finally {
            channel.close();
            if (lock != null) {
                lock.release();
            }
            if (lockChannel != null) {
                lockChannel.close();
            }
        }
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("log " + file + " is closed");
        }
    }

    private static void readFully(final FileChannel channel, final ByteBuffer dst, final long position) throws IOException {
        long pos = position;
        while (dst.hasRemaining()) {
            final int n = channel.read(dst, pos);
            if (n < 0) {
                throw new IOException("unexpected end of file at " + pos);
            }
            pos += n;
        }
    }

    private static void setAside(final FileChannel channel, final long from, final long to, final Path aside)
        throws IOException {
        try (FileChannel out = FileChannel.open(aside, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
            long pos = from;
            while (pos < to) {
                pos += channel.transferTo(pos, to - pos, out);
            }
        }
    }

    static Path sibling(final Path file, final String suffix) {
        return file.resolveSibling(file.getFileName().toString() + suffix);
    }

    private static void syncDirectory(final Path file) throws IOException {
        final Path dir = file.toAbsolutePath().getParent();
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (final IOException e) {
            // some platforms cannot open a directory; the file's own force is all they offer
            if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("win")) {
                throw e;
            }
        }
    }
}

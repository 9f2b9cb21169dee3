package org.mmosdk.shard.saga;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.mmosdk.shard.checkpoint.FsyncPolicy;
import org.mmosdk.shard.checkpoint.RecordLog;

/**
 * The durable saga log: a {@link RecordLog} of small records {@code [u8 type][i64 sagaId][i32 step][body]}.
 * Records are appended without forcing; the orchestrator calls {@link #syncIfDirty()} before every participant
 * call, so whatever a participant may have seen is on the device first.
 */
final class SagaLog implements AutoCloseable {
    static final byte STARTED = 1;
    static final byte STEP_BEGUN = 2;
    static final byte STEP_DONE = 3;
    static final byte ABORTED = 4;
    static final byte STEP_COMPENSATED = 5;
    static final byte ENDED = 6;
    static final byte ID_FLOOR = 7;
    private static final int HEAD = 1 + 8 + 4;

    /** What the log says about one saga that has not ended. */
    static final class State {
        final long id;
        final String name;
        final byte[] input;
        int highestBegun = -1;
        int highestDone = -1;
        boolean aborted;
        final BitSet compensated = new BitSet();
        /** Being driven by some thread; guarded by the log's lock. */
        boolean claimed;

        State(final long id, final String name, final byte[] input) {
            this.id = id;
            this.name = name;
            this.input = input;
        }
    }

    private final RecordLog log;
    private final boolean durable;
    private final Map<Long, State> open = new LinkedHashMap<>();
    private long nextId;
    private boolean dirty;

    SagaLog(final Path file, final boolean durable) throws IOException {
        this.durable = durable;
        final long[] maxId = {0};
        this.log = RecordLog.open(file, FsyncPolicy.never(), (offset, p) -> {
            final byte type = p.get(0);
            final long id = p.getLong(1);
            final int step = p.getInt(9);
            maxId[0] = Math.max(maxId[0], id);
            final State s = open.get(id);
            if (s == null && type != STARTED && type != ID_FLOOR) {
                return; // a record of a saga that ended (cannot follow its end in a valid log) — nothing to do
            }
            switch (type) {
                case STARTED -> {
                    final int nameLen = p.getShort(HEAD) & 0xFFFF;
                    final byte[] name = new byte[nameLen];
                    p.position(HEAD + 2);
                    p.get(name);
                    final byte[] input = new byte[p.remaining()];
                    p.get(input);
                    open.put(id, new State(id, new String(name, StandardCharsets.UTF_8), input));
                }
                case STEP_BEGUN -> s.highestBegun = Math.max(s.highestBegun, step);
                case STEP_DONE -> s.highestDone = Math.max(s.highestDone, step);
                case ABORTED -> s.aborted = true;
                case STEP_COMPENSATED -> s.compensated.set(step);
                case ENDED -> open.remove(id);
                case ID_FLOOR -> {
                    // the id itself carries the floor
                }
                default -> throw new IOException("unknown saga log record type " + type + " at offset " + offset);
            }
        });
        // ids never repeat, even if the log is lost: start above the clock in milliseconds × 4096
        this.nextId = Math.max(maxId[0] + 1, System.currentTimeMillis() << 12);
    }

    synchronized State start(final String name, final byte[] input) throws IOException {
        final long id = nextId++;
        final byte[] n = name.getBytes(StandardCharsets.UTF_8);
        final ByteBuffer b = head(STARTED, id, -1, 2 + n.length + input.length);
        b.putShort((short) n.length).put(n).put(input).flip();
        log.append(b);
        dirty = true;
        final State s = new State(id, name, input);
        s.claimed = true;
        open.put(id, s);
        return s;
    }

    synchronized void mark(final State s, final byte type, final int step) throws IOException {
        final ByteBuffer b = head(type, s.id, step, 0);
        b.flip();
        log.append(b);
        dirty = true;
        switch (type) {
            case STEP_BEGUN -> s.highestBegun = Math.max(s.highestBegun, step);
            case STEP_DONE -> s.highestDone = Math.max(s.highestDone, step);
            case ABORTED -> s.aborted = true;
            case STEP_COMPENSATED -> s.compensated.set(step);
            case ENDED -> open.remove(s.id);
            default -> throw new IllegalArgumentException("not a mark: " + type);
        }
    }

    synchronized void syncIfDirty() throws IOException {
        if (dirty && durable) {
            log.sync();
        }
        dirty = false;
    }

    synchronized List<State> openSagas() {
        return List.copyOf(open.values());
    }

    /** The open sagas no thread is driving, now claimed by the caller. */
    synchronized List<State> claimUnclaimed() {
        final List<State> out = new java.util.ArrayList<>();
        for (final State s : open.values()) {
            if (!s.claimed) {
                s.claimed = true;
                out.add(s);
            }
        }
        return out;
    }

    synchronized void release(final State s) {
        s.claimed = false;
    }

    /** Replaces the log with one record that keeps ids unique, if no saga is open and it is larger than max. */
    synchronized boolean compactIfIdle(final long maxBytes) throws IOException {
        if (!open.isEmpty() || log.size() <= maxBytes) {
            return false;
        }
        final ByteBuffer b = head(ID_FLOOR, nextId - 1, -1, 0);
        b.flip();
        log.replaceWith(List.of(b));
        dirty = false;
        return true;
    }

    synchronized long size() {
        return log.size();
    }

    private static ByteBuffer head(final byte type, final long id, final int step, final int body) {
        return ByteBuffer.allocate(HEAD + body).order(ByteOrder.LITTLE_ENDIAN).put(type).putLong(id).putInt(step);
    }

    @Override
    public void close() throws IOException {
        log.close();
    }
}

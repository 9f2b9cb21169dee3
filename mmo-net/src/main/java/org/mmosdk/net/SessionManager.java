package org.mmosdk.net;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.EventExecutor;
import org.mmosdk.core.peer.Delivery;
import org.mmosdk.core.wire.Envelope;
import org.mmosdk.net.internal.FrameFormat;

/**
 * The gateway's open sessions: counts, look-up by id, iteration for broadcast. Thread-safe; iteration is weakly
 * consistent (sessions opening or closing meanwhile may or may not be seen).
 */
public final class SessionManager {
    private final ConcurrentHashMap<Long, Session> byId = new ConcurrentHashMap<>();
    private final ConnectionLimiter limiter;

    SessionManager(final ConnectionLimiter limiter) {
        this.limiter = limiter;
    }

    /**
     * Sessions past the handshake, detached ones (waiting for a resume) included.
     *
     * @return the count
     */
    public int sessionCount() {
        return byId.size();
    }

    /**
     * Open connections, handshaking or not.
     *
     * @return the count
     */
    public int connectionCount() {
        return limiter.total();
    }

    /**
     * The session with this id.
     *
     * @param sessionId an id from {@link Session#id()}
     * @return the session, or null if none is open under this id
     */
    public Session get(final long sessionId) {
        return byId.get(sessionId);
    }

    /**
     * Calls {@code action} for every open session.
     *
     * @param action called on the calling thread
     */
    public void forEach(final Consumer<Session> action) {
        byId.values().forEach(action);
    }

    /**
     * Queues one reliable message to every session, without flushing.
     *
     * @param envelope {@code [u16 type id][payload]}; copied once, position unchanged
     * @return how many sessions it was queued to
     */
    public int broadcast(final ByteBuffer envelope) {
        return broadcast(envelope, Delivery.RELIABLE);
    }

    /**
     * Queues one message to every session, without flushing. The message is encoded once into a pooled buffer that
     * every session writes a retained duplicate of.
     *
     * @param envelope {@code [u16 type id][payload]}; copied once, position unchanged
     * @param delivery reliable, or droppable (skipped by sessions that cannot keep up)
     * @return how many sessions it was queued to
     * @throws IllegalArgumentException if the envelope is shorter than its header or longer than the frame cap
     */
    public int broadcast(final ByteBuffer envelope, final Delivery delivery) {
        checkHeader(envelope);
        final ByteBuf frame = FrameFormat.sharedFrame(envelope);
        try {
            int sent = 0;
            for (final Session s : byId.values()) {
                if (!fits(s, envelope)) {
                    throw tooLong(s, envelope);
                }
                if (s.sendShared(frame, delivery)) {
                    sent++;
                }
            }
            return sent;
        } finally {
            frame.release();
        }
    }

    /**
     * Sends one message to every session and flushes them, doing the work on the sessions' own I/O threads: one task
     * per event loop per call instead of a hand-over per write and per flush. This is how to broadcast from a zone
     * thread; {@link #broadcast(ByteBuffer, Delivery)} + {@link #flushAll()} from a non-I/O thread costs two
     * hand-overs per session.
     *
     * @param envelope {@code [u16 type id][payload]}; copied once, position unchanged
     * @param delivery reliable, or droppable (skipped by sessions that cannot keep up)
     * @return how many sessions the message was handed to (a session may still skip a droppable one)
     */
    public int broadcastAndFlush(final ByteBuffer envelope, final Delivery delivery) {
        return sendAndFlush(byId.values(), envelope, delivery);
    }

    /**
     * Like {@link #broadcastAndFlush(ByteBuffer, Delivery)} for a chosen group of sessions (a zone's players, a
     * room). The message is encoded once into one pooled buffer; each session writes a retained duplicate of it (no
     * copy); each event loop gets one task that writes to each of its sessions and flushes it right away (one flush per
     * session per call, and the first recipient's bytes do not wait for the last recipient's write). The
     * grouping arrays and tasks are reused by the calling thread, so a steady broadcast allocates nothing per session
     * (and nothing per call once the event loops keep up). With Netty's leak detector on (its default samples one
     * buffer in 128), a sampled broadcast records a stack trace per recipient: run production with
     * {@code -Dio.netty.leakDetection.level=disabled}.
     *
     * @param sessions the recipients; read during the call only
     * @param envelope {@code [u16 type id][payload]}; copied once, position unchanged
     * @param delivery reliable, or droppable
     * @return how many sessions the message was handed to
     * @throws IllegalArgumentException if the envelope is shorter than its header or longer than a recipient's frame
     *     cap (then nothing is sent)
     */
    public static int sendAndFlush(final Iterable<Session> sessions, final ByteBuffer envelope, final Delivery delivery) {
        checkHeader(envelope);
        final Broadcaster b = BROADCASTERS.get();
        ByteBuf frame = null;
        int handed = 0;
        try {
            for (final Session s : sessions) {
                if (!fits(s, envelope)) {
                    throw tooLong(s, envelope);
                }
                if (frame == null) {
                    frame = FrameFormat.sharedFrame(envelope);
                }
                final ServerConnection c = s.connection;
                if (c == null) {
                    // detached (waiting for a resume): reliable messages go to its resend window from here
                    if (s.sendShared(frame, delivery)) {
                        handed++;
                    }
                    continue;
                }
                b.batchFor(c.executor()).add(s);
                handed++;
            }
            if (frame != null) {
                b.dispatch(frame, delivery);
            }
            return handed;
        } finally {
            b.abandon();
            if (frame != null) {
                frame.release();
            }
        }
    }

    private static void checkHeader(final ByteBuffer envelope) {
        if (envelope.remaining() < Envelope.HEADER_BYTES) {
            throw new IllegalArgumentException("envelope must be at least " + Envelope.HEADER_BYTES + " bytes, was "
                + envelope.remaining());
        }
    }

    private static IllegalArgumentException tooLong(final Session s, final ByteBuffer envelope) {
        return new IllegalArgumentException("envelope of " + envelope.remaining() + " bytes is longer than the frame cap ("
            + s.maxEnvelopeBytes() + ") of " + s);
    }

    private static boolean fits(final Session s, final ByteBuffer envelope) {
        return envelope.remaining() <= s.maxEnvelopeBytes();
    }

    private static final ThreadLocal<Broadcaster> BROADCASTERS = ThreadLocal.withInitial(Broadcaster::new);

    /**
     * One calling thread's reusable state of {@link #sendAndFlush}: the batches being filled for the current call and
     * the batches that came back from their event loops. Filled by the owning thread only; {@link #recycle} is called
     * by event loops.
     */
    private static final class Broadcaster {
        private Batch[] open = new Batch[4];
        private int openCount;
        private final ArrayDeque<Batch> free = new ArrayDeque<>();

        Batch batchFor(final EventExecutor loop) {
            for (int i = 0; i < openCount; i++) {
                if (open[i].loop == loop) {
                    return open[i];
                }
            }
            Batch batch = takeFree(loop);
            if (batch == null) {
                batch = new Batch(loop, this);
            }
            if (openCount == open.length) {
                open = Arrays.copyOf(open, openCount * 2);
            }
            open[openCount++] = batch;
            return batch;
        }

        private synchronized Batch takeFree(final EventExecutor loop) {
            for (final Iterator<Batch> it = free.iterator(); it.hasNext(); ) {
                final Batch b = it.next();
                if (b.loop == loop) {
                    it.remove();
                    return b;
                }
                if (b.loop.isShuttingDown()) {
                    it.remove(); // an event loop that is gone: forget its batch
                }
            }
            return null;
        }

        synchronized void recycle(final Batch batch) {
            free.addLast(batch);
        }

        /** Hands each open batch to its event loop with a reference to {@code frame}. */
        void dispatch(final ByteBuf frame, final Delivery delivery) {
            for (int i = 0; i < openCount; i++) {
                final Batch b = open[i];
                open[i] = null;
                b.frame = frame.retain();
                b.delivery = delivery;
                try {
                    b.loop.execute(b);
                } catch (final RuntimeException e) {
                    b.clear(); // the event loop is shut down: its sessions are closing anyway
                }
            }
            openCount = 0;
        }

        /** Drops batches filled but not dispatched (the call failed). */
        void abandon() {
            for (int i = 0; i < openCount; i++) {
                open[i].clear();
                open[i] = null;
            }
            openCount = 0;
        }
    }

    /** One event loop's share of one {@link #sendAndFlush} call; runs on that loop, then goes back to its owner. */
    private static final class Batch implements Runnable {
        final EventExecutor loop;
        private final Broadcaster owner;
        private Session[] sessions = new Session[64];
        private int size;
        ByteBuf frame;
        Delivery delivery;

        Batch(final EventExecutor loop, final Broadcaster owner) {
            this.loop = loop;
            this.owner = owner;
        }

        void add(final Session s) {
            if (size == sessions.length) {
                sessions = Arrays.copyOf(sessions, size * 2);
            }
            sessions[size++] = s;
        }

        @Override
        public void run() {
            try {
                // each session written and flushed in turn: its bytes leave at once (the first recipient does not
                // wait for the last one's write), and its objects are touched once per broadcast, not twice
                for (int i = 0; i < size; i++) {
                    final Session s = sessions[i];
                    s.sendShared(frame, delivery);
                    s.flush();
                }
                if (size > 0) {
                    sessions[0].publishTraffic(); // (sessions of other gateways publish on their next frame or ping)
                }
            } finally {
                clear();
                owner.recycle(this);
            }
        }

        void clear() {
            Arrays.fill(sessions, 0, size, null);
            size = 0;
            if (frame != null) {
                frame.release();
                frame = null;
            }
        }
    }

    /** Flushes every open session (call once at the end of a tick). */
    public void flushAll() {
        for (final Session s : byId.values()) {
            s.flush();
        }
    }

    void add(final Session session) {
        byId.put(session.id, session);
    }

    void remove(final Session session) {
        byId.remove(session.id, session);
    }
}

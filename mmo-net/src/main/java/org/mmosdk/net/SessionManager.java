package org.mmosdk.net;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import org.mmosdk.core.peer.Delivery;

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
     * @param envelope {@code [u16 type id][payload]}; copied, position unchanged
     * @return how many sessions it was queued to
     */
    public int broadcast(final ByteBuffer envelope) {
        int sent = 0;
        for (final Session s : byId.values()) {
            if (s.send(envelope)) {
                sent++;
            }
        }
        return sent;
    }

    /**
     * Queues one message to every session, without flushing.
     *
     * @param envelope {@code [u16 type id][payload]}; copied, position unchanged
     * @param delivery reliable, or droppable (skipped by sessions that cannot keep up)
     * @return how many sessions it was queued to
     */
    public int broadcast(final ByteBuffer envelope, final Delivery delivery) {
        int sent = 0;
        for (final Session s : byId.values()) {
            if (s.send(envelope, delivery)) {
                sent++;
            }
        }
        return sent;
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
     * room).
     *
     * @param sessions the recipients
     * @param envelope {@code [u16 type id][payload]}; copied once, position unchanged
     * @param delivery reliable, or droppable
     * @return how many sessions the message was handed to
     */
    public static int sendAndFlush(final Iterable<Session> sessions, final ByteBuffer envelope, final Delivery delivery) {
        final byte[] bytes = new byte[envelope.remaining()];
        envelope.duplicate().get(bytes);
        final Map<io.netty.util.concurrent.EventExecutor, List<Session>> byLoop = new IdentityHashMap<>();
        int handed = 0;
        for (final Session s : sessions) {
            final ServerConnection c = s.connection;
            if (c == null) {
                // detached (waiting for a resume): reliable messages go to its resend window from here
                if (s.send(ByteBuffer.wrap(bytes), delivery)) {
                    handed++;
                }
                continue;
            }
            byLoop.computeIfAbsent(c.executor(), k -> new ArrayList<>()).add(s);
            handed++;
        }
        for (final Map.Entry<io.netty.util.concurrent.EventExecutor, List<Session>> e : byLoop.entrySet()) {
            final List<Session> group = e.getValue();
            e.getKey().execute(() -> {
                final ByteBuffer message = ByteBuffer.wrap(bytes);
                for (final Session s : group) {
                    s.send(message, delivery);
                }
                for (final Session s : group) {
                    s.flush();
                }
            });
        }
        return handed;
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

package org.mmosdk.net;

import java.nio.ByteBuffer;
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

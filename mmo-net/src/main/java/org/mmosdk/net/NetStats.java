package org.mmosdk.net;

import java.util.function.DoubleSupplier;

import org.mmosdk.core.stats.Counter;
import org.mmosdk.core.stats.LatencyHistogram;
import org.mmosdk.core.stats.StatsRegistry;

/** The gateway's instruments in a {@link StatsRegistry}. Thread-safe. */
final class NetStats {
    private static final int CODES = 64;

    final Counter accepts;
    final Counter handshakes;
    final Counter bytesIn;
    final Counter bytesOut;
    final Counter messagesIn;
    final Counter messagesOut;
    final Counter messagesDropped;
    final Counter messagesSkipped;
    final Counter slowConsumers;
    final Counter detaches;
    final Counter resumes;
    final Counter resent;
    final LatencyHistogram rtt;
    private final StatsRegistry registry;
    private final Counter[] rejects = new Counter[CODES];
    private final Counter[] closes = new Counter[CODES];

    NetStats(final StatsRegistry registry, final DoubleSupplier connections, final DoubleSupplier sessions) {
        this.registry = registry;
        registry.gauge("net.connections", "open connections, handshaking or not", connections);
        registry.gauge("net.sessions", "sessions past the handshake", sessions);
        accepts = registry.counter("net.accepts", "connections accepted by the transport");
        handshakes = registry.counter("net.handshakes", "handshakes that ended in Welcome");
        bytesIn = registry.counter("net.bytes.in", "bytes received (frames, prefix included)");
        bytesOut = registry.counter("net.bytes.out", "bytes sent (frames, prefix included)");
        messagesIn = registry.counter("net.messages.in", "messages received");
        messagesOut = registry.counter("net.messages.out", "messages sent");
        messagesDropped = registry.counter("net.messages.dropped", "messages dropped by the rate limiter");
        messagesSkipped = registry.counter("net.messages.skipped", "droppable messages skipped: session not writable or detached");
        slowConsumers = registry.counter("net.slow.consumers", "sessions closed because their reliable queue overflowed");
        detaches = registry.counter("net.detaches", "resumable sessions whose connection dropped");
        resumes = registry.counter("net.resumes", "sessions resumed on a new connection");
        resent = registry.counter("net.messages.resent", "reliable messages sent again after a resume");
        rtt = registry.histogram("net.rtt", "heartbeat round-trip times");
    }

    /** A connection or handshake refused, by reason. */
    void reject(final int code) {
        counter(rejects, "net.rejects", "connections or handshakes refused", code).increment();
    }

    /** A connection closed, by reason. */
    void close(final int code) {
        counter(closes, "net.closes", "connections closed", code).increment();
    }

    private Counter counter(final Counter[] cache, final String name, final String description, final int code) {
        if (code >= 0 && code < CODES) {
            Counter c = cache[code];
            if (c == null) {
                c = registry.counter(name, description, "reason", CloseCodes.name(code));
                cache[code] = c;
            }
            return c;
        }
        return registry.counter(name, description, "reason", CloseCodes.name(code));
    }
}

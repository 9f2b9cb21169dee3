package org.mmosdk.net;

import org.mmosdk.core.wire.EnvelopeWriter;
import org.mmosdk.core.wire.MessageDispatcher;
import org.mmosdk.core.wire.MessageRegistry;
import org.mmosdk.core.wire.fb.Close;
import org.mmosdk.core.wire.fb.Ping;
import org.mmosdk.core.wire.fb.Pong;
import org.mmosdk.net.wire.fb.Ack;
import org.mmosdk.net.wire.fb.Hello;

/**
 * What one I/O thread reuses for every connection of a gateway: dispatchers, a writer, flyweights, and its share of
 * the traffic counters. Those four counters are counted here in plain fields and added to the shared
 * {@link NetStats} counters (striped {@code LongAdder}s, a CAS each) at most every {@link #PUBLISH_NANOS} or
 * {@link #PUBLISH_MESSAGES} messages, on a heartbeat and when a connection closes: four CAS per message were a tenth of
 * the cost of a small echo. Readers of the stats may lag by that much.
 */
final class IoThreadState {
    static final long PUBLISH_NANOS = 1_000_000L;
    static final int PUBLISH_MESSAGES = 4096;

    final MessageDispatcher<ServerConnection> control;
    final MessageDispatcher<Session> app;
    final EnvelopeWriter writer = new EnvelopeWriter();
    final Ping ping = new Ping();
    final Pong pong = new Pong();
    final Close close = new Close();
    final Hello hello = new Hello();
    final Ack ack = new Ack();
    private final NetStats stats;
    private long messagesIn;
    private long bytesIn;
    private long messagesOut;
    private long bytesOut;
    private long publishedNanos;

    IoThreadState(final MessageRegistry<ServerConnection> control, final MessageRegistry<Session> app, final NetStats stats) {
        this.control = control.newDispatcher();
        this.app = app == null ? null : app.newDispatcher();
        this.stats = stats;
    }

    /** One frame received at {@code nowNanos}. */
    void countIn(final int bytes, final long nowNanos) {
        messagesIn++;
        bytesIn += bytes;
        if (nowNanos - publishedNanos >= PUBLISH_NANOS || messagesIn >= PUBLISH_MESSAGES) {
            publish(nowNanos);
        }
    }

    /** One frame sent. */
    void countOut(final int bytes) {
        bytesOut += bytes;
        if (++messagesOut >= PUBLISH_MESSAGES) {
            publish(publishedNanos);
        }
    }

    /** Adds what this thread counted to the shared counters. */
    void publish(final long nowNanos) {
        publishedNanos = nowNanos;
        if (messagesIn != 0) {
            stats.messagesIn.add(messagesIn);
            stats.bytesIn.add(bytesIn);
            messagesIn = 0;
            bytesIn = 0;
        }
        if (messagesOut != 0) {
            stats.messagesOut.add(messagesOut);
            stats.bytesOut.add(bytesOut);
            messagesOut = 0;
            bytesOut = 0;
        }
    }
}

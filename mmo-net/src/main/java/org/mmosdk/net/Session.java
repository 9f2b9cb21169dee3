package org.mmosdk.net;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.SocketAddress;
import java.nio.ByteBuffer;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.util.Attribute;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.Future;
import org.mmosdk.core.id.SessionIds;
import org.mmosdk.core.wire.Envelope;
import org.mmosdk.net.internal.FrameFormat;
import org.mmosdk.net.internal.RttEstimator;

/**
 * One client connected through the gateway, over TCP or WebSocket; the same API for both.
 *
 * <p>Threads: every method may be called from any thread. {@link #send} writes without flushing, so a zone sends
 * everything of a tick and then calls {@link #flush()} (or {@link SessionManager#flushAll()}) once: one system call
 * per session per tick. {@link #close} happens once: the first caller's reason is sent to the peer in a
 * {@code Close} message before the channel closes; later calls return false.
 */
public final class Session {
    private static final VarHandle CLOSE;

    static {
        try {
            CLOSE = MethodHandles.lookup().findVarHandle(Session.class, "close", CloseReason.class);
        } catch (final ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final Channel channel;
    final FrameFormat format;
    final ServerConnection connection;
    private final Transport transport;
    private final NetStats stats;
    private final int maxEnvelopeBytes;
    final RttEstimator rtt = new RttEstimator();
    volatile long id = SessionIds.NONE;
    volatile String principal;
    @SuppressWarnings("unused") // through CLOSE
    private volatile CloseReason close;

    Session(final Channel channel, final Transport transport, final ServerConnection connection, final NetStats stats,
        final int maxEnvelopeBytes) {
        this.channel = channel;
        this.transport = transport;
        this.format = transport == Transport.TCP ? FrameFormat.TCP : FrameFormat.WEBSOCKET;
        this.connection = connection;
        this.stats = stats;
        this.maxEnvelopeBytes = maxEnvelopeBytes;
    }

    /**
     * The session's id, from mmo-core's {@link SessionIds}.
     *
     * @return the id, or {@link SessionIds#NONE} before the handshake finished
     */
    public long id() {
        return id;
    }

    /**
     * Who the authenticator said the client is.
     *
     * @return the principal, or null before the handshake finished
     */
    public String principal() {
        return principal;
    }

    /**
     * The client's address.
     *
     * @return the remote socket address
     */
    public SocketAddress remoteAddress() {
        return channel.remoteAddress();
    }

    /**
     * How the client is connected.
     *
     * @return TCP or WebSocket
     */
    public Transport transport() {
        return transport;
    }

    /**
     * A typed attribute of this session (Netty's thread-safe attribute map of the channel).
     *
     * @param key the attribute's key, e.g. {@code AttributeKey.valueOf("player")}
     * @param <T> the value's type
     * @return the attribute, never null; {@code get()} is null until set
     */
    public <T> Attribute<T> attr(final AttributeKey<T> key) {
        return channel.attr(key);
    }

    /**
     * Queues a message without flushing. The bytes between the buffer's position and limit are copied into a pooled
     * buffer; the caller keeps {@code envelope} and its position is unchanged.
     *
     * @param envelope {@code [u16 type id][payload]}, e.g. from {@code EnvelopeWriter.finish}
     * @return false if the session is closing (nothing was queued)
     * @throws IllegalArgumentException if the envelope is shorter than its header or longer than the frame cap
     */
    public boolean send(final ByteBuffer envelope) {
        final int n = envelope.remaining();
        if (n < Envelope.HEADER_BYTES || n > maxEnvelopeBytes) {
            throw badSize(n);
        }
        if (close != null) {
            return false;
        }
        channel.write(format.frame(channel.alloc(), envelope), channel.voidPromise());
        countOut(n);
        return true;
    }

    /**
     * Queues a message without flushing. The readable bytes are copied; the caller keeps (and releases)
     * {@code envelope}, whose indices are unchanged.
     *
     * @param envelope {@code [u16 type id][payload]}
     * @return false if the session is closing (nothing was queued)
     * @throws IllegalArgumentException if the envelope is shorter than its header or longer than the frame cap
     */
    public boolean send(final ByteBuf envelope) {
        final int n = envelope.readableBytes();
        if (n < Envelope.HEADER_BYTES || n > maxEnvelopeBytes) {
            throw badSize(n);
        }
        if (close != null) {
            return false;
        }
        channel.write(format.frame(channel.alloc(), envelope), channel.voidPromise());
        countOut(n);
        return true;
    }

    /** Sends everything queued by {@link #send} so far. */
    public void flush() {
        channel.flush();
    }

    /**
     * {@link #send(ByteBuffer)} then {@link #flush()}, for messages outside the tick (rare).
     *
     * @param envelope {@code [u16 type id][payload]}
     * @return false if the session is closing
     */
    public boolean sendAndFlush(final ByteBuffer envelope) {
        final boolean sent = send(envelope);
        if (sent) {
            channel.flush();
        }
        return sent;
    }

    /**
     * Closes the session: the peer receives a {@code Close} message with this code and reason, then the channel
     * closes (after at most the gateway's close timeout). Only the first call has an effect.
     *
     * @param code a {@link CloseCodes} value or an application code in [{@link CloseCodes#APPLICATION_FIRST}, 65535]
     * @param reason text for the peer and the logs
     * @return true if this call closed the session, false if it was already closing
     */
    public boolean close(final int code, final String reason) {
        if (!markClosing(code, reason)) {
            return false;
        }
        connection.requestClose();
        return true;
    }

    /**
     * Whether messages can still be sent.
     *
     * @return false once {@link #close} was called or the connection dropped
     */
    public boolean isOpen() {
        return close == null && channel.isActive();
    }

    /**
     * Why the session closed.
     *
     * @return the reason, or null while open
     */
    public CloseReason closeReason() {
        return close;
    }

    /**
     * Completes when the channel has closed.
     *
     * @return Netty's close future of the channel
     */
    public Future<Void> closeFuture() {
        return channel.closeFuture();
    }

    /**
     * Smoothed heartbeat round-trip time (like TCP's SRTT).
     *
     * @return nanoseconds, or -1 before the first Pong
     */
    public long smoothedRttNanos() {
        return rtt.smoothedNanos();
    }

    /**
     * Round-trip variation, i.e. jitter (like TCP's RTTVAR).
     *
     * @return nanoseconds, or -1 before the first Pong
     */
    public long rttVariationNanos() {
        return rtt.variationNanos();
    }

    /**
     * The frame being dispatched, retained for the caller: lets a message handler hand the frame to a zone thread
     * that reads it in place later (and releases it). The buffer is exclusively the caller's; its readable bytes are
     * the whole envelope. Only valid on the I/O thread while a handler of this session runs.
     *
     * @return the current frame with one more reference the caller must release
     * @throws IllegalStateException outside a handler call
     */
    public ByteBuf retainCurrentFrame() {
        final ByteBuf frame = connection.currentFrame();
        if (frame == null) {
            throw new IllegalStateException("retainCurrentFrame() is only valid inside a message handler of this session, "
                + "on its I/O thread");
        }
        return frame.retain();
    }

    boolean markClosing(final int code, final String reason) {
        return CLOSE.compareAndSet(this, (CloseReason) null, new CloseReason(code, reason == null ? "" : reason));
    }

    private void countOut(final int n) {
        stats.messagesOut.increment();
        stats.bytesOut.add(format == FrameFormat.TCP ? n + 4 : n);
    }

    private IllegalArgumentException badSize(final int n) {
        return new IllegalArgumentException("envelope must be " + Envelope.HEADER_BYTES + " to " + maxEnvelopeBytes
            + " bytes, was " + n);
    }

    @Override
    public String toString() {
        return "Session[" + SessionIds.toString(id) + ", " + transport + ", " + channel.remoteAddress() + "]";
    }
}

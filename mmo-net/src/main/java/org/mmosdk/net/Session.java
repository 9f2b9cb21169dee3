package org.mmosdk.net;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.util.Attribute;
import io.netty.util.AttributeKey;
import io.netty.util.DefaultAttributeMap;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import org.mmosdk.core.id.SessionIds;
import org.mmosdk.core.peer.Delivery;
import org.mmosdk.core.peer.Peer;
import org.mmosdk.core.wire.Envelope;
import org.mmosdk.net.internal.FrameFormat;
import org.mmosdk.net.internal.RttEstimator;
import org.mmosdk.net.internal.TcpFrameDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connected through the gateway, over TCP or WebSocket; the same API for both. Implements mmo-core's
 * transport-neutral {@link Peer}.
 *
 * <p>Threads: every method may be called from any thread. {@link #send} writes without flushing, so a zone sends
 * everything of a tick and then calls {@link #flush()} (or {@link SessionManager#flushAll()}) once: one system call
 * per session per tick. {@link #close} happens once: the first caller's reason is sent to the peer in a
 * {@code Close} message before the channel closes.
 *
 * <p>Backpressure: when the channel is above its high write-buffer water mark, {@link Delivery#DROPPABLE} messages are
 * skipped ({@code send} returns false); {@link Delivery#RELIABLE} ones stay queued up to the gateway's reliable
 * queue bound, beyond which the session is closed with {@link CloseCodes#SLOW_CONSUMER}.
 *
 * <p>Resume (when the gateway enables it): if the connection drops, the session stays registered but detached for
 * the grace period; reliable messages sent meanwhile are kept, and a client presenting the resume token on a new
 * connection gets the same session back, with every reliable message it had not acknowledged sent again.
 */
public final class Session implements Peer {
    private static final Logger LOG = LoggerFactory.getLogger(Session.class);
    private static final VarHandle CLOSE;

    static {
        try {
            CLOSE = MethodHandles.lookup().findVarHandle(Session.class, "close", CloseReason.class);
        } catch (final ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Gateway gateway;
    private final NetStats stats;
    private final int maxEnvelopeBytes;
    private final DefaultAttributeMap attributes = new DefaultAttributeMap();
    private final Promise<Void> closed = ImmediateEventExecutor.INSTANCE.newPromise();
    private final Runnable drainTask = this::drainTask;
    final RttEstimator rtt = new RttEstimator();
    /** The connection carrying the session; null while detached. */
    volatile ServerConnection connection;
    volatile Channel channel;
    volatile FrameFormat format;
    private volatile Transport transport;
    volatile long id = SessionIds.NONE;
    volatile String principal;
    @SuppressWarnings("unused") // through CLOSE
    private volatile CloseReason close;
    // resume state, guarded by this
    private ReliableWindow window;
    private byte[] resumeToken;
    private boolean drainScheduled;
    private boolean finished;
    private ScheduledFuture<?> grace;
    private EventExecutor detachedExecutor;

    Session(final Gateway gateway, final ServerConnection connection, final Channel channel, final Transport transport) {
        this.gateway = gateway;
        this.stats = gateway.stats;
        this.maxEnvelopeBytes = gateway.settings.maxFrameBytes;
        this.connection = connection;
        this.channel = channel;
        this.transport = transport;
        this.format = transport == Transport.TCP ? FrameFormat.TCP : FrameFormat.WEBSOCKET;
    }

    /**
     * The session's id, from mmo-core's {@link SessionIds}; unchanged by a resume.
     *
     * @return the id, or {@link SessionIds#NONE} before the handshake finished
     */
    @Override
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
     * The client's address (of the latest connection).
     *
     * @return the remote socket address, or null if that connection never had one
     */
    public SocketAddress remoteAddress() {
        return channel.remoteAddress();
    }

    /**
     * How the client is connected (the latest connection).
     *
     * @return TCP or WebSocket
     */
    public Transport transport() {
        return transport;
    }

    /**
     * A typed attribute of this session; attributes survive a resume.
     *
     * @param key the attribute's key, e.g. {@code AttributeKey.valueOf("player")}
     * @param <T> the value's type
     * @return the attribute, never null; {@code get()} is null until set
     */
    public <T> Attribute<T> attr(final AttributeKey<T> key) {
        return attributes.attr(key);
    }

    /**
     * Queues a reliable message without flushing: {@link #send(ByteBuffer, Delivery)} with {@link Delivery#RELIABLE}.
     *
     * @param envelope {@code [u16 type id][payload]}, e.g. from {@code EnvelopeWriter.finish}; copied, position unchanged
     * @return false if the session is closing (nothing was queued)
     * @throws IllegalArgumentException if the envelope is shorter than its header or longer than the frame cap
     */
    public boolean send(final ByteBuffer envelope) {
        return send(envelope, Delivery.RELIABLE);
    }

    /**
     * Queues a reliable message without flushing: {@link #send(ByteBuf, Delivery)} with {@link Delivery#RELIABLE}.
     *
     * @param envelope {@code [u16 type id][payload]}; the readable bytes are copied, indices unchanged
     * @return false if the session is closing (nothing was queued)
     * @throws IllegalArgumentException if the envelope is shorter than its header or longer than the frame cap
     */
    public boolean send(final ByteBuf envelope) {
        return send(envelope, Delivery.RELIABLE);
    }

    /**
     * Queues a message without flushing. The bytes between the buffer's position and limit are copied into a pooled
     * buffer; the caller keeps {@code envelope} and its position is unchanged.
     *
     * @param envelope {@code [u16 type id][payload]}
     * @param delivery {@code DROPPABLE} messages are skipped while the channel is not writable (or detached)
     * @return false if the session is closing, a droppable message was skipped, or the reliable queue overflowed
     *     (which closes the session with {@link CloseCodes#SLOW_CONSUMER})
     * @throws IllegalArgumentException if the envelope is shorter than its header or longer than the frame cap
     */
    @Override
    public boolean send(final ByteBuffer envelope, final Delivery delivery) {
        final int n = envelope.remaining();
        if (n < Envelope.HEADER_BYTES || n > maxEnvelopeBytes) {
            throw badSize(n);
        }
        return sendChecked(envelope, n, delivery, false);
    }

    /**
     * Queues a message without flushing. The readable bytes are copied; the caller keeps (and releases)
     * {@code envelope}, whose indices are unchanged.
     *
     * @param envelope {@code [u16 type id][payload]}
     * @param delivery {@code DROPPABLE} messages are skipped while the channel is not writable (or detached)
     * @return as {@link #send(ByteBuffer, Delivery)}
     * @throws IllegalArgumentException if the envelope is shorter than its header or longer than the frame cap
     */
    public boolean send(final ByteBuf envelope, final Delivery delivery) {
        final int n = envelope.readableBytes();
        if (n < Envelope.HEADER_BYTES || n > maxEnvelopeBytes) {
            throw badSize(n);
        }
        return sendChecked(envelope, n, delivery, false);
    }

    /**
     * Queues a message encoded once for many sessions: {@code tcpFrame}'s readable bytes are a whole TCP frame
     * ({@code [u32 LE length][envelope]}), shared and not modified; each session writes a retained duplicate (TCP) or
     * slice (WebSocket) of it, so nothing is copied. The caller checked the envelope's size against
     * {@link #maxEnvelopeBytes()} and keeps its own reference.
     */
    boolean sendShared(final ByteBuf tcpFrame, final Delivery delivery) {
        return sendChecked(tcpFrame, tcpFrame.readableBytes() - TcpFrameDecoder.PREFIX_BYTES, delivery, true);
    }

    int maxEnvelopeBytes() {
        return maxEnvelopeBytes;
    }

    private boolean sendChecked(final Object envelope, final int n, final Delivery delivery, final boolean shared) {
        if (close != null) {
            return false;
        }
        if (window != null) {
            return delivery == Delivery.RELIABLE ? enqueueReliable(envelope, n, shared) : sendDroppable(envelope, n, shared);
        }
        final Channel ch = channel;
        if (delivery == Delivery.DROPPABLE) {
            return sendDroppable(envelope, n, shared);
        }
        final ChannelOutboundBuffer out = ch.unsafe().outboundBuffer();
        if (out != null && out.totalPendingWriteBytes() + n > gateway.settings.maxQueuedReliableBytes) {
            slowConsumer("more than " + gateway.settings.maxQueuedReliableBytes + " bytes of reliable messages queued");
            return false;
        }
        write(ch, connection, envelope, n, shared);
        return true;
    }

    private boolean sendDroppable(final Object envelope, final int n, final boolean shared) {
        final Channel ch = channel;
        final ServerConnection c = connection;
        if (c == null || !ch.isWritable()) {
            stats.messagesSkipped.increment();
            return false;
        }
        write(ch, c, envelope, n, shared);
        return true;
    }

    /**
     * Frames and writes one message: on the connection's I/O thread from its handler context (as a handler's own
     * write, counted in the thread's plain counters), from any other thread through the channel.
     */
    private void write(final Channel ch, final ServerConnection c, final Object envelope, final int n, final boolean shared) {
        final FrameFormat f = format;
        final Object frame = frame(f, ch.alloc(), envelope, shared);
        if (c != null && c.channel() == ch && c.inEventLoop()) {
            c.writeFromLoop(frame, f == FrameFormat.TCP ? n + TcpFrameDecoder.PREFIX_BYTES : n);
        } else {
            ch.write(frame, ch.voidPromise());
            countOut(n);
        }
    }

    private boolean enqueueReliable(final Object envelope, final int n, final boolean shared) {
        final ServerConnection c;
        synchronized (this) {
            if (close != null || finished) {
                return false;
            }
            final Channel ch = channel;
            final ByteBufAllocator alloc = ch != null ? ch.alloc() : ByteBufAllocator.DEFAULT;
            final ByteBuf f = (ByteBuf) frame(FrameFormat.TCP, alloc, envelope, shared);
            if (!window.add(f)) {
                f.release();
                c = null;
            } else {
                countOut(n);
                final ServerConnection now = connection;
                if (now == null || drainScheduled) {
                    return true;
                }
                if (now.inEventLoop()) {
                    drainLocked(now);
                    return true;
                }
                drainScheduled = true;
                c = now;
            }
        }
        if (c == null) {
            slowConsumer(window.size() + " reliable messages (" + window.bytes() + " bytes) not acknowledged");
            return false;
        }
        c.executor().execute(drainTask);
        return true;
    }

    private void drainTask() {
        final ServerConnection c;
        synchronized (this) {
            drainScheduled = false;
            final ServerConnection now = connection;
            if (now == null || close != null) {
                return;
            }
            if (now.inEventLoop()) {
                drainLocked(now);
                return;
            }
            drainScheduled = true; // resumed on another event loop meanwhile
            c = now;
        }
        c.executor().execute(drainTask);
    }

    /** Writes every reliable message not yet written to {@code c} (on its event loop, holding this monitor). */
    private void drainLocked(final ServerConnection c) {
        while (window.written < window.next) {
            final long seq = ++window.written;
            c.writeReliable(seq, window.get(seq));
        }
    }

    /** Sends everything queued by {@link #send} so far. */
    @Override
    public void flush() {
        if (connection != null) {
            channel.flush();
        }
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
            flush();
        }
        return sent;
    }

    /**
     * Closes the session: the peer receives a {@code Close} message with this code and reason, then the channel
     * closes (after at most the gateway's close timeout). Only the first call has an effect; a detached session is
     * closed at once (no resume possible any more).
     *
     * @param code a {@link CloseCodes} value or an application code in [{@link CloseCodes#APPLICATION_FIRST}, 65535]
     * @param reason text for the peer and the logs
     */
    @Override
    public void close(final int code, final String reason) {
        tryClose(code, reason);
    }

    /**
     * {@link #close(int, String)}, saying whether this call was the one that closed.
     *
     * @param code a close code
     * @param reason text for the peer and the logs
     * @return true if this call closed the session, false if it was already closing
     */
    public boolean tryClose(final int code, final String reason) {
        if (!markClosing(code, reason)) {
            return false;
        }
        final ServerConnection c;
        final EventExecutor detached;
        synchronized (this) {
            c = connection;
            detached = detachedExecutor;
        }
        if (c != null) {
            c.requestClose();
        } else if (detached != null) {
            detached.execute(this::finish);
        }
        return true;
    }

    /**
     * Whether messages can still be sent (a detached session waiting for a resume counts as open).
     *
     * @return false once {@link #close} was called or the connection dropped for good
     */
    @Override
    public boolean isOpen() {
        if (close != null) {
            return false;
        }
        final ServerConnection c = connection;
        return c == null ? detachedExecutor != null : channel.isActive();
    }

    /**
     * Whether the connection dropped and the session waits for a resume.
     *
     * @return true while detached
     */
    public boolean isDetached() {
        return connection == null && close == null;
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
     * Completes once the session is gone for good (after {@link SessionListener#onClose}); a resume does not complete it.
     *
     * @return a future of the session's end
     */
    public Future<Void> closeFuture() {
        return closed;
    }

    /**
     * {@link #smoothedRttNanos()}, for {@link Peer}.
     *
     * @return nanoseconds, or -1 before the first Pong
     */
    @Override
    public long rttNanos() {
        return rtt.smoothedNanos();
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
     * The frame being dispatched, for the caller to keep: lets a message handler hand the frame to a zone thread
     * that reads it in place later (and releases it). The buffer is the caller's to read and release: for TCP, a
     * retained slice of the receive buffer the gateway reads the frame in (no copy; a copy if that buffer is larger
     * than 64 KiB, so that a small kept frame cannot pin a large one), for WebSocket the frame itself, retained. The
     * gateway never writes over those bytes again. Its readable bytes are the whole envelope; its capacity is fixed
     * (do not write beyond them). Only valid on the I/O thread while a handler of this session runs.
     *
     * @return a buffer holding the current envelope; the caller must release it
     * @throws IllegalStateException outside a handler call
     */
    public ByteBuf retainCurrentFrame() {
        final ServerConnection c = connection;
        final ByteBuf frame = c == null ? null : c.retainCurrentFrame();
        if (frame == null) {
            throw notInHandler("retainCurrentFrame()");
        }
        return frame;
    }

    /**
     * The frame being dispatched, borrowed: its readable bytes are the whole envelope ({@code [u16 type id][payload]}),
     * e.g. to relay it unchanged with {@code other.send(session.currentFrame())} without a copy. Only valid on the I/O
     * thread while a handler of this session runs; do not release, retain, keep or modify it (it may be the
     * connection's receive buffer). To keep the frame, use {@link #retainCurrentFrame()}.
     *
     * @return the current envelope, valid until the handler returns
     * @throws IllegalStateException outside a handler call
     */
    public ByteBuf currentFrame() {
        final ServerConnection c = connection;
        final ByteBuf frame = c == null ? null : c.currentFrame();
        if (frame == null) {
            throw notInHandler("currentFrame()");
        }
        return frame;
    }

    private static IllegalStateException notInHandler(final String what) {
        return new IllegalStateException(what + " is only valid inside a message handler of this session, on its I/O thread");
    }

    // ---- package-private life cycle, called by ServerConnection

    boolean markClosing(final int code, final String reason) {
        return CLOSE.compareAndSet(this, (CloseReason) null, new CloseReason(code, reason == null ? "" : reason));
    }

    /** The handshake succeeded: numbers reliable messages from now on if resume is on; returns the resume token. */
    synchronized byte[] enableResume(final byte[] token) {
        final Gateway.Settings s = gateway.settings;
        if (s.resumeGraceNanos > 0) {
            window = new ReliableWindow(s.maxUnackedMessages, s.maxUnackedBytes);
            resumeToken = token;
        }
        return resumeToken;
    }

    synchronized boolean tokenMatches(final byte[] token) {
        return resumeToken != null && MessageDigest.isEqual(resumeToken, token);
    }

    synchronized void onAck(final long seq) {
        if (window != null && !finished) {
            window.ack(seq);
        }
    }

    /** The connection {@code c} dropped: stay detached for the grace period. False if it is not ours or we close. */
    synchronized boolean detach(final ServerConnection c) {
        if (connection != c || close != null || window == null || finished) {
            return false;
        }
        connection = null;
        detachedExecutor = c.executor();
        grace = detachedExecutor.schedule(this::graceExpired, gateway.settings.resumeGraceNanos, TimeUnit.NANOSECONDS);
        return true;
    }

    private void graceExpired() {
        synchronized (this) {
            if (connection != null || finished) {
                return;
            }
        }
        if (markClosing(CloseCodes.RESUME_EXPIRED, "not resumed within "
            + TimeUnit.NANOSECONDS.toMillis(gateway.settings.resumeGraceNanos) + " ms")) {
            LOG.debug("{} not resumed in time", this);
            finish();
        }
    }

    /**
     * Re-attaches to {@code c} (on its event loop): forgets what {@code lastSeq} acknowledges and rewinds so that the
     * rest is written again. A connection still attached is superseded.
     *
     * @return null if attached, else why not
     */
    synchronized String attach(final ServerConnection c, final long lastSeq) {
        if (close != null || finished || window == null) {
            return "the session is closed";
        }
        if (lastSeq < window.acked || lastSeq > window.next) {
            return "last_seq " + lastSeq + " outside [" + window.acked + ", " + window.next + "]";
        }
        if (grace != null) {
            grace.cancel(false);
            grace = null;
        }
        final ServerConnection old = connection;
        if (old != null) {
            old.supersede();
        }
        detachedExecutor = null;
        connection = c;
        channel = c.channel();
        transport = c.transport();
        format = transport == Transport.TCP ? FrameFormat.TCP : FrameFormat.WEBSOCKET;
        window.ack(lastSeq);
        window.written = window.acked;
        return null;
    }

    /** Writes what is pending (after a resume, the resend); on the attached connection's event loop. */
    synchronized long drainNow() {
        if (window == null || connection == null || !connection.inEventLoop()) {
            return 0;
        }
        final long before = window.written;
        drainLocked(connection);
        return window.written - before;
    }

    /** The end, once: unregister, release, tell the listener, complete the close future. */
    void finish() {
        synchronized (this) {
            if (finished) {
                return;
            }
            finished = true;
            if (grace != null) {
                grace.cancel(false);
            }
            if (window != null) {
                window.releaseAll();
            }
        }
        final CloseReason reason = close;
        gateway.sessions.remove(this);
        try {
            gateway.listener.onClose(this, reason);
        } catch (final RuntimeException e) {
            LOG.warn("SessionListener.onClose failed for {}", this, e);
        }
        closed.trySuccess(null);
    }

    private void slowConsumer(final String why) {
        stats.slowConsumers.increment();
        if (close == null) {
            LOG.info("closing {}: SLOW_CONSUMER ({})", this, why);
        }
        close(CloseCodes.SLOW_CONSUMER, why);
    }

    private static Object frame(final FrameFormat format, final ByteBufAllocator alloc, final Object envelope, final boolean shared) {
        if (shared) {
            final ByteBuf f = (ByteBuf) envelope;
            return format == FrameFormat.TCP ? f.retainedDuplicate() : new BinaryWebSocketFrame(
                f.retainedSlice(f.readerIndex() + TcpFrameDecoder.PREFIX_BYTES, f.readableBytes() - TcpFrameDecoder.PREFIX_BYTES));
        }
        return envelope instanceof ByteBuffer b ? format.frame(alloc, b) : format.frame(alloc, (ByteBuf) envelope);
    }

    private void countOut(final int n) {
        final int bytes = format == FrameFormat.TCP ? n + TcpFrameDecoder.PREFIX_BYTES : n;
        final Channel ch = channel;
        if (ch != null && ch.eventLoop().inEventLoop()) {
            gateway.threadState().countOut(bytes);
        } else {
            stats.messagesOut.increment();
            stats.bytesOut.add(bytes);
        }
    }

    /** Adds what this I/O thread counted to the gateway's counters (at the end of a broadcast batch). */
    void publishTraffic() {
        gateway.threadState().publish(gateway.clock.nanoTime());
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

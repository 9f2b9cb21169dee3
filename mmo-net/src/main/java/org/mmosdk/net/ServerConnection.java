package org.mmosdk.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import org.mmosdk.core.id.SessionIds;
import org.mmosdk.core.wire.MessageTypes;
import org.mmosdk.core.wire.WireError;
import org.mmosdk.core.wire.fb.Close;
import org.mmosdk.core.wire.fb.Ping;
import org.mmosdk.core.wire.fb.Pong;
import org.mmosdk.net.internal.Control;
import org.mmosdk.net.internal.FrameFormat;
import org.mmosdk.net.internal.TcpFrameDecoder;
import org.mmosdk.net.wire.fb.Ack;
import org.mmosdk.net.wire.fb.Hello;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of a server channel: handshake, heartbeats, idle timeout, limits and dispatch of one connection.
 * Every method except {@link #requestClose()} and {@link #currentFrame()} runs on the channel's I/O thread.
 *
 * <p>TCP frames arrive through {@link #onFrame(ByteBuf)}, called by the {@link TcpFrameDecoder} in place on its
 * cumulation (no copy, no derived buffer); WebSocket frames through {@link #channelRead}, each a buffer of its own.
 * The idle timeout is tracked here (one timer per connection, re-armed from the time of the last frame) rather than
 * by an {@code IdleStateHandler}, which would add a pipeline hop and a clock read per read. The time of a frame serves
 * the rate limiter, the idle timer and the traffic counters: with the system clock it is the gateway's
 * {@link CoarseClock} (a volatile read; the clock is read once a millisecond, not per frame), with any other clock
 * the clock is read once per socket read (at its first frame; {@link #onRead()} starts a new read).
 */
final class ServerConnection extends ChannelInboundHandlerAdapter implements TcpFrameDecoder.FrameSink {
    private static final Logger LOG = LoggerFactory.getLogger(ServerConnection.class);
    private static final int HANDSHAKING = 0;
    private static final int AUTHENTICATING = 1;
    private static final int OPEN = 2;
    private static final int CLOSED = 3;
    private static final long MAX_RTT_NANOS = TimeUnit.MINUTES.toNanos(1);
    /** Resume token: 8 bytes of session id and 16 random bytes. */
    static final int RESUME_TOKEN_BYTES = 24;
    /** Largest receive buffer that {@link #retainCurrentFrame()} shares (by a retained slice) instead of copying. */
    static final int MAX_SHARED_RECEIVE_BUFFER = 64 * 1024;

    private final Gateway gateway;
    private final Transport transport;
    private ChannelHandlerContext ctx;
    private Session session;
    private int state = HANDSHAKING;
    private boolean transportReady;
    private boolean slotHeld;
    private boolean wasOpen;
    private TokenBucket bucket;
    private ScheduledFuture<?> timer;
    private ScheduledFuture<?> pinger;
    private ScheduledFuture<?> forcedClose;
    private long pingSeq;
    private ByteBuf currentFrame;
    /** Whether {@link #currentFrame} is a buffer of its own (WebSocket) rather than the decoder's cumulation. */
    private boolean currentFrameOwned;
    private long lastFrameNanos;
    /** Whether a frame arrived since the last idle check (with the coarse clock, its time may lag; see idleCheck). */
    private boolean framesSinceIdleCheck;
    /** The exact time of the last idle check. */
    private long idleCheckNanos;
    /** The clock, read at the first frame of a socket read and reused for the others (while {@link #readStamped}). */
    private long readNanos;
    private boolean readStamped;
    private ScheduledFuture<?> idleTimer;
    /** The state of this channel's I/O thread (a channel keeps its event loop for life); set at the first use there. */
    private IoThreadState threadState;

    ServerConnection(final Gateway gateway, final Transport transport) {
        this.gateway = gateway;
        this.transport = transport;
    }

    Session session() {
        return session;
    }

    ByteBuf currentFrame() {
        return ctx != null && ctx.executor().inEventLoop() ? currentFrame : null;
    }

    /**
     * The current frame for the caller to keep: retained if it is a buffer of its own (WebSocket); for a TCP frame, a
     * retained slice of the decoder's receive buffer if that buffer is at most {@link #MAX_SHARED_RECEIVE_BUFFER}
     * bytes, else an exact copy (so that a kept 60-byte frame cannot pin a large cumulation).
     *
     * <p>The slice is safe to keep: the decoder never writes over bytes it has handed out (Netty's cumulator only
     * appends past the writer index, and read bytes are discarded only while the cumulation is not shared, i.e. its
     * reference count is 1), and the slice's reference keeps the memory from going back to the pool.
     */
    ByteBuf retainCurrentFrame() {
        final ByteBuf frame = currentFrame();
        if (frame == null) {
            return null;
        }
        if (currentFrameOwned) {
            return frame.retain();
        }
        if (frame.capacity() <= MAX_SHARED_RECEIVE_BUFFER) {
            return frame.retainedSlice();
        }
        final int n = frame.readableBytes();
        return ctx.alloc().buffer(n).writeBytes(frame, frame.readerIndex(), n);
    }

    @Override
    public void handlerAdded(final ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.session = new Session(gateway, this, ctx.channel(), transport);
    }

    /** What this connection's I/O thread reuses; only on that thread. */
    IoThreadState threadState() {
        final IoThreadState t = threadState;
        return t != null ? t : (threadState = gateway.threadState());
    }

    /**
     * Writes {@code frame} (not flushed) from this handler's context, on the I/O thread: the path a handler's own
     * write takes, rather than from the pipeline's tail.
     *
     * @param frame what the channel writes and releases
     * @param wireBytes bytes it puts on the wire, for the stats
     */
    void writeFromLoop(final Object frame, final int wireBytes) {
        ctx.write(frame, ctx.voidPromise());
        threadState().countOut(wireBytes);
    }

    io.netty.channel.Channel channel() {
        return ctx.channel();
    }

    Transport transport() {
        return transport;
    }

    io.netty.util.concurrent.EventExecutor executor() {
        return ctx.executor();
    }

    boolean inEventLoop() {
        return ctx.executor().inEventLoop();
    }

    /** A resume moved the session to another connection: close this one quietly (any thread). */
    void supersede() {
        LOG.debug("{}: connection from {} superseded by a resume", session, ctx.channel().remoteAddress());
        ctx.channel().close();
    }

    /** Writes reliable message {@code seq}: a Seq marker, then the message ({@code frame} is a TCP frame, kept). */
    void writeReliable(final long seq, final ByteBuf frame) {
        writeControl(Control.seq(threadState().writer, seq), false);
        if (transport == Transport.TCP) {
            ctx.write(frame.retainedDuplicate(), ctx.voidPromise());
        } else {
            ctx.write(new BinaryWebSocketFrame(frame.retainedSlice(frame.readerIndex() + TcpFrameDecoder.PREFIX_BYTES,
                frame.readableBytes() - TcpFrameDecoder.PREFIX_BYTES)), ctx.voidPromise());
        }
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx) throws Exception {
        gateway.stats.accepts.increment();
        gateway.channels.add(ctx.channel());
        if (gateway.coarseClock != null) {
            gateway.coarseClock.ensureRunning();
        }
        final long now = gateway.clock.nanoTime();
        idleCheckNanos = now;
        bucket = new TokenBucket(gateway.settings.rateLimitPerSecond, gateway.settings.rateLimitBurst, now);
        lastFrameNanos = now;
        transportReady = transport == Transport.TCP;
        final int rc = gateway.limiter.tryAcquire(address());
        if (rc != 0) {
            gateway.stats.reject(rc);
            LOG.debug("refusing {}: {}", ctx.channel().remoteAddress(), CloseCodes.name(rc));
            session.close(rc, rc == CloseCodes.TOO_MANY_CONNECTIONS ? "the server is full" : "too many connections from your address");
        } else {
            slotHeld = true;
            timer = ctx.executor().schedule(this::helloTimedOut, gateway.settings.helloTimeoutNanos, TimeUnit.NANOSECONDS);
            idleTimer = ctx.executor().schedule(this::idleCheck, gateway.settings.idleTimeoutNanos, TimeUnit.NANOSECONDS);
        }
        super.channelActive(ctx);
    }

    private InetAddress address() {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
    }

    /** Closes the connection if no frame arrived for the idle timeout; otherwise re-arms for the time left. */
    private void idleCheck() {
        idleTimer = null;
        if (state == CLOSED || session.closeReason() != null) {
            return;
        }
        final long timeout = gateway.settings.idleTimeoutNanos;
        final long now = gateway.clock.nanoTime();
        long left = timeout - (now - lastFrameNanos);
        if (framesSinceIdleCheck && gateway.coarseClock != null) {
            // a frame came after the previous check, whatever the (lagging) time it was given: not idle, and silent
            // for no longer than since then
            left = Math.max(left, Math.max(timeout - (now - idleCheckNanos), CoarseClock.TICK_NANOS));
        }
        framesSinceIdleCheck = false;
        idleCheckNanos = now;
        if (left <= 0) {
            violation(CloseCodes.IDLE_TIMEOUT, "no traffic for " + TimeUnit.NANOSECONDS.toMillis(timeout) + " ms");
        } else {
            idleTimer = ctx.executor().schedule(this::idleCheck, left, TimeUnit.NANOSECONDS);
        }
    }

    private void helloTimedOut() {
        if (state == HANDSHAKING) {
            violation(CloseCodes.HANDSHAKE_TIMEOUT, "no Hello within " + TimeUnit.NANOSECONDS.toMillis(gateway.settings.helloTimeoutNanos) + " ms");
        }
    }

    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            violation(CloseCodes.IDLE_TIMEOUT, "no traffic for " + TimeUnit.NANOSECONDS.toMillis(gateway.settings.idleTimeoutNanos) + " ms");
        } else if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
            transportReady = true;
            if (session.closeReason() != null) {
                doClose();
            }
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
        if (!(msg instanceof ByteBuf frame)) {
            ReferenceCountUtil.release(msg);
            violation(CloseCodes.PROTOCOL_VIOLATION, "unexpected " + msg.getClass().getSimpleName());
            return;
        }
        readStamped = false; // one WebSocket frame per call
        try {
            frame(frame, true);
        } finally {
            frame.release();
        }
    }

    /** The decoder got a new socket read: its first frame reads the clock again. */
    @Override
    public void onRead() {
        readStamped = false;
    }

    /**
     * The time of the frames of the current socket read. With the system clock, the gateway's {@link CoarseClock}
     * (it lags by up to a millisecond; see there what that means for the limiter and the idle timer). With another
     * clock, the clock is read at the first frame of the read and reused for the others; they had all arrived by
     * then, so no frame is timed before it came.
     */
    private long readNanos() {
        final CoarseClock coarse = gateway.coarseClock;
        if (coarse != null) {
            return coarse.nanoTime();
        }
        if (!readStamped) {
            readNanos = gateway.clock.nanoTime();
            readStamped = true;
        }
        return readNanos;
    }

    /**
     * The bucket was empty at the coarse time: ask again at the exact time, so that the clock's lag never refuses a
     * frame (cold: only at the rate limit).
     */
    private boolean exactRetry() {
        return gateway.coarseClock != null && bucket.tryAcquire(gateway.clock.nanoTime());
    }

    /** A TCP frame, in place in the decoder's cumulation (borrowed for this call). */
    @Override
    public void onFrame(final ByteBuf frame) {
        frame(frame, false);
    }

    private void frame(final ByteBuf frame, final boolean owned) {
        if (state == CLOSED || session.closeReason() != null) {
            return;
        }
        final int n = frame.readableBytes();
        final NetStats stats = gateway.stats;
        final long now = readNanos();
        final IoThreadState t = threadState();
        t.countIn(transport == Transport.TCP ? n + 4 : n, now);
        lastFrameNanos = now;
        framesSinceIdleCheck = true;
        if (!bucket.tryAcquire(now) && !exactRetry()) {
            if (gateway.settings.rateLimitPolicy == RateLimitPolicy.DROP) {
                stats.messagesDropped.increment();
            } else {
                violation(CloseCodes.RATE_LIMITED, "more than " + gateway.settings.rateLimitPerSecond + " messages/s (burst "
                    + gateway.settings.rateLimitBurst + ")");
            }
            return;
        }
        if (n < 2) {
            violation(CloseCodes.BAD_MESSAGE, "frame of " + n + " bytes is shorter than the envelope header");
            return;
        }
        final int type = frame.getUnsignedShortLE(frame.readerIndex());
        if (type < MessageTypes.ECS_FIRST) {
            if (type == NetMessageTypes.HELLO ? state != HANDSHAKING : state != OPEN) {
                violation(CloseCodes.PROTOCOL_VIOLATION, type == NetMessageTypes.HELLO
                    ? "Hello after the handshake" : "type " + type + " before the handshake finished");
                return;
            }
            final int rc = t.control.dispatch(this, frame);
            if (rc != WireError.OK && state != CLOSED) {
                violation(CloseCodes.BAD_MESSAGE, t.control.lastError());
            }
            return;
        }
        if (state != OPEN) {
            violation(CloseCodes.PROTOCOL_VIOLATION, "application message type " + type + " before the handshake finished");
            return;
        }
        if (t.app == null) {
            violation(CloseCodes.BAD_MESSAGE, "unknown type " + type + " (no application messages registered)");
            return;
        }
        currentFrame = frame;
        currentFrameOwned = owned;
        final int rc;
        try {
            rc = t.app.dispatch(session, frame);
        } finally {
            currentFrame = null;
        }
        if (rc == WireError.HANDLER_FAILED) {
            LOG.warn("handler of type {} failed on {}; closing it", type, session, t.app.lastHandlerError());
            session.close(CloseCodes.INTERNAL_ERROR, "internal error");
        } else if (rc != WireError.OK) {
            violation(CloseCodes.BAD_MESSAGE, t.app.lastError());
        }
    }

    // ---- control messages (called by the control dispatcher on this thread)

    void onPing(final ByteBuffer payload) {
        final IoThreadState t = threadState();
        final Ping ping = Ping.getRootAsPing(payload, t.ping);
        writeControl(Control.pong(t.writer, ping.seq(), ping.sentNanos(), gateway.clock.nanoTime()), true);
    }

    void onPong(final ByteBuffer payload) {
        final Pong pong = Pong.getRootAsPong(payload, threadState().pong);
        final long rtt = gateway.clock.nanoTime() - pong.echoNanos();
        if (rtt >= 0 && rtt < MAX_RTT_NANOS) {
            session.rtt.sample(rtt);
            gateway.stats.rtt.record(rtt);
        }
    }

    void onClose(final ByteBuffer payload) {
        final Close close = Close.getRootAsClose(payload, threadState().close);
        final String reason = close.reason();
        LOG.debug("{} closed by the peer: {} {}", session, CloseCodes.name(close.code()), reason);
        if (session.markClosing(close.code(), reason == null ? "" : reason)) {
            ctx.close();
        }
    }

    void onAck(final ByteBuffer payload) {
        session.onAck(Ack.getRootAsAck(payload, threadState().ack).seq());
    }

    void onHello(final ByteBuffer payload) {
        final Hello hello = Hello.getRootAsHello(payload, threadState().hello);
        cancelTimer();
        final int version = hello.protocolVersion();
        if (version != NetMessageTypes.PROTOCOL_VERSION) {
            reject(CloseCodes.VERSION_MISMATCH, "server speaks protocol " + NetMessageTypes.PROTOCOL_VERSION + ", client " + version);
            return;
        }
        final ByteBuffer resumeToken = hello.resumeTokenAsByteBuffer();
        if (resumeToken != null && resumeToken.hasRemaining()) {
            resume(resumeToken, hello.lastSeq());
            return;
        }
        final ByteBuffer c = hello.credentialsAsByteBuffer();
        final byte[] credentials = new byte[c == null ? 0 : c.remaining()];
        if (c != null) {
            c.get(credentials);
        }
        final String name = hello.clientName();
        final HandshakeRequest request = new HandshakeRequest(ctx.channel().remoteAddress(), transport, version, credentials,
            name == null ? "" : name);
        state = AUTHENTICATING;
        timer = ctx.executor().schedule(this::authTimedOut, gateway.settings.authTimeoutNanos, TimeUnit.NANOSECONDS);
        final CompletionStage<AuthResult> stage;
        try {
            stage = gateway.authenticator.authenticate(request);
        } catch (final RuntimeException e) {
            LOG.warn("authenticator threw for {}", ctx.channel().remoteAddress(), e);
            reject(CloseCodes.AUTH_FAILED, "authentication failed");
            return;
        }
        if (stage == null) {
            reject(CloseCodes.AUTH_FAILED, "authentication failed");
            return;
        }
        stage.whenComplete((result, error) -> {
            if (ctx.executor().inEventLoop()) {
                onAuthResult(result, error);
            } else {
                ctx.executor().execute(() -> onAuthResult(result, error));
            }
        });
    }

    /** A Hello with a resume token: re-attach the session it names, or reject. */
    private void resume(final ByteBuffer token, final long lastSeq) {
        if (gateway.settings.resumeGraceNanos == 0) {
            reject(CloseCodes.RESUME_FAILED, "session resume is off on this server");
            return;
        }
        if (token.remaining() != RESUME_TOKEN_BYTES) {
            reject(CloseCodes.RESUME_FAILED, "resume token of " + token.remaining() + " bytes, expected " + RESUME_TOKEN_BYTES);
            return;
        }
        final byte[] presented = new byte[RESUME_TOKEN_BYTES];
        token.duplicate().get(presented);
        final long id = token.order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(token.position());
        final Session s = gateway.sessions.get(id);
        if (s == null || !s.tokenMatches(presented)) {
            reject(CloseCodes.RESUME_FAILED, "no resumable session for this token (unknown, expired or closed)");
            return;
        }
        final String refused = s.attach(this, lastSeq);
        if (refused != null) {
            reject(CloseCodes.RESUME_FAILED, refused);
            return;
        }
        final Session provisional = session;
        provisional.markClosing(CloseCodes.NORMAL, "replaced by a resumed session");
        session = s;
        state = OPEN;
        wasOpen = true;
        gateway.stats.resumes.increment();
        writeControl(Control.welcome(threadState().writer, s.id, presented, gateway.settings.tickRateHz,
            gateway.clock.nanoTime(), System.currentTimeMillis(), true), false);
        final long resent = s.drainNow();
        gateway.stats.resent.add(resent);
        ctx.flush();
        LOG.debug("{} resumed from {}, {} reliable messages resent", s, ctx.channel().remoteAddress(), resent);
        startPinger();
        try {
            gateway.listener.onResume(s);
        } catch (final RuntimeException e) {
            LOG.warn("SessionListener.onResume failed for {}; closing it", s, e);
            s.close(CloseCodes.INTERNAL_ERROR, "internal error");
        }
    }

    private void startPinger() {
        final long interval = gateway.settings.pingIntervalNanos;
        pinger = ctx.executor().scheduleAtFixedRate(this::sendPing, interval, interval, TimeUnit.NANOSECONDS);
    }

    private void authTimedOut() {
        if (state == AUTHENTICATING) {
            reject(CloseCodes.AUTH_TIMEOUT, "authentication took longer than "
                + TimeUnit.NANOSECONDS.toMillis(gateway.settings.authTimeoutNanos) + " ms");
        }
    }

    private void onAuthResult(final AuthResult result, final Throwable error) {
        if (state != AUTHENTICATING || session.closeReason() != null) {
            return;
        }
        cancelTimer();
        if (error != null || result == null) {
            LOG.warn("authenticator failed for {}", ctx.channel().remoteAddress(), error);
            reject(CloseCodes.AUTH_FAILED, "authentication failed");
        } else if (!result.accepted()) {
            reject(result.code(), result.reason());
        } else {
            open(result.principal());
        }
    }

    private void reject(final int code, final String reason) {
        gateway.stats.reject(code);
        LOG.info("handshake of {} rejected: {} ({})", ctx.channel().remoteAddress(), CloseCodes.name(code), reason);
        writeControl(Control.reject(threadState().writer, code, reason), false);
        session.close(code, reason);
    }

    private void open(final String principal) {
        session.id = gateway.sessionIds.getAsLong();
        session.principal = principal;
        state = OPEN;
        wasOpen = true;
        gateway.sessions.add(session);
        gateway.stats.handshakes.increment();
        byte[] token = null;
        if (gateway.settings.resumeGraceNanos > 0) {
            // [session id, u64 LE][16 random bytes]: the id finds the session, the random part proves the right to it
            token = new byte[RESUME_TOKEN_BYTES];
            gateway.random.nextBytes(token);
            java.nio.ByteBuffer.wrap(token).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(0, session.id);
            session.enableResume(token);
        }
        writeControl(Control.welcome(threadState().writer, session.id, token, gateway.settings.tickRateHz,
            gateway.clock.nanoTime(), System.currentTimeMillis(), false), true);
        startPinger();
        try {
            gateway.listener.onOpen(session);
        } catch (final RuntimeException e) {
            LOG.warn("SessionListener.onOpen failed for {}; closing it", session, e);
            session.close(CloseCodes.INTERNAL_ERROR, "internal error");
        }
    }

    private void sendPing() {
        threadState().publish(gateway.clock.nanoTime());
        if (state == OPEN && session.closeReason() == null) {
            writeControl(Control.ping(threadState().writer, ++pingSeq, gateway.clock.nanoTime()), true);
        }
    }

    private void writeControl(final ByteBuffer envelope, final boolean flush) {
        final Object frame = session.format.frame(ctx.alloc(), envelope);
        threadState().countOut(envelope.remaining() + (session.format == FrameFormat.TCP ? 4 : 0));
        if (flush) {
            ctx.writeAndFlush(frame, ctx.voidPromise());
        } else {
            ctx.write(frame, ctx.voidPromise());
        }
    }

    // ---- closing

    /** Logs and closes for something the peer did. */
    private void violation(final int code, final String reason) {
        if (session.closeReason() == null) {
            LOG.info("closing {} from {}: {} ({})", SessionIds.toString(session.id), ctx.channel().remoteAddress(),
                CloseCodes.name(code), reason);
        }
        session.close(code, reason);
    }

    /** Called by {@link Session#close} on any thread, after the close reason was set. */
    void requestClose() {
        if (ctx.executor().inEventLoop()) {
            doClose();
        } else {
            ctx.executor().execute(this::doClose);
        }
    }

    private void doClose() {
        cancelTimer();
        cancelIdleTimer();
        if (pinger != null) {
            pinger.cancel(false);
        }
        if (!ctx.channel().isActive()) {
            return;
        }
        if (!transportReady) {
            ctx.close();
            return;
        }
        final CloseReason reason = session.closeReason();
        final ByteBuffer envelope = Control.close(threadState().writer, reason.code(), reason.reason());
        final Object last;
        if (transport == Transport.WEBSOCKET) {
            writeControl(envelope, false);
            last = new CloseWebSocketFrame(reason.code() <= CloseCodes.CONNECTION_LOST ? 1000 : 1008, CloseCodes.name(reason.code()));
        } else {
            threadState().countOut(envelope.remaining() + 4);
            last = session.format.frame(ctx.alloc(), envelope);
        }
        ctx.writeAndFlush(last).addListener(ChannelFutureListener.CLOSE);
        // a peer that does not read must not keep the channel open: close anyway after the close timeout
        forcedClose = ctx.executor().schedule(() -> ctx.close(), gateway.settings.closeTimeoutNanos, TimeUnit.NANOSECONDS);
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void cancelIdleTimer() {
        if (idleTimer != null) {
            idleTimer.cancel(false);
            idleTimer = null;
        }
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) throws Exception {
        final boolean opened = wasOpen && state == OPEN;
        state = CLOSED;
        threadState().publish(gateway.clock.nanoTime());
        cancelTimer();
        cancelIdleTimer();
        if (pinger != null) {
            pinger.cancel(false);
        }
        if (forcedClose != null) {
            forcedClose.cancel(false);
        }
        if (slotHeld) {
            slotHeld = false;
            gateway.limiter.release(address());
        }
        if (opened && session.connection != this) {
            // superseded: a resume moved the session to another connection
            super.channelInactive(ctx);
            return;
        }
        if (opened && session.closeReason() == null && session.detach(this)) {
            gateway.stats.detaches.increment();
            LOG.debug("{} detached; resumable for {} ms", session, TimeUnit.NANOSECONDS.toMillis(gateway.settings.resumeGraceNanos));
            try {
                gateway.listener.onDetach(session);
            } catch (final RuntimeException e) {
                LOG.warn("SessionListener.onDetach failed for {}", session, e);
            }
            super.channelInactive(ctx);
            return;
        }
        session.markClosing(CloseCodes.CONNECTION_LOST, "connection lost");
        final CloseReason reason = session.closeReason();
        gateway.stats.close(reason.code());
        if (opened) {
            session.finish();
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
        if (cause instanceof TooLongFrameException) {
            violation(CloseCodes.FRAME_TOO_LARGE, cause.getMessage());
        } else if (cause instanceof CorruptedWebSocketFrameException) {
            // the WebSocket decoder already sent its close frame and is closing the channel
            LOG.info("closing {} from {}: PROTOCOL_VIOLATION ({})", SessionIds.toString(session.id),
                ctx.channel().remoteAddress(), cause.getMessage());
            session.markClosing(CloseCodes.PROTOCOL_VIOLATION, String.valueOf(cause.getMessage()));
            ctx.close();
        } else if (cause instanceof CorruptedFrameException || cause instanceof DecoderException) {
            violation(CloseCodes.PROTOCOL_VIOLATION, String.valueOf(cause.getMessage()));
        } else if (cause instanceof IOException) {
            // a dropped connection (reset by peer, broken pipe): not the session's end. channelInactive detaches it
            // for resume if the gateway allows that, and closes it with CONNECTION_LOST otherwise.
            LOG.debug("I/O error on {}: {}", session, cause.toString());
            ctx.close();
        } else {
            LOG.warn("unexpected error on {}; closing it", session, cause);
            session.close(CloseCodes.INTERNAL_ERROR, "internal error");
        }
    }
}

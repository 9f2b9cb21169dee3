package org.mmosdk.net.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import com.google.flatbuffers.FlatBufferBuilder;
import org.mmosdk.core.wire.EnvelopeWriter;
import org.mmosdk.core.wire.MessageTypes;
import org.mmosdk.core.wire.fb.Close;
import org.mmosdk.core.wire.fb.Ping;
import org.mmosdk.core.wire.fb.Pong;
import org.mmosdk.net.NetMessageTypes;
import org.mmosdk.net.wire.fb.Ack;
import org.mmosdk.net.wire.fb.Hello;
import org.mmosdk.net.wire.fb.Reject;
import org.mmosdk.net.wire.fb.Seq;
import org.mmosdk.net.wire.fb.Welcome;

/**
 * Encodes the control messages both sides send. Each method returns the envelope in the writer's buffer, valid
 * until the writer's next {@code begin}.
 */
public final class Control {
    /** Longest reason text sent (the schema's {@code max_len}). */
    public static final int MAX_REASON_BYTES = 256;

    private Control() {
    }

    /**
     * A Ping.
     *
     * @param w the calling thread's writer
     * @param seq sequence number
     * @param sentNanos sender's monotonic clock
     * @return the envelope
     */
    public static ByteBuffer ping(final EnvelopeWriter w, final long seq, final long sentNanos) {
        final FlatBufferBuilder b = w.begin(MessageTypes.PING);
        return w.finish(Ping.createPing(b, seq, sentNanos));
    }

    /**
     * A Pong answering a Ping.
     *
     * @param w the calling thread's writer
     * @param seq the Ping's sequence number
     * @param echoNanos the Ping's {@code sent_nanos}
     * @param responderNanos responder's clock
     * @return the envelope
     */
    public static ByteBuffer pong(final EnvelopeWriter w, final long seq, final long echoNanos, final long responderNanos) {
        final FlatBufferBuilder b = w.begin(MessageTypes.PONG);
        return w.finish(Pong.createPong(b, seq, echoNanos, responderNanos));
    }

    /**
     * A Close.
     *
     * @param w the calling thread's writer
     * @param code a close code
     * @param reason text, cut to {@link #MAX_REASON_BYTES} UTF-8 bytes
     * @return the envelope
     */
    public static ByteBuffer close(final EnvelopeWriter w, final int code, final String reason) {
        final FlatBufferBuilder b = w.begin(MessageTypes.CLOSE);
        final int r = b.createString(cut(reason));
        return w.finish(Close.createClose(b, code & 0xFFFF, r));
    }

    /**
     * A Hello.
     *
     * @param w the calling thread's writer
     * @param version protocol version
     * @param credentials opaque credentials, may be empty
     * @param resumeToken may be null
     * @param clientName may be null
     * @return the envelope
     */
    public static ByteBuffer hello(
        final EnvelopeWriter w, final int version, final byte[] credentials, final byte[] resumeToken, final String clientName) {
        return hello(w, version, credentials, resumeToken, clientName, 0);
    }

    /**
     * A Hello, possibly resuming a session.
     *
     * @param w the calling thread's writer
     * @param version protocol version
     * @param credentials opaque credentials, may be empty
     * @param resumeToken may be null
     * @param clientName may be null
     * @param lastSeq highest reliable sequence number received, with a resume token
     * @return the envelope
     */
    public static ByteBuffer hello(final EnvelopeWriter w, final int version, final byte[] credentials,
        final byte[] resumeToken, final String clientName, final long lastSeq) {
        final FlatBufferBuilder b = w.begin(NetMessageTypes.HELLO);
        final int c = Hello.createCredentialsVector(b, credentials);
        final int t = resumeToken == null ? 0 : Hello.createResumeTokenVector(b, resumeToken);
        final int n = clientName == null ? 0 : b.createString(clientName);
        return w.finish(Hello.createHello(b, version, c, t, n, lastSeq));
    }

    /**
     * A Seq marker: the next application message is reliable message {@code seq}.
     *
     * @param w the calling thread's writer
     * @param seq sequence number, from 1
     * @return the envelope
     */
    public static ByteBuffer seq(final EnvelopeWriter w, final long seq) {
        final FlatBufferBuilder b = w.begin(NetMessageTypes.SEQ);
        return w.finish(Seq.createSeq(b, seq));
    }

    /**
     * An Ack of every reliable message up to {@code seq}.
     *
     * @param w the calling thread's writer
     * @param seq highest sequence number received
     * @return the envelope
     */
    public static ByteBuffer ack(final EnvelopeWriter w, final long seq) {
        final FlatBufferBuilder b = w.begin(NetMessageTypes.ACK);
        return w.finish(Ack.createAck(b, seq));
    }

    /**
     * A Welcome.
     *
     * @param w the calling thread's writer
     * @param sessionId the new session's id
     * @param resumeToken token for a later resume
     * @param tickRateHz server tick rate
     * @param serverNanos server monotonic clock
     * @param epochMillis server wall clock
     * @param resumed whether an existing session was re-attached
     * @return the envelope
     */
    public static ByteBuffer welcome(final EnvelopeWriter w, final long sessionId, final byte[] resumeToken,
        final int tickRateHz, final long serverNanos, final long epochMillis, final boolean resumed) {
        final FlatBufferBuilder b = w.begin(NetMessageTypes.WELCOME);
        final int t = resumeToken == null ? 0 : Welcome.createResumeTokenVector(b, resumeToken);
        return w.finish(Welcome.createWelcome(b, sessionId, t, tickRateHz, serverNanos, epochMillis, resumed));
    }

    /**
     * A Reject.
     *
     * @param w the calling thread's writer
     * @param code a close code
     * @param reason text, cut to {@link #MAX_REASON_BYTES} UTF-8 bytes
     * @return the envelope
     */
    public static ByteBuffer reject(final EnvelopeWriter w, final int code, final String reason) {
        final FlatBufferBuilder b = w.begin(NetMessageTypes.REJECT);
        final int r = b.createString(cut(reason));
        return w.finish(Reject.createReject(b, code & 0xFFFF, r));
    }

    /**
     * Cuts text to at most {@link #MAX_REASON_BYTES} UTF-8 bytes without splitting a character.
     *
     * @param text any text, null counts as empty
     * @return the text or a prefix of it
     */
    public static String cut(final String text) {
        if (text == null) {
            return "";
        }
        if (text.length() * 3 <= MAX_REASON_BYTES || text.getBytes(StandardCharsets.UTF_8).length <= MAX_REASON_BYTES) {
            return text;
        }
        int end = Math.min(text.length(), MAX_REASON_BYTES);
        while (end > 0 && text.substring(0, end).getBytes(StandardCharsets.UTF_8).length > MAX_REASON_BYTES) {
            end--;
            if (end > 0 && Character.isLowSurrogate(text.charAt(end))) {
                end--;
            }
        }
        return text.substring(0, end);
    }
}

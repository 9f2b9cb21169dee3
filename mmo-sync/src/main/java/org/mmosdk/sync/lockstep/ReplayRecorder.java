package org.mmosdk.sync.lockstep;

import java.io.ByteArrayOutputStream;

/**
 * Records a lockstep run — keyframes, every frame's inputs and key operations, and state hashes — in a compact,
 * deterministic byte format that {@link Replay} plays back. Equal runs record equal bytes.
 *
 * <p>Format (little-endian): {@code "MRPL"}, u8 version 1, u8 players, u8 input size; then records, each a u8 kind:
 * {@code 1} frame: u32 frame, presence bits as ceil(players / 64) u64 words (one up to 64 players), players × input
 * size bytes, u8 op count, per op u8 player + u16 length + bytes; {@code 2} keyframe: u32 frame, u64 hash, u32 length
 * + {@link Keyframes} bytes; {@code 3} hash: u32 frame, u64 hash (the state after that many frames).
 *
 * <p>Threads: the thread of the room or client that records. Grows without bound: keep recordings short or
 * drain them with {@link #toByteArray()} and start a new one from a keyframe.
 */
public final class ReplayRecorder {
    static final int MAGIC = 0x4C50524D; // "MRPL"
    static final int VERSION = 1;
    static final int FRAME = 1;
    static final int KEYFRAME = 2;
    static final int HASH = 3;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
    private boolean begun;

    /** An empty recording. */
    public ReplayRecorder() {
    }

    /**
     * Writes the header; called by the room or client before anything else.
     *
     * @param players player slots
     * @param inputSize bytes per input
     */
    public void begin(final int players, final int inputSize) {
        if (begun) {
            throw new IllegalStateException("recording already begun");
        }
        begun = true;
        int32(MAGIC);
        out.write(VERSION);
        out.write(players);
        out.write(inputSize);
    }

    /**
     * Records a keyframe.
     *
     * @param frame frames applied in it
     * @param hash its world's state hash
     * @param bytes from {@link Keyframes#write}
     */
    public void keyframe(final int frame, final long hash, final byte[] bytes) {
        check();
        out.write(KEYFRAME);
        int32(frame);
        int64(hash);
        int32(bytes.length);
        out.write(bytes, 0, bytes.length);
    }

    /**
     * Records a frame's inputs and key operations.
     *
     * @param in the sealed inputs
     */
    public void frame(final FrameInputs in) {
        check();
        out.write(FRAME);
        int32(in.frame());
        for (int w = 0; w < in.presentWords(); w++) {
            int64(in.presentWord(w));
        }
        out.write(in.raw(), 0, in.raw().length);
        out.write(in.opCount());
        for (int i = 0; i < in.opCount(); i++) {
            final byte[] op = in.op(i);
            out.write(in.opPlayer(i));
            out.write(op.length & 0xFF);
            out.write(op.length >>> 8);
            out.write(op, 0, op.length);
        }
    }

    /**
     * Records the state hash after {@code frame} frames.
     *
     * @param frame the frame
     * @param hash the hash
     */
    public void hash(final int frame, final long hash) {
        check();
        out.write(HASH);
        int32(frame);
        int64(hash);
    }

    /**
     * The recording so far.
     *
     * @return a copy of the bytes
     */
    public byte[] toByteArray() {
        return out.toByteArray();
    }

    private void check() {
        if (!begun) {
            throw new IllegalStateException("call begin(players, inputSize) first");
        }
    }

    private void int32(final int v) {
        out.write(v);
        out.write(v >>> 8);
        out.write(v >>> 16);
        out.write(v >>> 24);
    }

    private void int64(final long v) {
        int32((int) v);
        int32((int) (v >>> 32));
    }
}

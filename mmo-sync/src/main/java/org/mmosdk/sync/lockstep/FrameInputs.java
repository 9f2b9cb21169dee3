package org.mmosdk.sync.lockstep;

import java.util.Arrays;

/**
 * One frame's inputs: a fixed number of bytes per player slot, whether each slot's input arrived or was filled in
 * by the {@link MissingInputPolicy}, and the key operations scheduled into the frame. Mutable and reused: a
 * {@link DeterministicStep} reads it during the call only.
 */
public final class FrameInputs {
    /** Most players a frame holds (a player slot travels as one byte). */
    public static final int MAX_PLAYERS = 255;
    /** Most key operations a frame holds. */
    public static final int MAX_OPS = 32;

    private final int players;
    private final int inputSize;
    private final byte[] inputs;
    /** Presence bits, 64 players per word. */
    private final long[] present;
    private int frame;
    private int opCount;
    private final int[] opPlayer = new int[MAX_OPS];
    private final byte[][] ops = new byte[MAX_OPS][];

    /**
     * Empty inputs.
     *
     * @param players player slots, in [1, {@value #MAX_PLAYERS}]
     * @param inputSize bytes of one player's input, in [1, 255]
     */
    public FrameInputs(final int players, final int inputSize) {
        if (players < 1 || players > MAX_PLAYERS) {
            throw new IllegalArgumentException("players must be in [1, " + MAX_PLAYERS + "], was " + players);
        }
        if (inputSize < 1 || inputSize > 255) {
            throw new IllegalArgumentException("inputSize must be in [1, 255], was " + inputSize);
        }
        this.players = players;
        this.inputSize = inputSize;
        this.inputs = new byte[players * inputSize];
        this.present = new long[(players + 63) >>> 6];
    }

    /**
     * The frame these inputs advance (frame n turns the state after n frames into the state after n + 1).
     *
     * @return the frame
     */
    public int frame() {
        return frame;
    }

    /**
     * Sets the frame.
     *
     * @param f the frame, at least 0
     * @return this
     */
    public FrameInputs frame(final int f) {
        this.frame = f;
        return this;
    }

    /**
     * Player slots.
     *
     * @return the count
     */
    public int players() {
        return players;
    }

    /**
     * Bytes per player input.
     *
     * @return the size
     */
    public int inputSize() {
        return inputSize;
    }

    /**
     * One byte of a player's input.
     *
     * @param player slot
     * @param index byte index in [0, inputSize)
     * @return the byte
     */
    public byte input(final int player, final int index) {
        return inputs[player * inputSize + index];
    }

    /**
     * The raw inputs, player after player ({@code players * inputSize} bytes); read only.
     *
     * @return the array
     */
    public byte[] raw() {
        return inputs;
    }

    /**
     * Whether the player's input arrived (false: filled in by the missing-input policy, or the slot is empty).
     *
     * @param player slot
     * @return true if it arrived
     */
    public boolean present(final int player) {
        return (present[player >>> 6] & (1L << player)) != 0;
    }

    /**
     * Sets a player's input.
     *
     * @param player slot
     * @param src holds the input
     * @param offset of the input in {@code src}
     * @return this
     */
    public FrameInputs set(final int player, final byte[] src, final int offset) {
        System.arraycopy(src, offset, inputs, player * inputSize, inputSize);
        present[player >>> 6] |= 1L << player;
        return this;
    }

    /**
     * Adds a key operation by a player.
     *
     * @param player slot
     * @param op the operation's bytes (kept by reference)
     * @return false if the frame already holds {@value #MAX_OPS}
     */
    public boolean addOp(final int player, final byte[] op) {
        if (opCount == MAX_OPS) {
            return false;
        }
        opPlayer[opCount] = player;
        ops[opCount++] = op;
        return true;
    }

    /**
     * Key operations in this frame.
     *
     * @return the count
     */
    public int opCount() {
        return opCount;
    }

    /**
     * The player of key operation {@code i}.
     *
     * @param i in [0, opCount)
     * @return the slot
     */
    public int opPlayer(final int i) {
        return opPlayer[i];
    }

    /**
     * The bytes of key operation {@code i}; read only.
     *
     * @param i in [0, opCount)
     * @return the bytes
     */
    public byte[] op(final int i) {
        return ops[i];
    }

    /**
     * Clears inputs, presence and operations (the frame number stays).
     *
     * @return this
     */
    public FrameInputs clear() {
        Arrays.fill(inputs, (byte) 0);
        Arrays.fill(present, 0L);
        for (int i = 0; i < opCount; i++) {
            ops[i] = null;
        }
        opCount = 0;
        return this;
    }

    /**
     * Copies another frame's inputs into this one.
     *
     * @param o inputs of the same shape
     * @return this
     */
    public FrameInputs copyFrom(final FrameInputs o) {
        if (o.players != players || o.inputSize != inputSize) {
            throw new IllegalArgumentException("shape " + o.players + "x" + o.inputSize + " != " + players + "x" + inputSize);
        }
        clear();
        frame = o.frame;
        System.arraycopy(o.inputs, 0, inputs, 0, inputs.length);
        System.arraycopy(o.present, 0, present, 0, present.length);
        for (int i = 0; i < o.opCount; i++) {
            addOp(o.opPlayer[i], o.ops[i]);
        }
        return this;
    }

    /** Words of presence bits (64 players each; 1 for up to 64 players). */
    int presentWords() {
        return present.length;
    }

    /** Presence bits of players {@code 64 * w} to {@code 64 * w + 63}. */
    long presentWord(final int w) {
        return present[w];
    }

    void presentWord(final int w, final long bits) {
        present[w] = bits;
    }

    /** Marks every slot's input as arrived. */
    void allPresent() {
        for (int w = 0; w < present.length; w++) {
            final int inWord = Math.min(64, players - 64 * w);
            present[w] = inWord == 64 ? -1L : (1L << inWord) - 1;
        }
    }

    /** Same presence bits (same shape assumed). */
    boolean samePresence(final FrameInputs o) {
        return Arrays.equals(present, o.present);
    }

    /** Equal inputs and operations (the frame number and presence are not compared). */
    boolean sameAs(final FrameInputs o) {
        if (!Arrays.equals(inputs, o.inputs) || opCount != o.opCount) {
            return false;
        }
        for (int i = 0; i < opCount; i++) {
            if (opPlayer[i] != o.opPlayer[i] || !Arrays.equals(ops[i], o.ops[i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "FrameInputs{frame=" + frame + ", players=" + players + ", ops=" + opCount + "}";
    }
}

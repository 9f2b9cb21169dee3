package org.mmosdk.core.wire;

import java.util.Objects;

import org.agrona.collections.Int2ObjectHashMap;

/**
 * Maps message type ids to the schema their payload is verified against and the handler that receives it.
 * Built once, immutable, shared by all threads; each thread dispatches through its own
 * {@link #newDispatcher()}.
 *
 * <pre>{@code
 * MessageRegistry<Session> registry = MessageRegistry.<Session>builder()
 *     .register(MessageTypes.PING, core.table(Ping.class), (session, type, payload) -> { ... })
 *     .register(0x1000, game.table(PlayerInput.class), 256, inputHandler)
 *     .build();
 * }</pre>
 *
 * <p>Handlers may be written for a supertype of the context: a {@code MessageHandler<Peer>} from mmo-sync registers
 * in a {@code MessageRegistry<Session>}.
 *
 * @param <C> what messages arrive on
 */
public final class MessageRegistry<C> {
    /** Default cap on a payload's size: 64 KiB. */
    public static final int DEFAULT_MAX_PAYLOAD_BYTES = 64 * 1024;
    /** Largest payload cap: 16 MiB. */
    public static final int MAX_PAYLOAD_BYTES_LIMIT = 16 * 1024 * 1024;

    static final class Entry<C> {
        final int typeId;
        final TableSchema schema;
        final MessageHandler<? super C> handler;
        final int maxPayloadBytes;

        Entry(final int typeId, final TableSchema schema, final MessageHandler<? super C> handler, final int maxPayloadBytes) {
            this.typeId = typeId;
            this.schema = schema;
            this.handler = handler;
            this.maxPayloadBytes = maxPayloadBytes;
        }
    }

    private final Int2ObjectHashMap<Entry<C>> entries;
    /** entries indexed by type id, up to the largest registered id: one array load per dispatch. */
    private final Entry<C>[] byType;
    private final int maxPayloadBytes;
    private final int maxDepth;
    private final int maxObjects;
    private final boolean checkUtf8;

    @SuppressWarnings("unchecked")
    private MessageRegistry(final Builder<C> b) {
        this.entries = b.entries;
        int max = 0;
        for (final int id : b.entries.keySet()) {
            max = Math.max(max, id);
        }
        this.byType = (Entry<C>[]) new Entry<?>[max + 1];
        b.entries.forEach((id, e) -> byType[id] = e);
        this.maxPayloadBytes = b.maxPayloadBytes;
        this.maxDepth = b.maxDepth;
        this.maxObjects = b.maxObjects;
        this.checkUtf8 = b.checkUtf8;
    }

    /**
     * A new builder.
     *
     * @param <C> what messages arrive on
     * @return an empty builder (payload cap 64 KiB)
     */
    public static <C> Builder<C> builder() {
        return new Builder<>();
    }

    /**
     * A dispatcher for the calling thread (it owns a verifier and scratch state; use one per thread).
     *
     * @return a new dispatcher
     */
    public MessageDispatcher<C> newDispatcher() {
        return new MessageDispatcher<>(this, new PayloadVerifier(maxDepth, maxObjects, checkUtf8));
    }

    /**
     * Whether a handler is registered for {@code typeId}.
     *
     * @param typeId the id
     * @return true if registered
     */
    public boolean isRegistered(final int typeId) {
        return entries.get(typeId) != null;
    }

    /**
     * The largest payload accepted for any type.
     *
     * @return bytes
     */
    public int maxPayloadBytes() {
        return maxPayloadBytes;
    }

    Entry<C> entry(final int typeId) {
        final Entry<C>[] table = byType;
        return typeId >= 0 && typeId < table.length ? table[typeId] : null;
    }

    /**
     * Settings of a {@link MessageRegistry}.
     *
     * @param <C> what messages arrive on
     */
    public static final class Builder<C> {
        private final Int2ObjectHashMap<Entry<C>> entries = new Int2ObjectHashMap<>();
        private int maxPayloadBytes = DEFAULT_MAX_PAYLOAD_BYTES;
        private int maxDepth = PayloadVerifier.DEFAULT_MAX_DEPTH;
        private int maxObjects = PayloadVerifier.DEFAULT_MAX_OBJECTS;
        private boolean checkUtf8 = true;

        private Builder() {
        }

        /**
         * Cap on every payload's size, checked before anything reads the payload. Types registered with their own
         * cap keep the smaller of the two.
         *
         * @param bytes in [16, 16 MiB]
         * @return this
         */
        public Builder<C> maxPayloadBytes(final int bytes) {
            if (bytes < 16 || bytes > MAX_PAYLOAD_BYTES_LIMIT) {
                throw new IllegalArgumentException("maxPayloadBytes must be in [16, " + MAX_PAYLOAD_BYTES_LIMIT + "], was " + bytes);
            }
            this.maxPayloadBytes = bytes;
            return this;
        }

        /**
         * Limits of the payload verifier.
         *
         * @param maxDepth deepest table nesting, in [1, 1000]
         * @param maxObjects most tables, vectors and strings per payload, at least 1
         * @param checkUtf8 whether strings must be valid UTF-8
         * @return this
         */
        public Builder<C> verifierLimits(final int maxDepth, final int maxObjects, final boolean checkUtf8) {
            new PayloadVerifier(maxDepth, maxObjects, checkUtf8);
            this.maxDepth = maxDepth;
            this.maxObjects = maxObjects;
            this.checkUtf8 = checkUtf8;
            return this;
        }

        /**
         * Registers a message type under the registry-wide payload cap.
         *
         * @param typeId in [1, 65535], not yet registered
         * @param schema the payload's root table
         * @param handler receives verified messages
         * @return this
         */
        public Builder<C> register(final int typeId, final TableSchema schema, final MessageHandler<? super C> handler) {
            return register(typeId, schema, Integer.MAX_VALUE, handler);
        }

        /**
         * Registers a message type with its own payload cap (e.g. 256 bytes for player input).
         *
         * @param typeId in [1, 65535], not yet registered
         * @param schema the payload's root table
         * @param maxPayloadBytes cap for this type; the registry-wide cap applies if smaller
         * @param handler receives verified messages
         * @return this
         */
        public Builder<C> register(
            final int typeId, final TableSchema schema, final int maxPayloadBytes, final MessageHandler<? super C> handler) {
            MessageTypes.check(typeId);
            Objects.requireNonNull(schema, "schema");
            Objects.requireNonNull(handler, "handler");
            if (maxPayloadBytes < 4) {
                throw new IllegalArgumentException("maxPayloadBytes of type " + typeId + " must be >= 4, was " + maxPayloadBytes);
            }
            final Entry<C> previous = entries.get(typeId);
            if (previous != null) {
                throw new IllegalArgumentException("type id " + typeId + " is already registered for "
                    + previous.schema.name() + "; cannot register " + schema.name());
            }
            entries.put(typeId, new Entry<>(typeId, schema, handler, maxPayloadBytes));
            return this;
        }

        /**
         * Builds the registry.
         *
         * @return an immutable registry
         */
        public MessageRegistry<C> build() {
            final Int2ObjectHashMap<Entry<C>> capped = new Int2ObjectHashMap<>();
            entries.forEach((id, e) -> capped.put((int) id,
                new Entry<>(e.typeId, e.schema, e.handler, Math.min(e.maxPayloadBytes, maxPayloadBytes))));
            final Builder<C> frozen = new Builder<>();
            frozen.entries.putAll(capped);
            frozen.maxPayloadBytes = maxPayloadBytes;
            frozen.maxDepth = maxDepth;
            frozen.maxObjects = maxObjects;
            frozen.checkUtf8 = checkUtf8;
            return new MessageRegistry<>(frozen);
        }
    }
}

/**
 * The wire envelope: every message is {@code [u16 type id, little-endian][FlatBuffers payload]}.
 *
 * <ul>
 *   <li>{@link org.mmosdk.core.wire.MessageRegistry} maps type ids to a {@link org.mmosdk.core.wire.TableSchema} and a
 *       {@link org.mmosdk.core.wire.MessageHandler}; immutable once built, shared by all threads.</li>
 *   <li>{@link org.mmosdk.core.wire.MessageDispatcher} (one per thread) reads the header, enforces the size cap, runs
 *       the {@link org.mmosdk.core.wire.PayloadVerifier} and only then calls the handler with the payload read in
 *       place — no copy, no allocation per message. Rejections are negative {@link org.mmosdk.core.wire.WireError}
 *       codes, never exceptions.</li>
 *   <li>{@link org.mmosdk.core.wire.EnvelopeWriter} (one per thread, or borrowed from an
 *       {@link org.mmosdk.core.wire.EnvelopeWriterPool}) builds messages with a reused {@code FlatBufferBuilder}.</li>
 *   <li>{@link org.mmosdk.core.wire.WireSchema} reads the binary schemas flatc emits, so verification follows the
 *       same schema as the generated code in {@code org.mmosdk.core.wire.fb}.</li>
 * </ul>
 *
 * <p>Threads: {@code MessageRegistry}, {@code WireSchema}, {@code TableSchema} and {@code EnvelopeWriterPool} are
 * thread-safe. {@code MessageDispatcher}, {@code PayloadVerifier} and {@code EnvelopeWriter} belong to one thread at
 * a time. When dispatching a direct Netty {@code ByteBuf}, the dispatcher uses the buffer's internal NIO view, so
 * the buffer must not be used by another thread meanwhile (mmo-net hands each inbound frame to exactly one
 * thread). Type ids are owned by ranges: see {@link org.mmosdk.core.wire.MessageTypes}.
 */
package org.mmosdk.core.wire;

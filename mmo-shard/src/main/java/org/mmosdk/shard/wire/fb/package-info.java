/**
 * FlatBuffers code generated from {@code mmo-shard/src/main/fbs/shard.fbs} by the pinned flatc
 * ({@code tools/gen-flatbuffers.sh}); do not edit. Read untrusted payloads only after the
 * {@link org.mmosdk.core.wire.PayloadVerifier} accepted them (a {@code MessageRegistry} does it), and never
 * {@code unpack()} them.
 *
 * <p>Threads: a generated accessor belongs to the thread that wrapped it.
 */
package org.mmosdk.shard.wire.fb;

/**
 * mmo-core: the runtime every other mmo-sdk module stands on.
 *
 * <ul>
 *   <li>{@link org.mmosdk.core.time} — clocks: the system clock and a virtual clock for deterministic tests;</li>
 *   <li>{@link org.mmosdk.core.tick} — the fixed-rate {@link org.mmosdk.core.tick.TickLoop};</li>
 *   <li>{@link org.mmosdk.core.wire} — the wire envelope {@code [u16 type id][FlatBuffers payload]}, message
 *       registry, pooled writers and the verifier for untrusted payloads;</li>
 *   <li>{@link org.mmosdk.core.id} — entity, session and node ids as primitives;</li>
 *   <li>{@link org.mmosdk.core.peer} — the transport-neutral {@link org.mmosdk.core.peer.Peer} that sync code talks
 *       to and network sessions implement;</li>
 *   <li>{@link org.mmosdk.core.stats} — counters, gauges and latency histograms, bindable to Micrometer.</li>
 * </ul>
 *
 * <p>This package holds no types; it documents the module.
 */
package org.mmosdk.core;

/**
 * The transport-neutral view of a connection that mmo-sync (and anything else above the transport) talks to:
 * {@link org.mmosdk.core.peer.Peer}. mmo-net's sessions implement it; tests implement it with a simulated network.
 * Inbound messages reach code above the transport through a {@link org.mmosdk.core.wire.MessageRegistry} whose
 * context is the peer.
 *
 * <p>Threads: implementations document their own; mmo-net's {@code send}/{@code flush}/{@code close} are safe from
 * any thread.
 */
package org.mmosdk.core.peer;

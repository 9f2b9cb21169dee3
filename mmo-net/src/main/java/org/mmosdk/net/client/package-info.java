/**
 * A client of the gateway's protocol over TCP or WebSocket: handshake, heartbeat answers, Close with reasons.
 * Light enough for thousands of bots in one process: bots share one {@code EventLoopGroup} and each costs a channel
 * and a few small objects.
 *
 * <p>Threads: {@link org.mmosdk.net.client.GameClient} methods may be called from any thread; {@code send} does not
 * flush. {@link org.mmosdk.net.client.ClientListener} is called on the client's I/O thread and must not block.
 */
package org.mmosdk.net.client;

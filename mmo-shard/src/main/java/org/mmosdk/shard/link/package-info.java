/**
 * Node-to-node links: {@link org.mmosdk.shard.link.NodeLinks} accepts links on an mmo-net {@code Gateway} and opens
 * one outbound connection per peer from an mmo-net {@code ConnectionPool}, in the gateway's wire format. Control
 * messages (handoffs, zone transfers, the application's own) are wrapped in a {@code LinkData} with a dedupe id,
 * retransmitted until acknowledged, and delivered once per receiving process; {@code send} refuses beyond a window
 * of unacknowledged messages (backpressure). {@link org.mmosdk.shard.link.SessionRelay} uses them to carry messages
 * for client sessions held by another node's gateway. Type ids: {@link org.mmosdk.shard.link.ShardMessageTypes}.
 *
 * <p><b>Threads.</b> Every public method of {@code NodeLinks} may be called from any thread and does not block,
 * except {@code start}, {@code addPeer} and {@code close}, which may wait briefly for the links' event loop (never
 * call them from a handler). Handlers registered on the builder run on the accepting gateway's I/O threads, one
 * message at a time per connection; they must not block, and the payload they get is valid only during the call
 * (copy what a zone thread needs). {@code SessionRelay.send} may be called from any thread; its sink runs on a link
 * I/O thread (or on the sender's thread for the local node). Package-private classes: {@code PeerLink}'s state belongs to the links' single
 * outbound event loop; {@code Dedupe} is synchronized; {@code LinkReceiver} is shared by the I/O threads and keeps
 * per-thread state in thread locals.
 */
package org.mmosdk.shard.link;

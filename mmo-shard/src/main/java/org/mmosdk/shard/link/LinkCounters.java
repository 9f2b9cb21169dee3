package org.mmosdk.shard.link;

/**
 * A snapshot of one node's link counters, summed over its peers.
 *
 * @param sent messages sent the first time
 * @param retransmitted messages sent again (no acknowledgement in time, or after a reconnect)
 * @param refused sends refused because the peer's window was full
 * @param acked messages acknowledged by their receiver
 * @param delivered messages received and delivered to a handler
 * @param duplicates messages received again and only acknowledged
 * @param connects outbound connections made (the first and every reconnect)
 * @param protocolErrors links closed because of bad input
 */
public record LinkCounters(long sent, long retransmitted, long refused, long acked, long delivered, long duplicates,
                           long connects, long protocolErrors) {
}

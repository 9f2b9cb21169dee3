/**
 * Partitioning and routing: which node serves a position, a zone, or a non-spatial key.
 *
 * <ul>
 *   <li>{@link org.mmosdk.shard.partition.ZoneLayout} maps world positions to cells and cells to zones.</li>
 *   <li>{@link org.mmosdk.shard.partition.RendezvousHash} maps non-spatial keys (a player's home, a guild, a
 *       chat channel) to live nodes with minimal movement when nodes join or leave.</li>
 *   <li>{@link org.mmosdk.shard.partition.PartitionMap} is one immutable version of the whole picture: layout,
 *       zone owners and live nodes.</li>
 *   <li>{@link org.mmosdk.shard.partition.RouteCache} caches key routes (Caffeine) and is swapped to a new map
 *       on every membership or ownership change, for example by
 *       {@link org.mmosdk.shard.partition.MembershipRouting}.</li>
 * </ul>
 *
 * <p><b>Threads.</b> {@code ZoneLayout}, {@code RendezvousHash}, {@code PartitionMap} and {@link
 * org.mmosdk.shard.partition.KeyHash} are immutable: any thread may call anything, and their lookups do not
 * allocate. {@code RouteCache} is thread-safe: any thread may look up routes while another thread calls
 * {@code update}. {@code MembershipRouting} applies events on the membership's event thread.
 */
package org.mmosdk.shard.partition;

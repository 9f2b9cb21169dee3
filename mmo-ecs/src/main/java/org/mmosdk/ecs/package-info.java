/**
 * mmo-ecs: a struct-of-arrays entity store that knows what networking needs.
 *
 * <ul>
 *   <li>{@link org.mmosdk.ecs.ComponentType}: a name and primitive fields; one column per field.</li>
 *   <li>{@link org.mmosdk.ecs.World}: entities as 64-bit handles (index + generation, see
 *       {@link org.mmosdk.core.id.EntityIds}), archetype tables of {@link org.mmosdk.ecs.Chunk}s, per-entity change
 *       and added ticks, destroyed-entity journal, snapshots, state hashes.</li>
 *   <li>{@link org.mmosdk.ecs.Query}: all/any/none, cached, iterated chunk by chunk (raw columns) or per entity, in a
 *       deterministic order.</li>
 *   <li>{@link org.mmosdk.ecs.CommandBuffer}, {@link org.mmosdk.ecs.Schedule},
 *       {@link org.mmosdk.ecs.WorldSnapshot}, {@link org.mmosdk.ecs.StateHashes},
 *       {@link org.mmosdk.ecs.EntitySerializer}.</li>
 * </ul>
 *
 * <p>Threads: a {@link org.mmosdk.ecs.World} and everything obtained from it (archetypes, chunks, queries, command
 * buffers, schedules, snapshots) belong to one thread — the first that uses the world, until
 * {@link org.mmosdk.ecs.World#releaseThread()}. With assertions on ({@code -ea}), a call from another thread fails
 * with an {@link java.lang.AssertionError} naming both threads. {@link org.mmosdk.ecs.ComponentType}s and fields are
 * immutable and shared freely.
 */
package org.mmosdk.ecs;

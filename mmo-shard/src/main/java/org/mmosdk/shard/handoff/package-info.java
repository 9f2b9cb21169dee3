/**
 * Entity handoff across zone borders, also between nodes, ghosts, and zone migration:
 * {@link org.mmosdk.shard.handoff.HandoffService} (one per node) routes handoff messages between the node's zones and
 * its {@link org.mmosdk.shard.link.NodeLinks};
 * {@link org.mmosdk.shard.handoff.ZoneHandoff} (one per hosted zone) freezes, serializes (mmo-ecs
 * {@code EntitySerializer}), sends, inserts, acknowledges, releases and forwards inputs, exactly once per move, and
 * replicates border entities to neighbours as read-only ghosts; {@link org.mmosdk.shard.handoff.ZoneMigration} moves a
 * whole live zone to another node ({@link org.mmosdk.shard.handoff.MigratingZone} is its zone-thread side,
 * {@link org.mmosdk.shard.handoff.ZoneHost} the application's target side).
 *
 * <p>Every zone's world registers {@code ZoneHandoff.FROZEN} and {@code ZoneHandoff.GHOST}; systems skip entities
 * with either tag. A zone's tick: {@code handoff.drain()}, then {@code migrating.step()} (skip the systems unless it
 * returns {@code RUN}; stop the zone on {@code GONE}), then the systems, handoffs of entities that crossed a border,
 * and every few ticks {@code publishGhosts} per neighbour.
 *
 * <p><b>Threads.</b> A {@code ZoneHandoff} belongs to its zone's thread, the owner of the zone's world: every method,
 * and the {@link org.mmosdk.shard.handoff.InputSink} and {@link org.mmosdk.shard.handoff.HandoffListener} callbacks,
 * run there. Link I/O threads only copy messages into the zone's bounded inbox (a full inbox refuses the message; the
 * link delivers it again). {@code HandoffService}'s and {@code ZoneMigration}'s methods may be called from any thread
 * except a link handler; {@code ZoneMigration} makes its membership calls (which may block) on a thread of its own,
 * and calls the {@code ZoneHost} there.
 */
package org.mmosdk.shard.handoff;

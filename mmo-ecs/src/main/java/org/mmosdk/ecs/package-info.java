/**
 * mmo-ecs: the struct-of-arrays entity store (generational handles, queries, chunk iteration, command buffers,
 * change ticks, snapshots, state hashes). Not implemented yet; see the project's issues.
 */
package org.mmosdk.ecs;

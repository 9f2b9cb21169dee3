/**
 * Benchmarks of mmo-ecs against the peers a studio would otherwise pick — artemis-odb 2.3.0 and Dominion 0.9.0,
 * each written the way its own documentation recommends — and against a raw {@code float[]} struct-of-arrays loop,
 * the physical floor.
 *
 * <p>Threads: JMH owns them; all state is {@code Scope.Thread}.
 */
package org.mmosdk.benchmarks.ecs;

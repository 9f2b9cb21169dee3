/**
 * Benchmarks of mmo-shard routing: {@link org.mmosdk.benchmarks.shard.RoutingBenchmark} (ns per lookup, JMH) and
 * {@link org.mmosdk.benchmarks.shard.RoutingDistribution} (keys moved on join/leave, busiest node's load; a plain
 * main), both comparing mmo-shard's {@code RendezvousHash}/{@code PartitionMap} with Guava's jump hash, a
 * ketama-style ring and a textbook rendezvous hash.
 *
 * <p>Threads: JMH owns them; all state is {@code Scope.Thread}. The routers are immutable after construction.
 */
package org.mmosdk.benchmarks.shard;

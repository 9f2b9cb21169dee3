/**
 * The arena example: a server ({@code arena}), a bot swarm ({@code bots}) and a browser view, written against the
 * public SDK API only.
 *
 * <p>Threads: {@code Arena}'s world, sync server and players belong to its zone thread (the tick loop); gateway I/O
 * threads only queue frames and session events for it. {@code BotSwarm}'s bots belong to its driver thread; client
 * I/O threads only queue what arrives. {@code WebServer} answers on its own thread and reads only thread-safe
 * registries. The {@code *Main} classes run on the launching thread and the shutdown hook.
 */
package org.mmosdk.examples.arena;

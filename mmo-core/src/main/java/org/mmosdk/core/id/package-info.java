/**
 * Ids as primitives: entities and sessions are {@code long}s, nodes are {@code int}s. The classes here are
 * static helpers that pack, unpack, check and print them, so hot paths never box an id.
 *
 * <p>Threads: all static methods are pure and may be called from any thread.
 * {@link org.mmosdk.core.id.SessionIds#newGenerator(int)} returns a generator that is thread-safe.
 */
package org.mmosdk.core.id;

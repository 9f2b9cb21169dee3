/**
 * Frame sync (lockstep), its hybrid with server keyframes, desync forensics, rollback and replay.
 *
 * <ul>
 *   <li>{@link org.mmosdk.sync.lockstep.LockstepServer}: a room — frames sealed on time with a
 *       {@link org.mmosdk.sync.lockstep.MissingInputPolicy}, sealed frames resent until acknowledged, keyframes for
 *       joining and reconnecting players; in hybrid mode it simulates too, sends periodic keyframes and names the
 *       first differing frame, client, entity and component of a desync ({@link org.mmosdk.sync.lockstep.DesyncReport}).
 *       Key operations are acknowledged, retransmitted by the client until then, and scheduled exactly once.</li>
 *   <li>{@link org.mmosdk.sync.lockstep.LockstepClient}: redundant inputs, in-order application of sealed frames,
 *       hash reports, keyframe verification and resync, forensic probes.</li>
 *   <li>{@link org.mmosdk.sync.lockstep.RollbackSimulation}: the stepping engine both use — a ring of past
 *       {@link org.mmosdk.ecs.WorldSnapshot}s, per-frame hashes, {@code correct(frame, inputs)} to roll back, apply a
 *       late input and re-simulate; outside its window it refuses and the caller resynchronises from a keyframe.</li>
 *   <li>{@link org.mmosdk.sync.lockstep.Keyframes}, {@link org.mmosdk.sync.lockstep.ReplayRecorder},
 *       {@link org.mmosdk.sync.lockstep.Replay}: world bytes, recordings and their playback.</li>
 *   <li>{@link org.mmosdk.sync.lockstep.DeterministicRandom}: a PCG32 whose whole state is one {@code long}.</li>
 * </ul>
 *
 * <h2>What a deterministic simulation must avoid on the JVM</h2>
 * Every party runs the same {@link org.mmosdk.sync.lockstep.DeterministicStep} on the same inputs and must reach
 * bit-identical worlds ({@link org.mmosdk.ecs.World#stateHash()} compares the raw bits of every field).
 * <ul>
 *   <li><b>Transcendental math</b>: use {@link java.lang.StrictMath} ({@code sin}, {@code cos}, {@code atan2},
 *       {@code sqrt}, {@code pow}, {@code exp}), never {@link java.lang.Math}'s, whose intrinsics may differ by CPU
 *       and JIT tier. Plain {@code float}/{@code double} {@code + - * /} are IEEE-754 exact on Java 17 (strictfp is
 *       the default since JEP 306), so they are safe; fixed-point {@code int}/{@code long} is safer still.
 *       {@code Math.fma}, {@code Math.abs}, {@code min}/{@code max} and {@code floor} are exact too.</li>
 *   <li><b>Randomness</b>: a seeded per-room source whose state lives in the world
 *       ({@link org.mmosdk.sync.lockstep.DeterministicRandom}); never {@code Math.random()},
 *       {@code ThreadLocalRandom}, {@code new Random()} without a seed, or {@code UUID.randomUUID()}.</li>
 *   <li><b>Time</b>: no {@code System.nanoTime()}, {@code System.currentTimeMillis()}, {@code Instant.now()} or
 *       frame-time deltas; time is the frame number times the fixed frame length.</li>
 *   <li><b>Iteration order</b>: iterate the world's queries and chunks (stable across parties), arrays and sorted
 *       structures; never a {@code HashMap}/{@code HashSet} of objects with identity hash codes, and nothing keyed
 *       by {@code System.identityHashCode} or object addresses. Parallel streams and threads are out.</li>
 *   <li><b>Hidden state</b>: everything the step reads must be in the world (what is snapshotted, rolled back,
 *       keyframed and hashed) or in the frame's inputs — no static fields, caches or external services. Object
 *       ({@code RefField}) fields are neither hashed nor keyframed.</li>
 *   <li><b>Entity handles</b>: create and destroy entities only inside the step, in a deterministic order, so every
 *       party allocates the same handles.</li>
 * </ul>
 *
 * <p>Threads: a {@code LockstepServer} belongs to its room's thread, a {@code LockstepClient} to its client's
 * thread; each calls every method of its object and dispatches the messages of the handlers it registered. A
 * {@code RollbackSimulation} belongs to the thread that owns its world. {@code Replay.play} and {@code Keyframes}
 * may run on any thread with a world of their own. {@code DeterministicRandom} is stateless.
 */
package org.mmosdk.sync.lockstep;

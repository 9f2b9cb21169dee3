package org.mmosdk.benchmarks.sync;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import com.google.flatbuffers.FlatBufferBuilder;
import org.mmosdk.core.peer.Peer;
import org.mmosdk.core.time.VirtualClock;
import org.mmosdk.core.wire.EnvelopeWriter;
import org.mmosdk.core.wire.MessageDispatcher;
import org.mmosdk.core.wire.MessageRegistry;
import org.mmosdk.core.wire.WireError;
import org.mmosdk.ecs.Archetype;
import org.mmosdk.ecs.Chunk;
import org.mmosdk.ecs.ComponentType;
import org.mmosdk.ecs.FloatField;
import org.mmosdk.ecs.World;
import org.mmosdk.sync.SyncMessageTypes;
import org.mmosdk.sync.lockstep.DeterministicStep;
import org.mmosdk.sync.lockstep.LockstepServer;
import org.mmosdk.sync.wire.fb.LockstepInput;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue 5 benchmark 4: the server's cost of one frame of a 30 Hz lockstep room through the real
 * {@link LockstepServer}: every player's input message (4 bytes, the last 3 frames repeated) dispatched through the
 * room's registry (verification + handler), then {@code update()}: seal the frame, (hybrid) simulate it and send the
 * keyframe due every 5 frames, send each player its unacknowledged frames (one, since every player acknowledges at
 * once) and flush. {@code lockstep}: the room relays inputs only; {@code hybrid}: the design default (server
 * simulation, full keyframe + hash every 5 frames). The simulation moves one entity per player by its input.
 *
 * <p>Rooms one core keeps on time = frame period / cost per frame (33.3 ms at 30 Hz divided by the 8-player score),
 * assuming rooms share the core round-robin and nothing else runs; {@code encodeInputsOnly} is the part of the
 * score that stands for the clients (encoding their input messages), to subtract.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class LockstepBenchmark {
    static final int HZ = 30;
    static final int INPUT_SIZE = 4;
    static final int REDUNDANCY = 3;

    static final ComponentType.Builder POS_B = ComponentType.builder("Position");
    static final FloatField X = POS_B.floatField("x");
    static final FloatField Y = POS_B.floatField("y");
    static final ComponentType POSITION = POS_B.build();

    /** Each player's entity moves by the first two bytes of its input. */
    static final DeterministicStep STEP = (world, in) -> {
        final Archetype a = world.archetype(POSITION);
        int p = 0;
        for (int c = 0; c < a.chunkCount(); c++) {
            final Chunk chunk = a.chunk(c);
            final float[] x = chunk.writeFloats(X);
            final float[] y = chunk.writeFloats(Y);
            for (int row = 0, n = chunk.size(); row < n && p < in.players(); row++, p++) {
                x[row] += in.input(p, 0) * 0.01f;
                y[row] += in.input(p, 1) * 0.01f;
            }
        }
    };

    @Param({"8", "100"})
    int players;

    @Param({"lockstep", "hybrid"})
    String mode;

    final VirtualClock clock = new VirtualClock();
    final EnvelopeWriter writer = new EnvelopeWriter(256);
    final byte[] inputs = new byte[INPUT_SIZE * REDUNDANCY];
    LockstepServer room;
    MessageDispatcher<Peer> inbox;
    CountingPeer[] peers;
    long frameNanos;

    @Setup(Level.Trial)
    public void setUp() {
        frameNanos = 1_000_000_000L / HZ;
        final int n = players;
        room = LockstepServer.builder(() -> {
            final World w = World.builder().components(POSITION).build();
            final Archetype a = w.archetype(POSITION);
            for (int i = 0; i < n; i++) {
                w.set(w.create(a), X, i);
            }
            return w;
        }, STEP).clock(clock).frameRate(HZ).players(players).inputSize(INPUT_SIZE).simulate("hybrid".equals(mode)).build();
        inbox = room.registerHandlers(MessageRegistry.<Peer>builder()).build().newDispatcher();
        peers = new CountingPeer[players];
        for (int i = 0; i < players; i++) {
            peers[i] = new CountingPeer(i + 1);
            room.addPlayer(peers[i]);
        }
        for (int f = 0; f < 3 * HZ; f++) {
            frame();
        }
    }

    /** One frame: every player's input arrives, then the room's update. */
    @Benchmark
    public int frame() {
        clock.advance(frameNanos);
        final int next = room.sealedFrames();
        for (int i = 0; i < peers.length; i++) {
            final ByteBuffer msg = input(i, next);
            final int rc = inbox.dispatch(peers[i], msg, msg.position(), msg.remaining());
            if (rc != WireError.OK) {
                throw new IllegalStateException(inbox.lastError());
            }
        }
        return room.update();
    }

    /** The clients' share of {@link #frame()}: encoding the input messages (not dispatched). */
    @Benchmark
    public int encodeInputsOnly() {
        final int next = room.sealedFrames();
        int bytes = 0;
        for (int i = 0; i < peers.length; i++) {
            bytes += input(i, next).remaining();
        }
        return bytes;
    }

    /** Player i's input message for frames up to {@code last}, acknowledging every frame sealed so far. */
    private ByteBuffer input(final int player, final int last) {
        final int count = Math.min(REDUNDANCY, last + 1);
        for (int k = 0; k < count; k++) {
            final int f = last - count + 1 + k;
            for (int j = 0; j < INPUT_SIZE; j++) {
                inputs[k * INPUT_SIZE + j] = (byte) (f * 7 + player * 3 + j);
            }
        }
        final FlatBufferBuilder b = writer.begin(SyncMessageTypes.LOCKSTEP_INPUT);
        final int vec = b.createByteVector(inputs, 0, count * INPUT_SIZE);
        LockstepInput.startLockstepInput(b);
        LockstepInput.addLastFrame(b, last);
        LockstepInput.addNextNeeded(b, last);
        LockstepInput.addInputs(b, vec);
        LockstepInput.addCount(b, count);
        return writer.finish(LockstepInput.endLockstepInput(b));
    }
}

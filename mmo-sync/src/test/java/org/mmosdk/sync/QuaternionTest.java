package org.mmosdk.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.FloatRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mmosdk.core.id.EntityIds;
import org.mmosdk.core.peer.Peer;
import org.mmosdk.core.time.VirtualClock;
import org.mmosdk.core.wire.MessageDispatcher;
import org.mmosdk.core.wire.MessageRegistry;
import org.mmosdk.ecs.ComponentType;
import org.mmosdk.ecs.FloatField;
import org.mmosdk.ecs.World;
import org.mmosdk.sync.sim.LinkConditions;
import org.mmosdk.sync.sim.SimNetwork;
import org.mmosdk.sync.sim.SimPeer;

/** Smallest-three quaternions: the error bound, degenerate input, and a rotation replicated over a lossy link. */
class QuaternionTest {
    static final ComponentType.Builder POS_B = ComponentType.builder("QPosition");
    static final FloatField X = POS_B.floatField("x");
    static final FloatField Y = POS_B.floatField("y");
    static final ComponentType POSITION = POS_B.build();
    static final ComponentType.Builder ROT_B = ComponentType.builder("Rotation");
    // declared w first: the quaternion's first field in field order carries it
    static final FloatField QW = ROT_B.floatField("w");
    static final FloatField QX = ROT_B.floatField("x");
    static final FloatField QY = ROT_B.floatField("y");
    static final FloatField QZ = ROT_B.floatField("z");
    static final ComponentType ROTATION = ROT_B.build();

    static ReplicationRules rules(final int bits) {
        return ReplicationRules.builder()
            .position(X, Y).quantize(X, -256, 256, 20).quantize(Y, -256, 256, 20)
            .component(ROTATION, Visibility.EVERYONE).quaternion(QX, QY, QZ, QW, bits)
            .build();
    }

    /** The largest per-component error, up to sign, of {@code got} against {@code q} normalized. */
    static double error(final float[] q, final float[] got) {
        final double n = Math.sqrt(q[0] * (double) q[0] + q[1] * (double) q[1] + q[2] * (double) q[2] + q[3] * (double) q[3]);
        double dot = 0;
        for (int i = 0; i < 4; i++) {
            dot += q[i] / n * got[i];
        }
        final double sign = dot < 0 ? -1 : 1;
        double worst = 0;
        for (int i = 0; i < 4; i++) {
            worst = Math.max(worst, Math.abs(sign * got[i] - q[i] / n));
        }
        return worst;
    }

    @Property(tries = 3000)
    void roundTripWithinMaxError(@ForAll @FloatRange(min = -1, max = 1) final float x,
        @ForAll @FloatRange(min = -1, max = 1) final float y, @ForAll @FloatRange(min = -1, max = 1) final float z,
        @ForAll @FloatRange(min = -1, max = 1) final float w, @ForAll @IntRange(min = 4, max = 16) final int bits) {
        final float[] q = {x, y, z, w};
        if (Math.sqrt(x * x + y * y + z * z + w * w) < 1e-3) {
            return;
        }
        final ReplicationRules r = rules(bits);
        final int k = r.firstField[1];
        assertThat(r.flatEncoding[k]).isEqualTo(ReplicationRules.QUATERNION);
        final long packed = EntityCodec.packQuaternion(x, y, z, w, bits, r.flatInverseStep[k]);
        assertThat(packed >>> r.flatFixedBits[k]).isZero();
        final float[] got = new float[4];
        EntityCodec.unpackQuaternion(packed, bits, r.flatStep[k], got);
        assertThat(error(q, got)).isLessThanOrEqualTo(r.maxError(QX));
        assertThat(got[0] * got[0] + got[1] * got[1] + got[2] * got[2] + got[3] * got[3]).isCloseTo(1f,
            org.assertj.core.data.Offset.offset(1e-5f));
    }

    @Test
    void degenerateQuaternionsGoAsTheIdentity() {
        final ReplicationRules r = rules(10);
        final int k = r.firstField[1];
        final float[] got = new float[4];
        for (final float[] q : new float[][] {{0, 0, 0, 0}, {Float.NaN, 0, 0, 1}, {Float.POSITIVE_INFINITY, 0, 0, 0}}) {
            EntityCodec.unpackQuaternion(EntityCodec.packQuaternion(q[0], q[1], q[2], q[3], 10, r.flatInverseStep[k]), 10,
                r.flatStep[k], got);
            assertThat(got).containsExactly(0f, 0f, 0f, 1f);
        }
    }

    /** Any bits (a hostile or broken server) decode to a finite quaternion of unit length. */
    @Property(tries = 2000)
    void anyBitsDecodeToAUnitQuaternion(@ForAll final long bitsIn, @ForAll @IntRange(min = 4, max = 16) final int bits) {
        final ReplicationRules r = rules(bits);
        final int k = r.firstField[1];
        final float[] got = new float[4];
        EntityCodec.unpackQuaternion(bitsIn & ((1L << r.flatFixedBits[k]) - 1), bits, r.flatStep[k], got);
        double n = 0;
        for (final float v : got) {
            assertThat(Float.isFinite(v)).isTrue();
            n += v * (double) v;
        }
        assertThat(n).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
    }

    @Test
    void rulesRejectWhatCannotWork() {
        assertThatThrownBy(() -> ReplicationRules.builder().position(X, Y).component(ROTATION, Visibility.EVERYONE)
            .quaternion(QX, QY, QZ, QX, 10)).hasMessageContaining("distinct");
        assertThatThrownBy(() -> ReplicationRules.builder().position(X, Y).component(ROTATION, Visibility.EVERYONE)
            .quaternion(QX, QY, QZ, X, 10)).hasMessageContaining("one component");
        assertThatThrownBy(() -> ReplicationRules.builder().position(X, Y).component(ROTATION, Visibility.EVERYONE)
            .quaternion(QX, QY, QZ, QW, 3)).hasMessageContaining("bits");
        assertThatThrownBy(() -> ReplicationRules.builder().position(X, Y).component(ROTATION, Visibility.EVERYONE)
            .quaternion(QX, QY, QZ, QW, 10).quantize(QX, -1, 1, 8)).hasMessageContaining("part of a quaternion");
        assertThatThrownBy(() -> ReplicationRules.builder().position(X, Y).component(ROTATION, Visibility.EVERYONE)
            .quaternion(QX, QY, QZ, QW, 10).interpolate(QW).build()).hasMessageContaining("interpolated");
    }

    /** Spinning entities replicated over a link with loss and reordering: once it heals, every mirror is within bound. */
    @ParameterizedTest(name = "{0} bits")
    @ValueSource(ints = {9, 16})
    void spinningEntitiesReplicateWithinTheBound(final int bits) {
        final ReplicationRules r = rules(bits);
        final VirtualClock clock = new VirtualClock();
        final SimNetwork net = new SimNetwork(5, clock);
        final SimPeer[] link = net.connect(1, 2, LinkConditions.internet().withLoss(0.2).withReorder(0.2));
        final World world = World.builder().components(POSITION, ROTATION).build();
        final SyncServer server = SyncServer.builder(world, r).clock(clock).viewRadius(100).cellSize(50).bytesPerTick(8000)
            .build();
        final MessageDispatcher<Peer> serverIn = server.registerHandlers(MessageRegistry.<Peer>builder()).build().newDispatcher();
        final World mirror = World.builder().components(POSITION, ROTATION).build();
        final SyncClient client = SyncClient.builder(mirror, r, link[1]).clock(clock).build();
        final MessageDispatcher<Peer> clientIn = client.registerHandlers(MessageRegistry.<Peer>builder()).build().newDispatcher();
        link[0].onReceive((peer, msg) -> serverIn.dispatch(peer, msg, msg.position(), msg.remaining()));
        link[1].onReceive((peer, msg) -> clientIn.dispatch(peer, msg, msg.position(), msg.remaining()));
        final SplittableRandom rng = new SplittableRandom(8);
        final long[] spinning = new long[40];
        for (int i = 0; i < spinning.length; i++) {
            spinning[i] = world.create(world.archetype(POSITION, ROTATION));
            world.set(spinning[i], X, (float) rng.nextDouble(-50, 50));
            world.set(spinning[i], Y, (float) rng.nextDouble(-50, 50));
        }
        server.addClient(link[0], EntityIds.NONE);
        server.setViewpoint(link[0], 0, 0);
        for (int t = 0; t < 300; t++) {
            if (t == 200) {
                link[0].conditions(LinkConditions.lan());
                link[1].conditions(LinkConditions.lan());
            }
            clock.advance(50_000_000L);
            net.deliverDue();
            if (t < 200) {
                for (final long e : spinning) {
                    final double angle = rng.nextDouble(0, 2 * Math.PI);
                    final double ax = rng.nextDouble(-1, 1);
                    final double ay = rng.nextDouble(-1, 1);
                    final double az = rng.nextDouble(-1, 1);
                    final double n = Math.sqrt(ax * ax + ay * ay + az * az);
                    final double s = Math.sin(angle / 2) / n;
                    world.set(e, QX, (float) (ax * s));
                    world.set(e, QY, (float) (ay * s));
                    world.set(e, QZ, (float) (az * s));
                    world.set(e, QW, (float) Math.cos(angle / 2));
                }
            }
            world.advanceTick();
            server.update();
            link[0].flush();
            link[1].flush();
        }
        assertThat(client.snapshotsRejected()).isZero();
        for (final long e : spinning) {
            final long m = client.mirrorOf(e);
            assertThat(m).isNotEqualTo(EntityIds.NONE);
            final float[] q = {world.get(e, QX), world.get(e, QY), world.get(e, QZ), world.get(e, QW)};
            final float[] got = {mirror.get(m, QX), mirror.get(m, QY), mirror.get(m, QZ), mirror.get(m, QW)};
            assertThat(error(q, got)).as("entity %d", e).isLessThanOrEqualTo(r.maxError(QW));
            assertThat(error(q, got)).isGreaterThan(0);   // quantized, not copied
        }
    }
}

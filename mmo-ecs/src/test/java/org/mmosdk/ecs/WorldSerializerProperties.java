package org.mmosdk.ecs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mmosdk.ecs.TestComponents.ALL;
import static org.mmosdk.ecs.TestComponents.POSITION;

import java.util.Arrays;
import java.util.Random;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * A world written with {@link WorldSerializer} and read into a fresh world is the same world: equal state hash,
 * byte-identical when written again, and it goes on identically (same handles issued, same hashes) under the same
 * operations — after creates, destroys (reused slots), archetype moves and writes. Malformed bytes are refused
 * with an {@link IllegalArgumentException} and leave the fresh world empty.
 */
class WorldSerializerProperties {

    @Property(tries = 60)
    void aReadWorldIsTheSameWorld(@ForAll final long seed, @ForAll @IntRange(min = 0, max = 2) final int capacityLog) {
        final int chunkCapacity = 64 << capacityLog;   // small chunks: many chunks, partly filled
        final World source = TestComponents.newWorld(chunkCapacity);
        WorldTest.drive(source, new Random(seed));
        final byte[] bytes = WorldSerializer.write(source);

        final World copy = TestComponents.newWorld(chunkCapacity);
        WorldSerializer.read(copy, bytes);
        assertThat(copy.stateHash()).isEqualTo(source.stateHash());
        assertThat(copy.entityCount()).isEqualTo(source.entityCount());
        assertThat(copy.tick()).isEqualTo(source.tick());
        assertThat(WorldSerializer.write(copy)).isEqualTo(bytes);

        // the same operations from here give the same handles and the same worlds
        final long[] a = WorldTest.drive(source, new Random(seed + 1));
        final long[] b = WorldTest.drive(copy, new Random(seed + 1));
        assertThat(b).isEqualTo(a);
        assertThat(copy.stateHash()).isEqualTo(source.stateHash());
    }

    @Test
    void aWorldWithComponentsRegisteredInAnotherOrderReadsTheSameValues() {
        final World source = TestComponents.newWorld(64);
        final long[] live = WorldTest.drive(source, new Random(5));
        final ComponentType[] reversed = ALL.clone();
        java.util.Collections.reverse(Arrays.asList(reversed));
        final World copy = World.builder().components(reversed).initialEntities(16).build();
        WorldSerializer.read(copy, WorldSerializer.write(source));
        for (final long e : live) {
            assertThat(copy.isAlive(e)).isTrue();
            assertThat(copy.get(e, TestComponents.POS_X)).isEqualTo(source.get(e, TestComponents.POS_X));
            assertThat(copy.has(e, TestComponents.HEALTH)).isEqualTo(source.has(e, TestComponents.HEALTH));
        }
    }

    @Test
    void readingNeedsANewWorld() {
        final World source = TestComponents.newWorld(64);
        source.create(source.archetype(POSITION));
        final byte[] bytes = WorldSerializer.write(source);
        final World used = TestComponents.newWorld(64);
        used.destroy(used.create(used.archetype(POSITION)));
        assertThatThrownBy(() -> WorldSerializer.read(used, bytes)).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("new world");
    }

    @Property(tries = 40)
    void malformedBytesAreRefusedAndChangeNothing(@ForAll final long seed) {
        final World source = TestComponents.newWorld(64);
        WorldTest.drive(source, new Random(seed));
        final byte[] bytes = WorldSerializer.write(source);
        final Random r = new Random(seed);
        for (int i = 0; i < 200; i++) {
            final byte[] bad = Arrays.copyOf(bytes, r.nextInt(4) == 0 ? r.nextInt(bytes.length) : bytes.length);
            if (bad.length > 0) {
                for (int k = 1 + r.nextInt(3); k > 0; k--) {
                    bad[r.nextInt(bad.length)] ^= (byte) (1 << r.nextInt(8));
                }
            }
            final World fresh = TestComponents.newWorld(64);
            try {
                WorldSerializer.read(fresh, bad);
                // a flip inside a value reads fine (values are not checksummed); the structure must still be sound
                assertThat(fresh.entityCount()).isEqualTo(source.entityCount());
            } catch (final IllegalArgumentException refused) {
                assertThat(fresh.entityCount()).isZero();
                assertThat(fresh.archetypes()).hasSize(1);
            }
        }
    }
}

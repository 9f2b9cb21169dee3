package org.mmosdk.shard.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mmosdk.ecs.Archetype;
import org.mmosdk.ecs.ComponentType;
import org.mmosdk.ecs.EntitySerializer;
import org.mmosdk.ecs.FloatField;
import org.mmosdk.ecs.IntField;
import org.mmosdk.ecs.World;

/** The intended use: a zone's mmo-ecs World serialized with {@link EntitySerializer}, checkpointed, restored. */
@Timeout(30)
class WorldCheckpointTest {
    private static final ComponentType.Builder POS_B = ComponentType.builder("Position");
    private static final FloatField X = POS_B.floatField("x");
    private static final FloatField Y = POS_B.floatField("y");
    private static final ComponentType POSITION = POS_B.build();
    private static final ComponentType.Builder HP_B = ComponentType.builder("Health");
    private static final IntField HP = HP_B.intField("hp");
    private static final ComponentType HEALTH = HP_B.build();

    @TempDir
    Path dir;

    private static World newWorld() {
        return World.builder().components(POSITION, HEALTH).chunkCapacity(64).initialEntities(16).build();
    }

    @Test
    void zoneWorldRoundTripsThroughACheckpoint() throws IOException {
        final World world = newWorld();
        final Archetype a = world.archetype(POSITION, HEALTH);
        final long[] entities = new long[500];
        for (int i = 0; i < entities.length; i++) {
            entities[i] = world.create(a);
            world.set(entities[i], X, i * 1.5f);
            world.set(entities[i], Y, -i);
            world.set(entities[i], HP, 100 + i);
        }
        try (FileCheckpointStore store = FileCheckpointStore.builder(dir).build()) {
            assertThat(store.save(12, 4_000, 3, ByteBuffer.wrap(EntitySerializer.write(world, entities)))).isTrue();
        }
        final World restored = newWorld();
        try (FileCheckpointStore store = FileCheckpointStore.builder(dir).build()) {
            final Checkpoint c = store.latest(12).orElseThrow();
            assertThat(c.tick()).isEqualTo(4_000);
            final long[] back = EntitySerializer.read(restored, c.stateBytes());
            assertThat(back).hasSize(entities.length);
            for (int i = 0; i < back.length; i++) {
                assertThat(restored.get(back[i], X)).isEqualTo(i * 1.5f);
                assertThat(restored.get(back[i], Y)).isEqualTo(-i);
                assertThat(restored.get(back[i], HP)).isEqualTo(100 + i);
            }
        }
    }
}

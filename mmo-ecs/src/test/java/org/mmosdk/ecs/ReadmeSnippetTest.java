package org.mmosdk.ecs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The mmo-ecs snippet in README.md is this code, and it runs. */
class ReadmeSnippetTest {
    // README-ecs:begin
    static final ComponentType.Builder P = ComponentType.builder("Position");
    static final FloatField X = P.floatField("x");
    static final ComponentType POSITION = P.build();
    static final ComponentType.Builder V = ComponentType.builder("Velocity");
    static final FloatField VX = V.floatField("x");
    static final ComponentType VELOCITY = V.build();

    void example(final float dt, final int ackedTick, final int[] rows, final List<Long> changed) {
        World world = World.builder().components(POSITION, VELOCITY).build();   // one world per zone, one thread
        Archetype moving = world.archetype(POSITION, VELOCITY);                  // cache it: create() allocates nothing
        long e = world.create(moving);
        world.set(e, VX, 1.5f);                                                  // stamps Velocity changed

        Query q = world.query().all(POSITION, VELOCITY).build();                 // build once, keep
        q.forEachChunk(chunk -> {                                                // raw columns: the loop vectorises
            float[] x = chunk.writeFloats(X);                                    // write* stamps the chunk changed
            float[] vx = chunk.floats(VX);
            for (int i = 0, n = chunk.size(); i < n; i++) {
                x[i] += vx[i] * dt;
            }
        });
        q.forEachChangedSince(POSITION, ackedTick, rows, (chunk, row) -> changed.add(chunk.entity(row)));
    }
    // README-ecs:end

    @Test
    void snippetRunsAndIsVerbatimInTheReadme() throws Exception {
        final List<Long> changed = new ArrayList<>();
        example(0.05f, 0, new int[4096], changed);
        assertThat(changed).hasSize(1);
        final String source = Files.readString(Path.of("src/test/java/org/mmosdk/ecs/ReadmeSnippetTest.java"),
            StandardCharsets.UTF_8);
        final String snippet = source.substring(source.indexOf("// README-ecs:begin\n") + 20,
            source.indexOf("    // README-ecs:end")).replaceAll("(?m)^    ", "");
        final String readme = Files.readString(Path.of("../README.md"), StandardCharsets.UTF_8);
        assertThat(readme).as("README.md must contain the mmo-ecs snippet verbatim").contains(snippet);
    }
}

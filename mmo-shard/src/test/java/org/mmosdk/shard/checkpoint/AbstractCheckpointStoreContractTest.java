package org.mmosdk.shard.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/**
 * The {@link CheckpointStore} contract; one thin subclass per implementation. {@link #open()} must return a store
 * over the same durable state each time it is called within one test (a reopen after close).
 */
abstract class AbstractCheckpointStoreContractTest {
    /** Opens the store under test (again). */
    protected abstract CheckpointStore open() throws IOException;

    static ByteBuffer bytes(final String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    static String text(final Checkpoint c) {
        return new String(c.stateBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void roundTripAcrossReopen() throws IOException {
        try (CheckpointStore store = open()) {
            assertThat(store.latest(3)).isEmpty();
            assertThat(store.save(3, 10, 5, bytes("ten"))).isTrue();
            assertThat(store.save(3, 20, 5, bytes("twenty"))).isTrue();
            assertThat(store.save(4, 1, 9, bytes("other zone"))).isTrue();
            final Checkpoint c = store.latest(3).orElseThrow();
            assertThat(c.zone()).isEqualTo(3);
            assertThat(c.tick()).isEqualTo(20);
            assertThat(c.fencingToken()).isEqualTo(5);
            assertThat(text(c)).isEqualTo("twenty");
        }
        try (CheckpointStore store = open()) {
            assertThat(text(store.latest(3).orElseThrow())).isEqualTo("twenty");
            assertThat(text(store.latest(4).orElseThrow())).isEqualTo("other zone");
            assertThat(store.latest(5)).isEmpty();
        }
    }

    @Test
    void emptyStateIsAValidCheckpoint() throws IOException {
        try (CheckpointStore store = open()) {
            store.save(0, 0, 0, ByteBuffer.allocate(0));
        }
        try (CheckpointStore store = open()) {
            assertThat(store.latest(0).orElseThrow().stateBytes()).isEmpty();
        }
    }

    @Test
    void staleFencingTokenIsRefusedAlsoAfterReopen() throws IOException {
        try (CheckpointStore store = open()) {
            assertThat(store.save(1, 100, 7, bytes("owner 7"))).isTrue();
            assertThat(store.save(1, 101, 6, bytes("old owner"))).isFalse();
            assertThat(store.save(1, 100, 8, bytes("new owner restored at 100"))).isTrue();
        }
        try (CheckpointStore store = open()) {
            assertThat(store.save(1, 200, 7, bytes("old owner wakes up"))).isFalse();
            assertThat(text(store.latest(1).orElseThrow())).isEqualTo("new owner restored at 100");
        }
    }

    @Test
    void tickMustNotGoBackwardsUnderOneToken() throws IOException {
        try (CheckpointStore store = open()) {
            store.save(1, 100, 7, bytes("a"));
            assertThatThrownBy(() -> store.save(1, 99, 7, bytes("b"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("saved tick 100, now 99");
        }
    }

    @Test
    void saveDoesNotConsumeTheCallersBuffer() throws IOException {
        final ByteBuffer state = bytes("abc");
        try (CheckpointStore store = open()) {
            store.save(6, 1, 1, state);
            assertThat(state.remaining()).isEqualTo(3);
            assertThat(store.latest(6).orElseThrow().state().isReadOnly()).isTrue();
        }
    }
}

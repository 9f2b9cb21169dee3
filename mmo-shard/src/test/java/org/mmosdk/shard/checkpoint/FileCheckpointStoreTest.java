package org.mmosdk.shard.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The contract tests on the file store, plus what is particular to files: torn tails, corruption, locks. */
@Timeout(60)
class FileCheckpointStoreTest extends AbstractCheckpointStoreContractTest {
    @TempDir
    Path dir;

    @Override
    protected FileCheckpointStore open() throws IOException {
        return FileCheckpointStore.builder(dir).build();
    }

    @Test
    void secondWriterIsLockedOut() throws IOException {
        try (FileCheckpointStore store = open(); FileCheckpointStore other = open()) {
            store.save(2, 1, 1, bytes("x"));
            assertThatThrownBy(() -> other.save(2, 2, 1, bytes("y"))).isInstanceOf(IOException.class)
                .hasMessageContaining("open by another writer");
        }
    }

    @Test
    void compactsToTheLatestRecordWhenTheFileGrows() throws IOException {
        final byte[] big = new byte[1500];
        try (FileCheckpointStore store = FileCheckpointStore.builder(dir).maxFileBytes(4096).build()) {
            for (int tick = 1; tick <= 20; tick++) {
                big[0] = (byte) tick;
                store.save(0, tick, 1, ByteBuffer.wrap(big));
                assertThat(Files.size(store.fileOf(0))).isLessThanOrEqualTo(4096 + 1500 + 64);
                assertThat(store.latest(0).orElseThrow().tick()).isEqualTo(tick);
            }
        }
        try (FileCheckpointStore store = open()) {
            final Checkpoint c = store.latest(0).orElseThrow();
            assertThat(c.tick()).isEqualTo(20);
            assertThat(c.stateBytes()[0]).isEqualTo((byte) 20);
        }
    }

    /** Writes three checkpoints and returns the byte offsets of record starts plus the file end. */
    private long[] writeThree(final Path file) throws IOException {
        try (FileCheckpointStore store = FileCheckpointStore.builder(dir).fsync(FsyncPolicy.never()).build()) {
            store.save(0, 1, 1, bytes("first"));
            store.save(0, 2, 1, bytes("second"));
            store.save(0, 3, 1, bytes("third, the one that gets torn"));
        }
        final List<Long> offsets = new ArrayList<>();
        final long end = RecordLog.scan(file, (offset, payload) -> offsets.add(offset));
        assertThat(offsets).hasSize(3);
        assertThat(end).isEqualTo(Files.size(file));
        return new long[] {offsets.get(0), offsets.get(1), offsets.get(2), end};
    }

    @Test
    void tornTailAtEveryByteOfTheLastRecordRecoversThePreviousOne() throws IOException {
        final Path file = dir.resolve("zone-0.ckpt");
        final long[] at = writeThree(file);
        final byte[] whole = Files.readAllBytes(file);
        for (long cut = at[2]; cut < at[3]; cut++) {
            Files.write(file, java.util.Arrays.copyOf(whole, (int) cut));
            assertThat(FileCheckpointStore.readLatest(file).map(Checkpoint::tick)).as("cut at %d", cut).contains(2L);
            try (FileCheckpointStore store = open()) {
                assertThat(text(store.latest(0).orElseThrow())).as("cut at %d", cut).isEqualTo("second");
                // appending after recovery continues the valid prefix
                store.save(0, 4, 1, bytes("after recovery"));
            }
            assertThat(FileCheckpointStore.readLatest(file).map(Checkpoint::tick)).contains(4L);
            if (cut > at[2]) {
                assertThat(Files.size(RecordLog.sibling(file, ".discarded"))).isEqualTo(cut - at[2]);
            }
        }
    }

    @Test
    void everyCorruptedByteOfTheLastRecordIsDetected() throws IOException {
        final Path file = dir.resolve("zone-0.ckpt");
        final long[] at = writeThree(file);
        final byte[] whole = Files.readAllBytes(file);
        for (long pos = at[2]; pos < at[3]; pos++) {
            final byte[] damaged = whole.clone();
            damaged[(int) pos] ^= 0x10;
            Files.write(file, damaged);
            assertThat(FileCheckpointStore.readLatest(file).map(Checkpoint::tick)).as("flip at %d", pos).contains(2L);
            try (RecordLog log = RecordLog.open(file, FsyncPolicy.never(), null)) {
                assertThat(log.discardedBytes()).as("flip at %d", pos).isEqualTo(at[3] - at[2]);
            }
        }
    }

    @Test
    void corruptionInTheMiddleRecoversToThePointBeforeIt() throws IOException {
        final Path file = dir.resolve("zone-0.ckpt");
        final long[] at = writeThree(file);
        final byte[] damaged = Files.readAllBytes(file);
        damaged[(int) at[1] + RecordLog.HEADER_BYTES + 3] ^= 0x01;
        Files.write(file, damaged);
        assertThat(FileCheckpointStore.readLatest(file).map(Checkpoint::tick)).contains(1L);
        try (FileCheckpointStore store = open()) {
            assertThat(store.latest(0).map(Checkpoint::tick)).contains(1L);
        }
        assertThat(Files.size(RecordLog.sibling(file, ".discarded"))).isEqualTo(at[3] - at[1]);
    }

    @Test
    void zeroFilledTailIsIgnored() throws IOException {
        final Path file = dir.resolve("zone-0.ckpt");
        writeThree(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.APPEND)) {
            ch.write(ByteBuffer.allocate(4096));
        }
        assertThat(FileCheckpointStore.readLatest(file).map(Checkpoint::tick)).contains(3L);
    }

    @Test
    void readLatestOfAMissingFileIsEmpty() throws IOException {
        assertThat(FileCheckpointStore.readLatest(dir.resolve("nope.ckpt"))).isEqualTo(Optional.empty());
    }

    @Test
    void builderNamesInvalidValues() {
        assertThatThrownBy(() -> FileCheckpointStore.builder(dir).maxFileBytes(10).build())
            .hasMessage("maxFileBytes must be in [4096, 2^40], was 10");
        assertThatThrownBy(() -> FsyncPolicy.everyN(0)).hasMessage("fsync every n must be in [1, 1000000], was 0");
        assertThat(FsyncPolicy.everyN(1)).isSameAs(FsyncPolicy.everyWrite());
    }

    @Test
    void everyNPolicyRoundTrips() throws IOException {
        try (FileCheckpointStore store = FileCheckpointStore.builder(dir).fsync(FsyncPolicy.everyN(3)).build()) {
            for (int t = 0; t < 10; t++) {
                store.save(9, t, 1, bytes("t" + t));
            }
        }
        assertThat(FileCheckpointStore.readLatest(dir.resolve("zone-9.ckpt")).map(Checkpoint::tick)).contains(9L);
    }
}

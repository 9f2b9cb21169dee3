package org.mmosdk.shard.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A real child JVM saving checkpoints is killed with SIGKILL mid-run; a new store recovers. */
@Tag("slow")
@Timeout(120)
class FileCheckpointCrashTest {
    @TempDir
    Path dir;

    @Test
    void killedWriterLosesNoReturnedSaveAndLeavesARecoverableFile() throws Exception {
        for (int round = 0; round < 4; round++) {
            long lastAcknowledged = 0;
            try (ChildJvm child = ChildJvm.start(CheckpointWriterMain.class, dir.resolve("child.log"), dir.toString())) {
                // let it get going, then kill it at a point the test does not choose
                final long target = 20 + round * 17L;
                while (lastAcknowledged < target) {
                    lastAcknowledged = Long.parseLong(child.nextLine(60).substring("saved ".length()));
                }
                Thread.sleep(round * 7L);
                child.kill();
                final List<String> rest = child.drain();
                if (!rest.isEmpty()) {
                    lastAcknowledged = Long.parseLong(rest.get(rest.size() - 1).substring("saved ".length()));
                }
            }
            final Path file = dir.resolve("zone-7.ckpt");
            final long fileSize = Files.size(file);
            final long validEnd = RecordLog.scan(file, null);
            final Checkpoint recovered = FileCheckpointStore.readLatest(file).orElseThrow();
            assertThat(recovered.tick()).as("a save that returned survives a process kill")
                .isGreaterThanOrEqualTo(lastAcknowledged);
            assertThat(recovered.stateBytes()).isEqualTo(CheckpointWriterMain.state(recovered.tick()));
            try (FileCheckpointStore store = FileCheckpointStore.builder(dir).build()) {
                assertThat(store.latest(7).orElseThrow().tick()).isEqualTo(recovered.tick());
            }
            System.out.printf("round %d: killed after ack of tick %d, recovered tick %d, file %d bytes, torn tail %d bytes%n",
                round, lastAcknowledged, recovered.tick(), fileSize, fileSize - validEnd);
            // next round starts a fresh writer at tick 1 under the same token: start from an empty directory
            Files.move(file, dir.resolve("zone-7.round" + round));
        }
    }
}

package org.mmosdk.shard.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Whatever is appended and however the file is then cut or damaged, recovery yields exactly the records that lie
 * wholly before the first damaged byte, with their payloads intact.
 */
class RecordLogProperties {

    @Property(tries = 200)
    void recoversTheLongestUndamagedPrefix(@ForAll @Size(min = 1, max = 12) final List<@Size(max = 300) byte[]> payloads,
        @ForAll @IntRange(min = 0, max = 100_000) final int cutSeed, @ForAll final boolean flipInsteadOfCut,
        @ForAll final byte flipMask) throws IOException {
        final Path dir = Files.createTempDirectory("recordlog");
        try {
            final Path file = dir.resolve("log");
            final List<Long> ends = new ArrayList<>();
            try (RecordLog log = RecordLog.open(file, FsyncPolicy.never(), null)) {
                for (final byte[] p : payloads) {
                    log.append(ByteBuffer.wrap(p));
                    ends.add(log.size());
                }
            }
            final byte[] whole = Files.readAllBytes(file);
            final int damageAt = cutSeed % whole.length;
            final byte[] damaged;
            if (flipInsteadOfCut && flipMask != 0) {
                damaged = whole.clone();
                damaged[damageAt] ^= flipMask;
            } else {
                damaged = Arrays.copyOf(whole, damageAt);
            }
            Files.write(file, damaged);

            final List<byte[]> recovered = new ArrayList<>();
            final long validEnd = RecordLog.scan(file, (offset, payload) -> {
                final byte[] b = new byte[payload.remaining()];
                payload.get(b);
                recovered.add(b);
            });
            int expected = 0;
            while (expected < ends.size() && ends.get(expected) <= damageAt) {
                expected++;
            }
            assertThat(recovered).hasSize(expected);
            for (int i = 0; i < expected; i++) {
                assertThat(recovered.get(i)).isEqualTo(payloads.get(i));
            }
            assertThat(validEnd).isEqualTo(expected == 0 ? 0 : ends.get(expected - 1));
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                for (final Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}

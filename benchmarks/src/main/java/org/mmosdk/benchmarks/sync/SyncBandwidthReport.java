package org.mmosdk.benchmarks.sync;

import java.util.Locale;

import org.mmosdk.sync.SnapshotCodecAccess;

/**
 * The byte side of issue 5's benchmarks (JMH measures the time side): runs the crowd and cubes scenes of
 * {@link CrowdBenchmark} and {@link CubesBenchmark} for simulated seconds (a virtual clock; deterministic, so the
 * figures do not depend on the machine) and prints bytes per client per second next to what sending the full visible
 * state each tick would cost, plus the snapshot sizes of {@link SnapshotCodecBenchmark}.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar org.mmosdk.benchmarks.sync.SyncBandwidthReport</pre>
 *
 * <p>Full visible state: every entity within the view radius of the client, as full records of the same codec, in one
 * snapshot message per tick ({@link SyncScene#fullStateBytes}), sampled on every 10th client.
 */
public final class SyncBandwidthReport {
    private SyncBandwidthReport() {
    }

    /**
     * Prints the report.
     *
     * @param args {@code [seconds]}, 10 by default
     */
    public static void main(final String[] args) {
        final int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        codec();
        scene("crowd: 1,000 walking players, 20 Hz", CrowdBenchmark.scene(7), CrowdBenchmark.HZ, seconds,
            CrowdBenchmark.VIEW_RADIUS, true, 10);
        scene("crowd, the position dead-reckoned within 5 cm (ReplicationRules.Builder.deadReckoning)",
            CrowdBenchmark.scene(7, 1, true), CrowdBenchmark.HZ, seconds, CrowdBenchmark.VIEW_RADIUS, true, 10);
        scene("crowd variant (not the issue's scenario): 1,000 players, 10% of them walking, 20 Hz",
            new SyncScene(CrowdBenchmark.PLAYERS, CrowdBenchmark.PLAYERS / 10, CrowdBenchmark.SIDE, CrowdBenchmark.VIEW_RADIUS,
                CrowdBenchmark.PLAYERS, true, CrowdBenchmark.HZ, CrowdBenchmark.SPEED, CrowdBenchmark.ACK_LAG, 256, 7, 1),
            CrowdBenchmark.HZ, seconds, CrowdBenchmark.VIEW_RADIUS, true, 10);
        scene("cubes: 901 entities, 10% moving, 60 Hz, 1 client seeing all", CubesBenchmark.scene(11), CubesBenchmark.HZ,
            seconds, CubesBenchmark.VIEW_RADIUS, false, 1);
    }

    private static void codec() {
        final SnapshotCodecBenchmark b = new SnapshotCodecBenchmark();
        b.setUp();
    }

    private static void scene(final String title, final SyncScene scene, final int hz, final int seconds, final float radius,
        final boolean owned, final int sampleEvery) {
        for (int i = 0; i < 3 * hz; i++) {
            scene.tick();
        }
        final int clients = scene.peers.length;
        final long bytes0 = scene.bytesSent();
        final long records0 = scene.recordsSent();
        final SnapshotCodecAccess codec = new SnapshotCodecAccess(SyncScene.RULES);
        final SyncScene.FullStateScratch scratch = new SyncScene.FullStateScratch(scene.entities.length);
        long fullBytes = 0;
        long fullSamples = 0;
        long visible = 0;
        long maxSnapshot = 0;
        final int ticks = seconds * hz;
        for (int t = 0; t < ticks; t++) {
            scene.tick();
            for (int c = 0; c < clients; c += sampleEvery) {
                fullBytes += scene.fullStateBytes(c, codec, radius, owned, scratch);
                fullSamples++;
                visible += scene.server.visibleCount(scene.peers[c]);
                maxSnapshot = Math.max(maxSnapshot, scene.server.lastSnapshotBytes(scene.peers[c]));
            }
        }
        final double perClientTick = (double) (scene.bytesSent() - bytes0) / clients / ticks;
        final double recordsPerClientTick = (double) (scene.recordsSent() - records0) / clients / ticks;
        final double fullPerClientTick = (double) fullBytes / fullSamples;
        System.out.println();
        System.out.println(title);
        System.out.printf(Locale.ROOT, "  in view per client: %.1f entities; records sent per client per tick: %.1f "
            + "(own entity + changed + entering); largest snapshot %d B%n", (double) visible / fullSamples,
            recordsPerClientTick, maxSnapshot);
        System.out.printf(Locale.ROOT, "  mmo-sync deltas:    %8.1f B/client/tick  %9.0f B/client/s  %7.1f kbps%n",
            perClientTick, perClientTick * hz, perClientTick * hz * 8 / 1000);
        System.out.printf(Locale.ROOT, "  full visible state: %8.1f B/client/tick  %9.0f B/client/s  %7.1f kbps%n",
            fullPerClientTick, fullPerClientTick * hz, fullPerClientTick * hz * 8 / 1000);
        System.out.printf(Locale.ROOT, "  full state / deltas: %.2fx; bytes per record sent: %.2f%n",
            fullPerClientTick / perClientTick, perClientTick / recordsPerClientTick);
    }
}

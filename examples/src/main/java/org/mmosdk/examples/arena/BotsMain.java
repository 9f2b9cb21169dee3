package org.mmosdk.examples.arena;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code bots}: N bots in a process of their own against a running arena, with a progress line and a summary table.
 *
 * <p>Threads: {@link #main} on the launching thread; Ctrl-C stops the swarm on the shutdown hook.
 */
public final class BotsMain {
    private BotsMain() {
    }

    /**
     * Runs the bots until {@code --duration} or Ctrl-C.
     *
     * @param args the options (see {@code Main} usage)
     * @throws Exception if interrupted
     */
    public static void main(final String[] args) throws Exception {
        String host = "127.0.0.1";
        int port = -1;
        int count = 100;
        int duelists = 2;
        String transport = "tcp";
        long duration = 0;
        int drops = 6;
        int every = 2;
        int ramp = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--host" -> host = args[++i];
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--bots" -> count = Integer.parseInt(args[++i]);
                case "--duelists" -> duelists = Integer.parseInt(args[++i]);
                case "--transport" -> transport = args[++i];
                case "--duration" -> duration = Long.parseLong(args[++i]);
                case "--drops-per-minute" -> drops = Integer.parseInt(args[++i]);
                case "--progress-every" -> every = Integer.parseInt(args[++i]);
                case "--ramp" -> ramp = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        final boolean ws = switch (transport) {
            case "tcp" -> false;
            case "ws" -> true;
            default -> throw new IllegalArgumentException("--transport must be tcp or ws, was " + transport);
        };
        if (port < 0) {
            port = ws ? 7001 : 7000;
        }
        System.out.printf("bots: %d %s bots against %s:%d%s, %d dropped connections a minute; Ctrl-C stops%n", count,
            transport, host, port, duration > 0 ? " for " + duration + " s" : "", drops);
        final BotSwarm swarm = new BotSwarm(ws ? null : new InetSocketAddress(host, port),
            ws ? URI.create("ws://" + host + ":" + port + "/game") : null, count, Math.min(count, duelists), drops, System.out, every)
            .rampPerSecond(ramp).start();
        final CountDownLatch done = new CountDownLatch(1);
        final Thread hook = new Thread(() -> {
            swarm.close();
            System.out.println(swarm.summary());
            done.countDown();
        }, "bots-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        if (duration > 0 && !done.await(duration, TimeUnit.SECONDS)) {
            Runtime.getRuntime().removeShutdownHook(hook);
            hook.run();
        } else {
            done.await();
        }
    }
}

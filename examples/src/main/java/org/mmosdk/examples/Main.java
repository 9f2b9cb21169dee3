package org.mmosdk.examples;

import java.util.Arrays;

/**
 * Entry point of {@code mmo-examples.jar}: {@code java -jar examples/target/mmo-examples.jar <example> [options]}.
 */
public final class Main {
    private Main() {
    }

    /**
     * Runs the named example.
     *
     * @param args the example's name, then its options
     * @throws Exception if the example fails
     */
    public static void main(final String[] args) throws Exception {
        final String example = args.length == 0 ? "core-demo" : args[0];
        final String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
        switch (example) {
            case "core-demo" -> CoreDemo.main(rest);
            case "arena" -> org.mmosdk.examples.arena.ArenaMain.main(rest);
            case "bots" -> org.mmosdk.examples.arena.BotsMain.main(rest);
            case "-h", "--help", "help" -> usage(0);
            default -> {
                System.err.println("unknown example '" + example + "'");
                usage(2);
            }
        }
    }

    private static void usage(final int exitCode) {
        System.out.println("""
            usage: java -jar mmo-examples.jar <example> [options]

            examples:
              core-demo [--clients N] [--rate HZ] [--duration SECONDS]
                  a zone on a fixed-rate tick loop that receives, verifies and answers envelopes
                  from N simulated clients (plus one hostile client), printing a status line
              arena [--bots N] [--duelists N] [--duration S] [--tcp-port P] [--ws-port P] [--http-port P] [--npcs N]
                    [--host H] [--snapshot-interval auto|1..8]
                  a 2 km x 2 km world with wandering NPCs and players, TCP and WebSocket gateways, state sync,
                  a reliable skill cast, lockstep duels (2 of the bots by default), a live browser view and
                  Prometheus /metrics (ports 0 = pick free ones); --snapshot-interval: each player gets a
                  snapshot every N ticks (auto: 1, more while the zone cannot keep its tick rate)
              bots [--host H] [--port P] [--bots N] [--duelists N] [--transport tcp|ws] [--duration S]
                    [--drops-per-minute N] [--ramp BOTS_PER_SECOND]
                  N bots in this process against a running arena: they walk, cast, resume when dropped;
                  the first --duelists of them (default 2) also fight lockstep duels in pairs
            """);
        System.exit(exitCode);
    }
}

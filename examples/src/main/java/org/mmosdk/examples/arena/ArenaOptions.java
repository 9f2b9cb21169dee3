package org.mmosdk.examples.arena;

/**
 * The arena's command-line options.
 *
 * @param bots in-process bots to start
 * @param durationSeconds stop after this long; 0 runs until Ctrl-C
 * @param host address to bind
 * @param tcpPort TCP gateway port (0 picks one)
 * @param wsPort WebSocket gateway port (0 picks one)
 * @param httpPort page and /metrics (0 picks one)
 * @param npcs wandering NPCs
 * @param statusSeconds seconds between status lines
 * @param duelists how many of the in-process bots also fight lockstep duels (in pairs)
 * @param snapshotInterval each player gets a snapshot every this many ticks (1 by default); 0 ({@code auto}): 1, raised
 *     while the zone cannot keep its tick rate and lowered again when it can
 */
record ArenaOptions(int bots, long durationSeconds, String host, int tcpPort, int wsPort, int httpPort, int npcs,
                    int statusSeconds, int duelists, int snapshotInterval) {
    ArenaOptions(final int bots, final long durationSeconds, final String host, final int tcpPort, final int wsPort,
        final int httpPort, final int npcs, final int statusSeconds, final int duelists) {
        this(bots, durationSeconds, host, tcpPort, wsPort, httpPort, npcs, statusSeconds, duelists, 1);
    }

    static ArenaOptions parse(final String[] args) {
        int bots = 200;
        long duration = 0;
        String host = "127.0.0.1";
        int tcp = 7000;
        int ws = 7001;
        int http = 8080;
        int npcs = 2000;
        int status = 5;
        int duelists = 2;
        int snapshotInterval = 1;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--bots" -> bots = Integer.parseInt(args[++i]);
                case "--duration" -> duration = Long.parseLong(args[++i]);
                case "--host" -> host = args[++i];
                case "--tcp-port" -> tcp = Integer.parseInt(args[++i]);
                case "--ws-port" -> ws = Integer.parseInt(args[++i]);
                case "--http-port" -> http = Integer.parseInt(args[++i]);
                case "--npcs" -> npcs = Integer.parseInt(args[++i]);
                case "--status-every" -> status = Integer.parseInt(args[++i]);
                case "--duelists" -> duelists = Integer.parseInt(args[++i]);
                case "--snapshot-interval" -> {
                    final String v = args[++i];
                    snapshotInterval = v.equals("auto") ? 0 : Integer.parseInt(v);
                    if (snapshotInterval < 0 || snapshotInterval > 8) {
                        throw new IllegalArgumentException("--snapshot-interval must be auto or 1..8, was " + v);
                    }
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        return new ArenaOptions(bots, duration, host, tcp, ws, http, npcs, status, duelists, snapshotInterval);
    }
}

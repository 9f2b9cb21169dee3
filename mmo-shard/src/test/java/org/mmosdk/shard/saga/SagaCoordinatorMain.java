package org.mmosdk.shard.saga;

import java.nio.file.Path;

/**
 * Child process for {@link SagaProcessCrashTest}: a coordinator whose participants are remote (an
 * {@link InventoryServer} in the test JVM). Recovers its log, then runs trades until killed, printing
 * {@code saga <id> <outcome>} after each. Every fifth trade asks for more shields than Bob has.
 */
public final class SagaCoordinatorMain {
    private SagaCoordinatorMain() {
    }

    public static void main(final String[] args) throws Exception {
        final Path log = Path.of(args[0]);
        final int port = Integer.parseInt(args[1]);
        try (RemoteInventory.Link link = new RemoteInventory.Link(port);
             SagaOrchestrator o = SagaOrchestrator.builder(log)
                 .define(TradeSaga.definition(new RemoteInventory(link, "A"), new RemoteInventory(link, "B"))).build()) {
            System.out.println("recovered " + o.recover().size());
            for (int i = 0; ; i++) {
                final int shields = i % 5 == 4 ? 1_000_000 : 1;
                final SagaOrchestrator.Result r = o.run(TradeSaga.NAME,
                    TradeSaga.input("alice", "sword", 1 + i % 3, "bob", "shield", shields));
                System.out.println("saga " + r.sagaId() + ' ' + r.outcome());
                System.out.flush();
            }
        }
    }
}

package org.mmosdk.shard.saga;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The trade example: player A on node A gives {@code countA} of {@code itemA} to player B on node B, who gives
 * {@code countB} of {@code itemB} back. Four steps, removals first (escrow: no item exists twice at any moment):
 * <ol start="0">
 *   <li>node A: A −countA itemA (refused if A lacks them)</li>
 *   <li>node B: B −countB itemB (refused if B lacks them)</li>
 *   <li>node A: A +countB itemB</li>
 *   <li>node B: B +countA itemA</li>
 * </ol>
 * Each compensation is the node's own undo of that step id.
 */
public final class TradeSaga {
    public static final String NAME = "trade";

    private TradeSaga() {
    }

    /** The trade's parameters, decoded from the saga input. */
    record Terms(String playerA, String itemA, int countA, String playerB, String itemB, int countB) {
        static Terms of(final ByteBuffer in) {
            final ByteBuffer b = in.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            return new Terms(str(b), str(b), b.getInt(), str(b), str(b), b.getInt());
        }

        private static String str(final ByteBuffer b) {
            final byte[] s = new byte[b.getShort()];
            b.get(s);
            return new String(s, StandardCharsets.UTF_8);
        }
    }

    public static byte[] input(final String playerA, final String itemA, final int countA, final String playerB,
        final String itemB, final int countB) {
        final ByteBuffer b = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);
        put(b, playerA);
        put(b, itemA);
        b.putInt(countA);
        put(b, playerB);
        put(b, itemB);
        b.putInt(countB);
        final byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }

    private static void put(final ByteBuffer b, final String s) {
        final byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        b.putShort((short) bytes.length).put(bytes);
    }

    private interface Op {
        boolean run(Terms t, StepId id) throws Exception;
    }

    private static SagaStep step(final Inventory node, final Op op) {
        return new SagaStep() {
            @Override
            public boolean execute(final StepId id, final ByteBuffer input) throws Exception {
                return op.run(Terms.of(input), id);
            }

            @Override
            public void compensate(final StepId id, final ByteBuffer input) throws Exception {
                node.compensate(id);
            }
        };
    }

    public static SagaDefinition definition(final Inventory nodeA, final Inventory nodeB) {
        return SagaDefinition.of(NAME,
            step(nodeA, (t, id) -> nodeA.apply(id, t.playerA, t.itemA, -t.countA)),
            step(nodeB, (t, id) -> nodeB.apply(id, t.playerB, t.itemB, -t.countB)),
            step(nodeA, (t, id) -> nodeA.apply(id, t.playerA, t.itemB, t.countB)),
            step(nodeB, (t, id) -> nodeB.apply(id, t.playerB, t.itemA, t.countA)));
    }
}

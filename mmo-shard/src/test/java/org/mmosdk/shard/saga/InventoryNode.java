package org.mmosdk.shard.saga;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * One "node" of the trade example: player inventories in memory, with the participant rules of {@link SagaStep}
 * keyed by {@link StepId}. Counts every real mutation per id so tests can prove nothing applied twice.
 */
public final class InventoryNode implements Inventory {
    enum Status { APPLIED, REFUSED, COMPENSATED }

    private record Entry(Status status, String player, String item, int delta) {
    }

    private final String name;
    private final Map<String, Map<String, Integer>> inventories = new TreeMap<>();
    private final Map<StepId, Entry> ledger = new HashMap<>();
    private final Map<StepId, Integer> mutations = new HashMap<>();
    /** Transient failures to inject: the next n calls throw before doing anything. */
    private int failNext;

    public InventoryNode(final String name) {
        this.name = name;
    }

    public synchronized void give(final String player, final String item, final int count) {
        inventories.computeIfAbsent(player, p -> new TreeMap<>()).merge(item, count, Integer::sum);
    }

    public synchronized int count(final String player, final String item) {
        return inventories.getOrDefault(player, Map.of()).getOrDefault(item, 0);
    }

    public synchronized int total(final String item) {
        return inventories.values().stream().mapToInt(m -> m.getOrDefault(item, 0)).sum();
    }

    public synchronized void failNext(final int n) {
        failNext = n;
    }

    @Override
    public synchronized boolean apply(final StepId id, final String player, final String item, final int delta) {
        transientFailure();
        final Entry e = ledger.get(id);
        if (e != null) {
            return e.status == Status.APPLIED;
        }
        final int have = count(player, item);
        if (have + delta < 0) {
            ledger.put(id, new Entry(Status.REFUSED, player, item, delta));
            return false;
        }
        give(player, item, delta);
        mutations.merge(id, 1, Integer::sum);
        ledger.put(id, new Entry(Status.APPLIED, player, item, delta));
        return true;
    }

    @Override
    public synchronized void compensate(final StepId id) {
        transientFailure();
        final Entry e = ledger.get(id);
        if (e == null) {
            ledger.put(id, new Entry(Status.COMPENSATED, null, null, 0));
        } else if (e.status == Status.APPLIED) {
            give(e.player, e.item, -e.delta);
            mutations.merge(id, 1, Integer::sum);
            ledger.put(id, new Entry(Status.COMPENSATED, e.player, e.item, e.delta));
        } else if (e.status == Status.REFUSED) {
            ledger.put(id, new Entry(Status.COMPENSATED, null, null, 0));
        }
    }

    private void transientFailure() {
        if (failNext > 0) {
            failNext--;
            throw new IllegalStateException(name + ": injected transient failure");
        }
    }

    /** Whether the id is applied and not compensated. */
    public synchronized boolean isApplied(final StepId id) {
        final Entry e = ledger.get(id);
        return e != null && e.status == Status.APPLIED;
    }

    /** Real mutations under one id: 1 for an apply, 1 more for its undo; never more. */
    public synchronized int mutations(final StepId id) {
        return mutations.getOrDefault(id, 0);
    }

    public synchronized int maxMutationsPerId() {
        return mutations.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    }

    public synchronized java.util.Set<Long> sagaIds() {
        final java.util.Set<Long> ids = new java.util.TreeSet<>();
        for (final StepId id : ledger.keySet()) {
            ids.add(id.sagaId());
        }
        return ids;
    }

    @Override
    public synchronized String toString() {
        return name + inventories;
    }
}

package dev.chrunbook.chunks;

import dev.chrunbook.state.ChunkState;
import dev.chrunbook.state.ChunkState.Phase;

import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The chunks a node's lanes take, one at a time, in the queue's order. A chunk whose copy is being
 * verified may come back (its copy differed), so a lane that finds nothing to take waits while any
 * verification is in flight before it ends.
 */
public final class ChunkQueue {
    /** The largest pending first, so that the last chunks to end are small (a copy within one server). */
    static ChunkQueue largestFirst(Supplier<List<ChunkState>> ledger) {
        return new ChunkQueue(ledger, c -> c.phase() == Phase.PENDING,
                Comparator.comparingLong(ChunkState::plannedRows).reversed().thenComparing(ChunkState::index));
    }

    /**
     * Every chunk not done nor failed by this run, in the ledger's order: a copy from another cluster,
     * whose cursor moves on as the earliest chunks end (a copied one, verified by an earlier run, is
     * taken to be attached).
     */
    public static ChunkQueue inLedgerOrder(Supplier<List<ChunkState>> ledger) {
        return new ChunkQueue(ledger, c -> c.phase() != Phase.DONE && c.phase() != Phase.FAILED,
                Comparator.comparingInt(ChunkState::index));
    }

    private final Supplier<List<ChunkState>> ledger;
    private final Predicate<ChunkState> takeable;
    private final Comparator<ChunkState> order;
    private final Set<Integer> taken = new HashSet<>();
    private final Map<Integer, Integer> copies = new HashMap<>();
    private int verifying;

    private ChunkQueue(Supplier<List<ChunkState>> ledger, Predicate<ChunkState> takeable, Comparator<ChunkState> order) {
        this.ledger = ledger;
        this.takeable = takeable;
        this.order = order;
    }

    /** The next chunk to copy, or null once none is pending and none is being verified (or {@code stopping}). */
    public synchronized ChunkState take(BooleanSupplier stopping) throws InterruptedException {
        while (!stopping.getAsBoolean()) {
            ChunkState next = ledger.get().stream().filter(c -> takeable.test(c) && !taken.contains(c.index())).min(order).orElse(null);
            if (next != null) {
                taken.add(next.index());
                copies.merge(next.index(), 1, Integer::sum);
                return next;
            }
            if (verifying == 0) {
                return null;
            }
            wait(200); // a lane's stop or cancel is looked at again meanwhile
        }
        return null;
    }

    /** The chunks still to take, in the order they will be taken (those that come back aside). */
    public synchronized List<ChunkState> upcoming() {
        return ledger.get().stream().filter(c -> takeable.test(c) && !taken.contains(c.index())).sorted(order).toList();
    }

    /** How often this run took the chunk to copy it. */
    public synchronized int copies(ChunkState c) {
        return copies.getOrDefault(c.index(), 0);
    }

    /** A chunk's copy has been handed over to be verified. */
    public synchronized void verifying() {
        verifying++;
    }

    /** Its verification ended; {@code again}: the chunk is pending again (saved so) and may be taken once more. */
    public synchronized void verified(ChunkState again) {
        if (again != null) {
            taken.remove(again.index());
        }
        verifying--;
        notifyAll();
    }
}

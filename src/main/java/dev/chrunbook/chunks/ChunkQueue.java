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
import java.util.function.Supplier;

/**
 * The chunks a node's lanes take, one at a time: the largest pending first, so that the last to end
 * are small. A chunk whose copy is being verified may come back (its copy differed), so a lane that
 * finds nothing pending waits while any verification is in flight before it ends.
 */
final class ChunkQueue {
    private final Supplier<List<ChunkState>> ledger;
    private final Set<Integer> taken = new HashSet<>();
    private final Map<Integer, Integer> copies = new HashMap<>();
    private int verifying;

    ChunkQueue(Supplier<List<ChunkState>> ledger) {
        this.ledger = ledger;
    }

    /** The next chunk to copy, or null once none is pending and none is being verified (or {@code stopping}). */
    synchronized ChunkState take(BooleanSupplier stopping) throws InterruptedException {
        while (!stopping.getAsBoolean()) {
            ChunkState next = ledger.get().stream().filter(c -> c.phase() == Phase.PENDING && !taken.contains(c.index()))
                    .max(Comparator.comparingLong(ChunkState::plannedRows).thenComparing(c -> -c.index())).orElse(null);
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

    /** How often this run took the chunk to copy it. */
    synchronized int copies(ChunkState c) {
        return copies.getOrDefault(c.index(), 0);
    }

    /** A chunk's copy has been handed over to be verified. */
    synchronized void verifying() {
        verifying++;
    }

    /** Its verification ended; {@code again}: the chunk is pending again (saved so) and may be taken once more. */
    synchronized void verified(ChunkState again) {
        if (again != null) {
            taken.remove(again.index());
        }
        verifying--;
        notifyAll();
    }
}

package dev.chrunbook.transfer;

import dev.chrunbook.Node;
import dev.chrunbook.cluster.Topology;
import dev.chrunbook.state.ChunkState;
import dev.chrunbook.state.NodeState;
import dev.chrunbook.state.SourceRange;
import dev.chrunbook.state.StateStore;

import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The copy's cursor over every target shard: the earliest position, over the shards, of a chunk not
 * done yet. Every row before it is in the target on every shard. A shard that has not planned yet
 * stands at the copy's start. Chunks after the cursor that a shard has done already are found in the
 * target, and skipped, when a fresh state starts from it.
 */
public final class RemoteCursor {
    private RemoteCursor() {
    }

    /** @param oneLedger one node's ledger holds every shard's chunks (placed through the target's sharding) */
    public static String of(StateStore store, Topology topology, String step, Optional<SourceRange> from, boolean oneLedger) {
        Map<String, NodeState> nodes = store.state().steps().getOrDefault(step, Map.of());
        if (oneLedger) {
            java.util.List<ChunkState> ledger = nodes.values().stream().map(NodeState::chunks).filter(l -> !l.isEmpty()).findFirst()
                    .orElse(null);
            SourceRange at = ledger == null ? from.orElse(null)
                    : ledger.stream().filter(c -> c.phase() != ChunkState.Phase.DONE).map(ChunkState::range).findFirst().orElse(null);
            return at == null ? (ledger == null ? "(none yet: the copy starts at the beginning)" : Cursor.END) : Cursor.of(at);
        }
        SourceRange least = null;
        boolean everyShardDone = true;
        for (int shard : new TreeSet<>(topology.nodes().stream().map(Node::shard).toList())) {
            Optional<SourceRange> at = Optional.empty();
            boolean planned = false;
            for (Map.Entry<String, NodeState> e : nodes.entrySet()) {
                boolean ofShard = topology.node(e.getKey()).map(n -> n.shard() == shard).orElse(false);
                if (ofShard && !e.getValue().chunks().isEmpty()) {
                    planned = true;
                    at = e.getValue().chunks().stream().filter(c -> c.phase() != ChunkState.Phase.DONE).map(ChunkState::range)
                            .findFirst();
                }
            }
            if (!planned) {
                at = Optional.of(from.orElse(new SourceRange(Long.MIN_VALUE, 0, 1, 0, 1)));
            }
            if (at.isPresent()) {
                everyShardDone = false;
                least = least == null || at.get().compareTo(least) < 0 ? at.get() : least;
            }
        }
        if (everyShardDone) {
            return Cursor.END;
        }
        return least.team() == Long.MIN_VALUE ? "(none yet: the copy starts at the beginning)" : Cursor.of(least);
    }
}

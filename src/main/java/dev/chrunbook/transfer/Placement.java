package dev.chrunbook.transfer;

import dev.chrunbook.ChrunbookException;
import dev.chrunbook.Node;
import dev.chrunbook.cluster.Topology;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a remote copy's rows go, per target shard: the node that holds a chunk's table and attaches
 * it (its site).
 *
 * @param layout the target's Distributed table, when one statement on a coordinator writes every
 *               shard's rows through it; null when each node copies its own shard's rows
 */
public record Placement(List<Site> sites, TargetSharding.Layout layout) {
    public record Site(int shard, Node node) {
    }

    /** The node reads the rows of its own shard only (the source filtered by the sharding key). */
    public static Placement ownShard(Node node) {
        return new Placement(List.of(new Site(node.shard(), node)), null);
    }

    /**
     * Through the target's sharding: each shard's site is its first replica in the Distributed
     * table's cluster, where an insert through it with {@code load_balancing = 'in_order'} writes.
     */
    public static Placement through(TargetSharding.Layout layout, Topology topology) {
        List<Site> sites = new ArrayList<>();
        for (TargetSharding.Layout.Slot s : layout.slots()) {
            // by address; else, in the runbook's own cluster, by shard (the connection file may name hosts otherwise)
            Node node = topology.node(s.firstReplica()).or(() -> layout.cluster().equals(topology.cluster())
                    ? topology.nodes().stream().filter(n -> n.shard() == s.shard()).findFirst() : java.util.Optional.empty()).orElseThrow(() -> ChrunbookException.verificationFailed("shard " + s.shard()
                    + " of cluster " + layout.cluster() + " (the target's Distributed table's) has its first replica at " + s.firstReplica()
                    + ", which is no node of the runbook's cluster " + topology.cluster() + ": give the Distributed table the runbook's"
                    + " cluster, or use placement: per-shard"));
            sites.add(new Site(s.shard(), node));
        }
        return new Placement(List.copyOf(sites), layout);
    }

    public boolean distributed() {
        return layout != null;
    }
}

package dev.chrunbook.topology;

import dev.chrunbook.runbook.Target;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The nodes of one cluster, ordered by shard and replica; answers "which nodes run this step". */
public record Topology(String cluster, List<Node> nodes) {

    public Topology {
        nodes = nodes.stream()
                .sorted(Comparator.comparingInt(Node::shard).thenComparingInt(Node::replicaNum))
                .toList();
    }

    public List<Node> nodesFor(Target target) {
        return switch (target) {
            case EVERY_REPLICA -> nodes;
            case ONE_REPLICA_PER_SHARD -> firstReplicaOfEachShard();
            case CLUSTER_ONCE, FIRST_NODE -> List.of(nodes.get(0));
        };
    }

    public Optional<Node> node(String hostPort) {
        return nodes.stream().filter(n -> n.matches(hostPort)).findFirst();
    }

    private List<Node> firstReplicaOfEachShard() {
        Map<Integer, Node> first = new LinkedHashMap<>();
        for (Node n : nodes) {
            first.putIfAbsent(n.shard(), n);
        }
        return List.copyOf(first.values());
    }

    /**
     * A made-up topology for checks without a cluster (validate) and for benchmarks:
     * host {@code shard-S-replica-R}, port 8123.
     */
    public static Topology synthetic(String cluster, int shards, int replicas) {
        List<Node> nodes = new ArrayList<>();
        for (int s = 1; s <= shards; s++) {
            for (int r = 1; r <= replicas; r++) {
                String replica = "s" + s + "r" + r;
                nodes.add(new Node("shard-" + s + "-replica-" + r, 8123, 9000, s, r, replica,
                        Map.of("shard", String.valueOf(s), "replica", replica, "cluster", cluster)));
            }
        }
        return new Topology(cluster, nodes);
    }
}

package dev.chrunbook.cluster;

import dev.chrunbook.Node;

import dev.chrunbook.ChrunbookException;
import dev.chrunbook.ClusterForm;
import dev.chrunbook.runbook.Target;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The nodes of one cluster, ordered by shard and replica, and what its DDL can do ({@link ClusterForm});
 * answers "which nodes run this step".
 */
public record Topology(String cluster, List<Node> nodes, ClusterForm form) {

    public Topology(String cluster, List<Node> nodes) {
        this(cluster, nodes, ClusterForm.ASSUMED);
    }

    public Topology {
        nodes = nodes.stream()
                .sorted(Comparator.comparingInt(Node::shard).thenComparingInt(Node::replicaNum))
                .toList();
        check(nodes);
    }

    /** A node in two shards, a replica named twice in a shard or a shard without nodes would run work twice or not at all. */
    private static void check(List<Node> nodes) {
        if (nodes.isEmpty()) {
            throw ChrunbookException.invalidInput("the cluster has no nodes: check the connection file's seed or nodes");
        }
        Map<String, Node> byId = new LinkedHashMap<>();
        java.util.Set<String> replicas = new java.util.HashSet<>();
        java.util.TreeSet<Integer> shards = new java.util.TreeSet<>();
        for (Node n : nodes) {
            Node twice = byId.put(n.id(), n);
            if (twice != null) {
                throw ChrunbookException.invalidInput("node " + n.id() + " is declared twice (shard " + twice.shard() + " and shard "
                        + n.shard() + "): every node belongs to one shard, once");
            }
            if (!replicas.add(n.shard() + "/" + n.replicaName())) {
                throw ChrunbookException.invalidInput("replica '" + n.replicaName() + "' is declared twice in shard " + n.shard()
                        + ": give every replica of a shard its own name");
            }
            if (n.shard() < 1) {
                throw ChrunbookException.invalidInput("node " + n.id() + " has shard " + n.shard() + ": shards are numbered from 1");
            }
            shards.add(n.shard());
        }
        for (int s = 1; s <= shards.last(); s++) {
            if (!shards.contains(s)) {
                throw ChrunbookException.invalidInput("shard " + s + " has no node (shards " + shards + "): declare its nodes or renumber");
            }
        }
    }

    public List<Node> nodesFor(Target target) {
        return switch (target) {
            case EVERY_REPLICA -> nodes;
            case ONE_REPLICA_PER_SHARD -> firstReplicaOfEachShard();
            // without a distributed DDL queue, what ON CLUSTER would fan out is sent to every node
            case CLUSTER_ONCE -> form.distributedDdl() ? List.of(nodes.get(0)) : nodes;
            case FIRST_NODE -> List.of(nodes.get(0));
        };
    }

    /** The same nodes, their DDL taken as {@code form} says. */
    public Topology withForm(ClusterForm form) {
        return new Topology(cluster, nodes, form.withCoordinator(nodes.get(0).id()));
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

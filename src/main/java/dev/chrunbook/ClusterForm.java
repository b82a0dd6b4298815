package dev.chrunbook;

/**
 * What a cluster can do with DDL, the one place that knows it: whether a statement with
 * {@code ON CLUSTER} reaches every node through a distributed DDL queue, and whether tables can be
 * replicated. Both need ZooKeeper or ClickHouse Keeper. A cluster without them (a single self-hosted
 * node, shards without replicas, a server that runs no DDL worker) takes its DDL node by node:
 * a {@code cluster-once} step then runs on every node with its {@code ON CLUSTER} clauses removed,
 * and templates see {@code cluster_form.replication} false.
 *
 * A statement of such a step that is not DDL (an INSERT through a Distributed table, which reaches
 * the cluster by itself) is sent once, on the coordinator, as it would be with ON CLUSTER.
 *
 * @param reason      what the form was decided from, as {@code plan} prints it
 * @param coordinator the node (host:port) that sends a cluster-once step's other statements; "" until a topology sets it
 */
public record ClusterForm(boolean distributedDdl, boolean replication, String reason, String coordinator) {
    /** The form assumed where no cluster is asked (validate, a made-up topology). */
    public static final ClusterForm ASSUMED = new ClusterForm(true, true, "assumed (no cluster asked)", "");

    public static ClusterForm withKeeper(String reason) {
        return new ClusterForm(true, true, reason, "");
    }

    public static ClusterForm perNode(String reason) {
        return new ClusterForm(false, false, reason, "");
    }

    public ClusterForm withCoordinator(String nodeId) {
        return new ClusterForm(distributedDdl, replication, reason, nodeId);
    }

    /** One line for plan and check. */
    public String describe() {
        return distributedDdl
                ? "distributed DDL (ON CLUSTER once, on one node) and replication: " + reason
                : "per-node DDL (ON CLUSTER removed, cluster-once steps run on every node), no replication: " + reason;
    }
}

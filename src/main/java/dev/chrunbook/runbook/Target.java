package dev.chrunbook.runbook;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** Which nodes a step runs on. */
public enum Target {
    /** The first replica of every shard: writes that replication spreads to the other replicas. */
    ONE_REPLICA_PER_SHARD("one-replica-per-shard"),
    /** Every node of the cluster: local, non-replicated objects. */
    EVERY_REPLICA("every-replica"),
    /** One node, whose statement carries ON CLUSTER so that the cluster's DDL queue fans it out. */
    CLUSTER_ONCE("cluster-once"),
    /** One node, for reads and checks that need no fan-out. */
    FIRST_NODE("first-node");

    private final String yamlName;

    Target(String yamlName) {
        this.yamlName = yamlName;
    }

    public String yamlName() {
        return yamlName;
    }

    public static Optional<Target> fromYaml(String value) {
        return Arrays.stream(values()).filter(t -> t.yamlName.equals(value)).findFirst();
    }

    public static String allowed() {
        return Arrays.stream(values()).map(Target::yamlName).collect(Collectors.joining(", "));
    }
}

package dev.chrunbook;

import java.util.Map;

/**
 * One clickhouse-server of the cluster.
 *
 * @param httpPort   the port chrunbook talks to (HTTP interface)
 * @param nativePort the port the cluster definition names (system.clusters.port); 0 when unknown
 * @param macros     the node's macros (shard, replica, ...), as the server expands them in DDL
 */
public record Node(String host, int httpPort, int nativePort, int shard, int replicaNum,
                   String replicaName, Map<String, String> macros) {

    /** How operators name the node: {@code host:httpPort}. */
    public String id() {
        return host + ":" + httpPort;
    }

    /** The node id reduced to characters safe inside a query_id or file name. */
    public String slug() {
        return id().replaceAll("[^A-Za-z0-9]", "_");
    }

    /** True when {@code hostPort} names this node by its HTTP or its native address. */
    public boolean matches(String hostPort) {
        return id().equals(hostPort) || (nativePort > 0 && (host + ":" + nativePort).equals(hostPort));
    }
}

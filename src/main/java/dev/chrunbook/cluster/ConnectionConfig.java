package dev.chrunbook.cluster;

import dev.chrunbook.Node;

import dev.chrunbook.clickhouse.Credentials;
import dev.chrunbook.ssh.SshSettings;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How to reach the cluster: a seed node to discover it from, or declared nodes; credentials.
 *
 * @param httpPort  HTTP port of discovered nodes unless {@code httpPorts} maps their native address
 * @param httpPorts native address as in system.clusters ({@code host:port}) to that node's HTTP port
 * @param ssh       how to reach the nodes' machines for host checks; empty when not configured
 * @param distributedDdl the operator's word on whether ON CLUSTER and replication work here; empty: ask the cluster
 */
public record ConnectionConfig(
        Optional<String> seed,
        List<Node> declaredNodes,
        Credentials credentials,
        boolean tls,
        int httpPort,
        Map<String, Integer> httpPorts,
        Optional<SshSettings> ssh,
        Optional<Boolean> distributedDdl,
        Path file) {

    public int httpPortFor(String host, int nativePort) {
        return httpPorts.getOrDefault(host + ":" + nativePort, httpPort);
    }
}

package dev.chrunbook.cluster;

import dev.chrunbook.Node;

import dev.chrunbook.ChrunbookException;
import dev.chrunbook.ClusterForm;
import dev.chrunbook.ExitCode;
import dev.chrunbook.clickhouse.ClickHouseClient;
import dev.chrunbook.clickhouse.ClickHouseConnector;
import dev.chrunbook.clickhouse.ClickHouseException;
import dev.chrunbook.clickhouse.ServerError;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the {@link Topology}: from the declared nodes of the connection file, or by asking a seed
 * node's system.clusters and then every node its macros. Both paths give the same model.
 */
public final class TopologyResolver {
    private final ClickHouseConnector connector;

    public TopologyResolver(ClickHouseConnector connector) {
        this.connector = connector;
    }

    public Topology resolve(ConnectionConfig config, String cluster) {
        Topology t = config.seed().isPresent() ? discover(config, cluster) : declared(config, cluster);
        return t.withForm(form(config, t.nodes().get(0)));
    }

    /**
     * The connection file's word, else the first node's: ON CLUSTER and replication need ZooKeeper or
     * Keeper, so a node without one configured takes DDL node by node. One that is configured but does
     * not answer is an error, never a reason to send DDL node by node to a replicated cluster.
     */
    ClusterForm form(ConnectionConfig config, Node node) {
        if (config.distributedDdl().isPresent()) {
            String said = config.file() + " says distributed_ddl: " + config.distributedDdl().get();
            return config.distributedDdl().get() ? ClusterForm.withKeeper(said) : ClusterForm.perNode(said);
        }
        try (ClickHouseClient client = connector.connect(node.host(), node.httpPort())) {
            client.select("SELECT count() FROM system.zookeeper WHERE path = '/'");
            return ClusterForm.withKeeper("ZooKeeper answers on " + node.id());
        } catch (ClickHouseException e) {
            String m = String.valueOf(e.getMessage());
            if (e.connectionLost()) {
                // ON CLUSTER is what fails safe: sent where it is not taken, it is refused, never run twice
                return ClusterForm.withKeeper("assumed: " + node.id() + " did not answer (" + firstLine(m) + ")");
            }
            if (ServerError.KEEPER_EXCEPTION.in(e)) {
                throw new ChrunbookException(ExitCode.STEP_FAILED, "ZooKeeper is configured on " + node.id() + " but does not answer ("
                        + firstLine(m) + "); bring it back, or say distributed_ddl: true|false in the connection file", e);
            }
            return ClusterForm.perNode("no ZooKeeper or Keeper on " + node.id() + " (system.zookeeper: " + firstLine(m) + ")");
        }
    }

    private static String firstLine(String m) {
        String one = m.strip().lines().findFirst().orElse("");
        return one.length() > 160 ? one.substring(0, 157) + "..." : one;
    }

    /** Declared nodes get replica numbers in the order they are listed within their shard. */
    public static Topology declared(ConnectionConfig config, String cluster) {
        Map<Integer, Integer> counters = new HashMap<>();
        List<Node> nodes = new ArrayList<>();
        for (Node n : config.declaredNodes()) {
            int replicaNum = counters.merge(n.shard(), 1, Integer::sum);
            nodes.add(new Node(n.host(), n.httpPort(), n.nativePort(), n.shard(), replicaNum, n.replicaName(), n.macros()));
        }
        return new Topology(cluster, nodes);
    }

    private Topology discover(ConnectionConfig config, String cluster) {
        String seed = config.seed().orElseThrow();
        int colon = seed.lastIndexOf(':');
        List<List<String>> rows;
        try (ClickHouseClient client = connector.connect(seed.substring(0, colon), Integer.parseInt(seed.substring(colon + 1)))) {
            rows = client.select("SELECT shard_num, replica_num, host_name, port FROM system.clusters WHERE cluster = '"
                    + cluster.replace("'", "") + "' ORDER BY shard_num, replica_num");
            if (rows.isEmpty()) {
                List<String> known = client.select("SELECT DISTINCT cluster FROM system.clusters ORDER BY cluster")
                        .stream().map(r -> r.get(0)).toList();
                throw ChrunbookException.invalidInput("unknown cluster '" + cluster + "' on seed " + seed
                        + " (clusters there: " + String.join(", ", known) + "); fix 'cluster:' in the runbook");
            }
        } catch (ClickHouseException e) {
            throw unreachable(seed, e);
        }
        List<Node> nodes = new ArrayList<>();
        for (List<String> r : rows) {
            String host = r.get(2);
            int nativePort = Integer.parseInt(r.get(3));
            int httpPort = config.httpPortFor(host, nativePort);
            Map<String, String> macros = macros(host, httpPort);
            int shard = Integer.parseInt(r.get(0));
            nodes.add(new Node(host, httpPort, nativePort, shard, Integer.parseInt(r.get(1)),
                    macros.getOrDefault("replica", host + ":" + httpPort), Map.copyOf(macros)));
        }
        return new Topology(cluster, nodes);
    }

    private Map<String, String> macros(String host, int httpPort) {
        try (ClickHouseClient client = connector.connect(host, httpPort)) {
            Map<String, String> macros = new LinkedHashMap<>();
            for (List<String> r : client.select("SELECT macro, substitution FROM system.macros ORDER BY macro")) {
                macros.put(r.get(0), r.get(1));
            }
            return macros;
        } catch (ClickHouseException e) {
            throw unreachable(host + ":" + httpPort, e);
        }
    }

    private static ChrunbookException unreachable(String address, ClickHouseException e) {
        return new ChrunbookException(ExitCode.STEP_FAILED, "node " + address + " is unreachable: " + e.getMessage()
                + "; check the node, or the connection file's seed/http_port/http_ports", e);
    }
}

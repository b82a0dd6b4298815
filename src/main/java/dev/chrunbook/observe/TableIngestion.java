package dev.chrunbook.observe;

import dev.chrunbook.Node;
import dev.chrunbook.catalog.Catalog;
import dev.chrunbook.clickhouse.ClickHouseClient;
import dev.chrunbook.clickhouse.ClickHouseConnector;
import dev.chrunbook.cluster.Topology;
import dev.chrunbook.runbook.Target;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How much each of some tables is being fed now, over the cluster: the rows inserted over the last
 * minute and the age of the newest insert, from one replica of each shard (replication carries the
 * rest). What status and the dashboard show of both tables while a revert window is open: the new
 * table fed by the main view, the old one by the catch-up.
 */
public final class TableIngestion {
    static final int SECONDS = 60;

    /** @param newestAgeSeconds the newest insert's age on the freshest shard; empty when no shard has one */
    public record Fed(String table, long rowsLastMinute, Optional<Long> newestAgeSeconds) {
        public String describe() {
            return String.format("%s %,d rows in the last minute, %s", table, rowsLastMinute,
                    newestAgeSeconds.map(s -> "newest insert " + s + " s ago").orElse("no recent insert"));
        }
    }

    private final ClickHouseConnector connector;
    private final Topology topology;

    public TableIngestion(ClickHouseConnector connector, Topology topology) {
        this.connector = connector;
        this.topology = topology;
    }

    public List<Fed> read(String database, List<String> tables) {
        Map<String, Long> rows = new LinkedHashMap<>();
        Map<String, Optional<Long>> newest = new LinkedHashMap<>();
        tables.forEach(t -> {
            rows.put(t, 0L);
            newest.put(t, Optional.empty());
        });
        for (Node node : topology.nodesFor(Target.ONE_REPLICA_PER_SHARD)) {
            try (ClickHouseClient client = connector.connect(node.host(), node.httpPort())) {
                new Catalog(client).newParts(database, tables, SECONDS).forEach((table, parts) -> {
                    rows.merge(table, parts.rows(), Long::sum);
                    newest.put(table, min(newest.get(table), parts.newestAgeSeconds()));
                });
            }
        }
        List<Fed> out = new ArrayList<>();
        tables.forEach(t -> out.add(new Fed(t, rows.get(t), newest.get(t))));
        return out;
    }

    private static Optional<Long> min(Optional<Long> a, Optional<Long> b) {
        return a.isEmpty() ? b : b.isEmpty() ? a : Optional.of(Math.min(a.get(), b.get()));
    }
}

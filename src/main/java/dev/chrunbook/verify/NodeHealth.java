package dev.chrunbook.verify;

import dev.chrunbook.clickhouse.ClickHouseClient;
import dev.chrunbook.clickhouse.ClickHouseConnector;
import dev.chrunbook.clickhouse.ClickHouseException;
import dev.chrunbook.clickhouse.Table;
import dev.chrunbook.SqlQuoting;
import dev.chrunbook.Node;

import java.util.Optional;

/**
 * Built-in checks of one node before a runbook starts: reachable, its version, and the replicas of
 * the runbook's database healthy (not read-only, session alive, short queue).
 */
public final class NodeHealth {
    private static final int MAX_QUEUE = 100;

    private final ClickHouseConnector connector;

    public NodeHealth(ClickHouseConnector connector) {
        this.connector = connector;
    }

    public record Result(Node node, String version, Optional<String> problems) {
    }

    public Result check(Node node, String database) {
        try (ClickHouseClient client = connector.connect(node.host(), node.httpPort())) {
            Table replicas = client.table("SELECT table, is_readonly, is_session_expired, queue_size, absolute_delay"
                    + " FROM system.replicas WHERE database = " + SqlQuoting.literal(database)
                    + " AND (is_readonly OR is_session_expired OR queue_size > " + MAX_QUEUE + ")");
            Optional<String> problems = replicas.rows().isEmpty() ? Optional.empty()
                    : Optional.of("unhealthy replicas:\n" + replicas.format(20));
            return new Result(node, client.version().text(), problems);
        } catch (ClickHouseException e) {
            return new Result(node, "?", Optional.of("unreachable: " + e.getMessage()));
        }
    }
}

package dev.chrunbook.current;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chrunbook.clickhouse.ClickHouseClient;
import dev.chrunbook.clickhouse.ClickHouseConnector;
import dev.chrunbook.clickhouse.ClickHouseException;
import dev.chrunbook.clickhouse.ServerVersion;
import dev.chrunbook.clickhouse.Table;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * chrunbook's client seam backed by the local engine, so that its own catalog and server-fact code
 * (ClusterFacts, ServerFacts) reads a current server for real.
 */
final class EngineClient implements ClickHouseClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LocalEngine engine;

    EngineClient(LocalEngine engine) {
        this.engine = engine;
    }

    static ClickHouseConnector connector(LocalEngine engine) {
        return (host, port) -> new EngineClient(engine);
    }

    /** Query ids of statements that ran: the embedded engine keeps no query_log, so this client answers for it. */
    private static final java.util.Set<String> FINISHED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    @Override
    public void execute(String sql, String queryId, Map<String, String> settings) {
        if (sql.equals("SYSTEM FLUSH LOGS")) {
            return;
        }
        try {
            engine.query(sql, settings);
            if (queryId != null) {
                FINISHED.add(queryId);
            }
        } catch (LocalEngine.EngineException e) {
            throw new ClickHouseException(e.getMessage(), e, false);
        }
    }

    @Override
    public Table table(String sql, Map<String, String> settings) {
        return table(sql);
    }

    @Override
    public Table table(String sql) {
        java.util.regex.Matcher id = java.util.regex.Pattern.compile("query_id = '([^']*)'").matcher(sql);
        if (id.find() && (sql.contains("system.query_log") || sql.contains("system.processes"))) {
            // one statement at a time, to its end: nothing is running, and what ran finished
            boolean ended = sql.contains("system.query_log") && FINISHED.contains(id.group(1));
            return new Table(List.of("type", "exception", "read_rows", "written_rows", "query_duration_ms"),
                    ended ? List.of(List.of("2", "", "0", "0", "0")) : List.of());
        }
        try {
            JsonNode r = JSON.readTree(engine.query(sql + " FORMAT JSONCompact"));
            List<String> columns = new ArrayList<>();
            r.get("meta").forEach(m -> columns.add(m.get("name").asText()));
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode row : r.get("data")) {
                List<String> cells = new ArrayList<>();
                row.forEach(c -> cells.add(c.isNull() ? null : c.isValueNode() ? c.asText() : c.toString()));
                rows.add(cells);
            }
            return new Table(columns, rows);
        } catch (LocalEngine.EngineException e) {
            throw new ClickHouseException(e.getMessage(), e, false);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public ServerVersion version() {
        return ServerVersion.parse(engine.query("SELECT version()"));
    }

    @Override
    public void close() {
    }
}

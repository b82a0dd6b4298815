package dev.chrunbook.exec;

import dev.chrunbook.clickhouse.ClickHouseClient;
import dev.chrunbook.clickhouse.ClickHouseConnector;
import dev.chrunbook.clickhouse.ClickHouseException;
import dev.chrunbook.clickhouse.ServerFacts;
import dev.chrunbook.ChrunbookException;
import dev.chrunbook.ExitCode;
import dev.chrunbook.render.NodeFacts;
import dev.chrunbook.render.SqlQuoting;
import dev.chrunbook.state.RunState;
import dev.chrunbook.topology.Node;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Facts for templates read from the cluster (read-only catalog lookups, cached per run) and from
 * the run's state.
 */
public final class ClusterFacts implements NodeFacts {
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    private final ClickHouseConnector connector;
    private final Supplier<RunState> state;
    private final ServerFacts server;
    private final Map<String, List<Map<String, Object>>> columns = new ConcurrentHashMap<>();

    public ClusterFacts(ClickHouseConnector connector, ServerFacts server, Supplier<RunState> state) {
        this.connector = connector;
        this.server = server;
        this.state = state;
    }

    @Override
    public long freeDiskBytes(Node node) {
        return server.freeDiskBytes(node);
    }

    @Override
    public String serverSetting(Node node, String name, String fallback) {
        return server.serverSetting(node, name, fallback);
    }

    @Override
    public List<Map<String, Object>> columns(Node node, String database, String table) {
        return columns.computeIfAbsent(node.id() + "/" + database + "." + table, k -> read(node, database, table));
    }

    @Override
    public Optional<String> stepStarted(String stepId) {
        return Optional.ofNullable(state.get()).flatMap(s -> s.firstStart(stepId)).map(SECONDS::format);
    }

    @Override
    public Optional<String> stepFinished(String stepId) {
        return Optional.ofNullable(state.get()).flatMap(s -> s.lastFinish(stepId)).map(SECONDS::format);
    }

    private List<Map<String, Object>> read(Node node, String database, String table) {
        try (ClickHouseClient client = connector.connect(node.host(), node.httpPort())) {
            List<Map<String, Object>> out = new ArrayList<>();
            for (List<String> r : client.select("SELECT name, type, default_kind, default_expression FROM system.columns"
                    + " WHERE database = " + SqlQuoting.literal(database) + " AND table = " + SqlQuoting.literal(table))) {
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("name", r.get(0));
                c.put("type", r.get(1));
                c.put("default_kind", r.get(2) == null ? "" : r.get(2));
                c.put("default_expression", r.get(3) == null ? "" : r.get(3));
                out.add(c);
            }
            return out;
        } catch (ClickHouseException e) {
            throw new ChrunbookException(ExitCode.STEP_FAILED, "cannot read columns of " + database + "." + table
                    + " on " + node.id() + ": " + e.getMessage(), e);
        }
    }
}

package dev.chrunbook.facts;

import dev.chrunbook.catalog.Catalog;
import dev.chrunbook.catalog.PartitionFilter;

import dev.chrunbook.render.MissingObjectException;

import dev.chrunbook.clickhouse.ClickHouseClient;
import dev.chrunbook.clickhouse.ClickHouseConnector;
import dev.chrunbook.clickhouse.ClickHouseException;
import dev.chrunbook.ChrunbookException;
import dev.chrunbook.ExitCode;
import dev.chrunbook.render.NodeFacts;
import dev.chrunbook.state.NodeState;
import dev.chrunbook.state.RunState;
import dev.chrunbook.state.Status;
import dev.chrunbook.Node;

import java.time.Instant;
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
 * Facts for templates read from the cluster (read-only catalog lookups, read anew at each render;
 * a started step's definitions come from its state, so it renders what it ran) and from the run's state.
 */
public final class ClusterFacts implements NodeFacts {
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    private final ClickHouseConnector connector;
    private final Supplier<RunState> state;
    private final ServerFacts server;
    private final Map<String, Map<String, String>> definitionsRead = new ConcurrentHashMap<>();

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
        // never cached: a step reads the catalog as the steps before it in the same run left it
        return read(node, database, table);
    }

    @Override
    public Optional<String> definition(String stepId, Node node, String database, String table) {
        String text = pinned(stepId, node, database, table);
        if (text.isEmpty()) {
            throw missing(stepId == null ? "check" : stepId, node, database, table);
        }
        return Optional.of(text);
    }

    @Override
    public String databaseEngine(Node node, String database) {
        try (ClickHouseClient client = connector.connect(node.host(), node.httpPort())) {
            return new Catalog(client).databaseEngine(database).orElse("");
        } catch (ClickHouseException e) {
            throw new ChrunbookException(ExitCode.STEP_FAILED, "cannot read the engine of database " + database + " on " + node.id()
                    + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String partitionsWrittenAfter(Node node, String database, String table, Instant moment) {
        try (ClickHouseClient client = connector.connect(node.host(), node.httpPort())) {
            Catalog catalog = new Catalog(client);
            return PartitionFilter.where(catalog.partitionKey(database, table).orElse(""),
                    catalog.partitionsWrittenAfter(database, table, moment));
        } catch (ClickHouseException e) {
            throw new ChrunbookException(ExitCode.STEP_FAILED, "cannot read the parts of " + database + "." + table + " on " + node.id()
                    + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean exists(String stepId, Node node, String database, String table) {
        return !pinned(stepId, node, database, table).isEmpty();
    }

    /**
     * The table's definition ("" when it is not there) as the step's started attempt kept it, else as
     * the node's catalog has it now, kept for the attempt about to start.
     */
    private String pinned(String stepId, Node node, String database, String table) {
        String key = database + "." + table;
        RunState s = state.get();
        NodeState ns = s == null || stepId == null ? NodeState.pending() : s.node(stepId, node.id());
        String text = (ns.status() == Status.DONE || ns.status() == Status.RUNNING) && ns.definitions().containsKey(key)
                ? ns.definitions().get(key)
                : readDefinition(node, database, table);
        if (stepId != null) {
            definitionsRead.computeIfAbsent(stepId + "|" + node.id(), k -> new ConcurrentHashMap<>()).put(key, text);
        }
        return text;
    }

    @Override
    public Map<String, String> definitionsRead(String stepId, Node node) {
        return Map.copyOf(definitionsRead.getOrDefault(stepId + "|" + node.id(), Map.of()));
    }

    @Override
    public Optional<String> stepStarted(String stepId) {
        return Optional.ofNullable(state.get()).flatMap(s -> s.firstStart(stepId)).map(SECONDS::format);
    }

    @Override
    public Optional<String> stepFinished(String stepId) {
        return Optional.ofNullable(state.get()).flatMap(s -> s.lastFinish(stepId)).map(SECONDS::format);
    }

    private String readDefinition(Node node, String database, String table) {
        try (ClickHouseClient client = connector.connect(node.host(), node.httpPort())) {
            return new Catalog(client).definition(database, table).orElse("");
        } catch (ClickHouseException e) {
            throw new ChrunbookException(ExitCode.STEP_FAILED, "cannot read the definition of " + database + "." + table
                    + " on " + node.id() + ": " + e.getMessage(), e);
        }
    }

    private static ChrunbookException missing(String stepId, Node node, String database, String table) {
        return new MissingObjectException(database, table, "table " + database + "." + table + " does not exist on "
                + node.id() + " (shard " + node.shard() + "), and step '" + stepId + "' is built from its definition:"
                + " check the runbook's vars (--set) or create it on that node; nothing was executed");
    }

    private List<Map<String, Object>> read(Node node, String database, String table) {
        try (ClickHouseClient client = connector.connect(node.host(), node.httpPort())) {
            List<Map<String, Object>> out = new ArrayList<>();
            for (Catalog.Column column : new Catalog(client).columns(database, table)) {
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("name", column.name());
                c.put("type", column.type());
                c.put("default_kind", column.defaultKind());
                c.put("default_expression", column.defaultExpression());
                c.put("comment", column.comment());
                out.add(c);
            }
            if (out.isEmpty()) {
                throw missing("table_columns", node, database, table);
            }
            return out;
        } catch (ClickHouseException e) {
            throw new ChrunbookException(ExitCode.STEP_FAILED, "cannot read columns of " + database + "." + table
                    + " on " + node.id() + ": " + e.getMessage(), e);
        }
    }
}

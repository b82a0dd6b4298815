package dev.chrunbook.current;

import dev.chrunbook.apply.NodeWork;
import dev.chrunbook.kinds.Kinds;
import dev.chrunbook.kinds.Services;
import dev.chrunbook.state.StateStore;
import dev.chrunbook.clickhouse.ClickHouseConnector;
import dev.chrunbook.facts.ServerFacts;
import dev.chrunbook.facts.ClusterFacts;
import dev.chrunbook.render.RenderedStatement;
import dev.chrunbook.render.SqlRenderer;
import dev.chrunbook.runbook.Runbook;
import dev.chrunbook.runbook.RunbookLoader;
import dev.chrunbook.runbook.Step;
import dev.chrunbook.state.NodeState;
import dev.chrunbook.state.RunState;
import dev.chrunbook.state.Status;
import dev.chrunbook.testing.LocalCluster;
import dev.chrunbook.Node;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every statement the current-version runbook (runbooks/posthog-events-reorder) renders, executed
 * for real on a current ClickHouse engine (26.7, embedded) over a PostHog-shaped schema of current
 * ClickHouse: DateTime64, JSONExtractRaw materialized columns, a DEFAULT and an ALIAS column, a
 * CODEC, a TTL, skipping indices and a projection. Rendering goes through chrunbook's own catalog
 * and server-fact code against that engine. Only replication is rewritten ({@link LocalRewrite}).
 */
@Execution(ExecutionMode.CONCURRENT) // it needs no local cluster: it runs beside the classes that do
class CurrentRunbookIT {
    private static final Path RUNBOOK = LocalCluster.ROOT.resolve("runbooks/posthog-events-reorder/runbook.yaml");
    private static final Node NODE = new Node("127.0.0.1", 8123, 9000, 1, 1, "r1", Map.of("shard", "1", "replica", "r1"));
    private static final String STAGING = "posthog.sharded_events_by_event";
    private static final String STORED = "uuid, event, properties, timestamp, team_id, distinct_id, elements_hash, created_at,"
            + " _timestamp, _offset, elements_chain, app_version";

    @TempDir
    Path tmp;

    private final Map<String, Map<String, NodeState>> steps = new LinkedHashMap<>();
    private LocalEngine engine;
    private static final Kinds KINDS = new Kinds();
    private SqlRenderer renderer;
    private Runbook runbook;

    @AfterEach
    void endTheSession() {
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void everyStatementOfTheCurrentRunbookRunsOnACurrentEngine() throws Exception {
        engine = new LocalEngine(tmp);
        createSchema();
        runbook = KINDS.loader().load(RUNBOOK, Map.of("kafka_brokers", "127.0.0.1:9092", "kafka_topic", "current_engine_events",
                "min_backup_age_seconds", "0", "cutover", "recreate", // the drop-and-recreate cut-over runs here; the exchange's SQL is parsed below
                "copy_parallel", "1", "main_group", "")); // the embedded engine runs one query at a time, and there is no Kafka
        ClickHouseConnector connector = EngineClient.connector(engine);
        ClusterFacts facts = new ClusterFacts(connector, new ServerFacts(connector, Optional.empty()),
                () -> new RunState(runbook.name(), "20261201_000000_abcd", Instant.now(), steps));
        renderer = new SqlRenderer(runbook, "20261201_000000_abcd", List.of(LocalCluster.ROOT.resolve("templates")), facts);
        String viewBefore = definition("events_mv");
        String kafkaBefore = definition("kafka_events_json");

        int executed = 0;
        for (Step step : runbook.steps()) {
            executed += run(step);
            if (step.id().equals("schema-gate")) {
                plantedFaultsFailTheirGates();
            }
            if (step.id().equals("swap")) {
                for (RenderedStatement s : renderer.render(step.rollbackStep(), NODE)) {
                    engine.query("EXPLAIN AST " + LocalRewrite.forLocal(s.sql())); // the rollback parses; running it would undo the swap
                }
            }
        }
        // the default cut-over (exchange: EXCHANGE TABLES in an Atomic database, the window mended through
        // Distributed tables, the second feed ended) as the current engine parses it; CutoverWindowIT runs it on a cluster
        Runbook exchange = KINDS.loader().load(RUNBOOK, Map.of("kafka_brokers", "127.0.0.1:9092", "kafka_topic", "current_engine_events",
                "min_backup_age_seconds", "0", "main_group", ""));
        SqlRenderer exchangeRenderer = new SqlRenderer(exchange, "20261201_000000_abcd", List.of(LocalCluster.ROOT.resolve("templates")), facts);
        List<String> parsed = new ArrayList<>();
        for (Step step : List.of(exchange.step("swap"), exchange.step("swap").rollbackStep(), exchange.step("mend"),
                exchange.step("end-feed"), exchange.step("drop-backup"))) {
            for (RenderedStatement s : exchangeRenderer.render(step, NODE)) {
                engine.query("EXPLAIN AST " + LocalRewrite.forLocal(s.sql()));
                parsed.add(s.sql().strip().split("\\s+")[0]);
            }
        }
        assertTrue(parsed.contains("EXCHANGE") && parsed.contains("INSERT") && parsed.contains("SYSTEM"), "the exchange's statements: " + parsed);

        // materialized-columns adds nothing since staging keeps its MATERIALIZED columns (materialized: copy)
        assertTrue(executed >= 35, "statements executed: " + executed);

        // after the swap: the new sort key, every column kind, the same view and (but for the group) Kafka table
        assertTrue(engine.query("SELECT sorting_key FROM system.tables WHERE database = 'posthog' AND name = 'sharded_events'")
                .startsWith("team_id, toDate(timestamp), event"));
        assertEquals("app_version\tDEFAULT\nday\tALIAS\n$group_0\tMATERIALIZED\n$session_id\tMATERIALIZED",
                engine.query("SELECT name, default_kind FROM system.columns WHERE database = 'posthog' AND table = 'sharded_events'"
                        + " AND default_kind != '' ORDER BY position"));
        assertEquals("idx_event\nidx_group0", engine.query("SELECT name FROM system.data_skipping_indices WHERE database = 'posthog'"
                + " AND table = 'sharded_events' ORDER BY name"));
        assertEquals(0, Long.parseLong(engine.query("SELECT countIf(`$group_0` != replaceRegexpAll(JSONExtractRaw(properties, '$group_0'),"
                + " '^\"|\"$', '')) FROM posthog.sharded_events")));
        assertEquals(viewBefore, definition("events_mv"), "the main view is recreated as it was");
        assertEquals(kafkaBefore.replace("'clickhouse_events_main'", "'clickhouse_events_catchup_20261201_000000_abcd'"),
                definition("kafka_events_json"), "the main Kafka table is the one that was there, in the catch-up's group");
        assertEquals("0", engine.query("SELECT count() FROM system.tables WHERE database = 'posthog' AND name LIKE '%backup%'"),
                "drop-backup dropped the backup");
    }

    @Test
    void aFunctionTheCurrentEngineLacksFailsTheLayer() throws Exception {
        engine = new LocalEngine(tmp);
        Path dir = Files.createDirectories(tmp.resolve("old"));
        Files.writeString(dir.resolve("runbook.yaml"), """
                name: old-sql
                cluster: posthog
                database: system
                steps:
                  - id: old
                    on: first-node
                    sql: SELECT visitParamExtractRawOld(toString(dummy), 'x') FROM system.one
                """);
        Runbook old = KINDS.loader().load(dir.resolve("runbook.yaml"), Map.of());
        String sql = new SqlRenderer(old, "r", List.of()).render(old.steps().get(0), NODE).get(0).sql();
        LocalEngine.EngineException e = assertThrows(LocalEngine.EngineException.class, () -> engine.query(sql));
        assertEquals(46, e.code, e.getMessage());
    }

    /** Runs a step as chrunbook would on one node, keeping its state (start, definitions read); returns statements executed. */
    private int run(Step step) {
        Map<String, String> settings = new LinkedHashMap<>(runbook.settings());
        settings.putAll(step.settings());
        steps.computeIfAbsent(step.id(), k -> new LinkedHashMap<>()).put(NODE.id(), NodeState.pending().startAttempt(Instant.now()));
        int executed = 0;
        NodeWork work = KINDS.of(step).work(step, NODE, renderer, settings, false);
        if (List.of("chunked-copy", "partition-dedupe", "slice-verify").contains(step.kind())) {
            // built in, and run by chrunbook's own code against the engine, as on a server
            NodeState end = KINDS.of(step).apply(work, services(step));
            assertEquals(Status.DONE, end.status(), "step " + step.id() + ": " + end);
            // a statement per chunk or partition sent; a slice verified reads at least two
            executed += end.chunks().stream().mapToInt(c -> step.kind().equals("slice-verify") ? 2 : c.attempts()).sum();
        } else if (work.params().isEmpty()) { // Kafka steps need brokers: what they render is checked by plan and validate
            for (String q : work.asserts()) {
                assertEquals("", query(q), "step " + step.id() + " finds a problem in:\n" + q);
                executed++;
            }
            boolean skip = work.check().isPresent() && "1".equals(query(work.check().get()));
            for (RenderedStatement s : skip ? List.<RenderedStatement>of() : work.statements()) {
                String sql = LocalRewrite.forLocal(s.sql());
                engine.query(LocalRewrite.parseOnly(sql) ? "EXPLAIN AST " + sql : sql, LocalRewrite.parseOnly(sql) ? Map.of() : settings);
                executed++;
            }
        }
        steps.get(step.id()).put(NODE.id(), NodeState.pending().startAttempt(steps.get(step.id()).get(NODE.id()).started(),
                work.definitions()).finish(Status.DONE, Instant.now(), null, null));
        return executed;
    }

    /** What the built-in kinds apply with: the engine as the node, a state of their own. */
    private Services services(Step step) {
        ClickHouseConnector connector = EngineClient.connector(engine);
        StateStore store = StateStore.open(tmp.resolve("state"), runbook.name(), "20261201_000000_abcd", java.time.Clock.systemUTC());
        steps.forEach((id, nodes) -> nodes.forEach((node, state) -> store.update(id, node, s -> state)));
        return new Services(store, null, new Services.Probes(connector, brokers -> { throw new IllegalStateException("no Kafka"); },
                d -> { }, n -> Long.MAX_VALUE, "posthog"), null, "posthog", d -> { }, new dev.chrunbook.observe.ExecutionListener() { },
                new dev.chrunbook.apply.StatementSender(new dev.chrunbook.apply.Cancellations(connector), dev.chrunbook.Sleeper.REAL));
    }

    private String query(String sql) {
        String local = LocalRewrite.forLocal(sql);
        if (LocalRewrite.parseOnly(local)) {
            engine.query("EXPLAIN AST " + local);
            return "";
        }
        return engine.query(local);
    }

    private String checkRows(String stepId) {
        StringBuilder out = new StringBuilder();
        Step step = runbook.step(stepId);
        for (RenderedStatement s : renderer.render(step, NODE)) {
            out.append(query(s.sql()));
        }
        return out.toString();
    }

    private void plantedFaultsFailTheirGates() {
        String gone = engine.query("SELECT toString(uuid) FROM " + STAGING + " ORDER BY uuid LIMIT 1");
        engine.query("ALTER TABLE " + STAGING + " DELETE WHERE uuid = '" + gone + "' SETTINGS mutations_sync = 2");
        String missing = verify();
        assertTrue(missing.contains("id missing in the new table") && missing.contains(gone), missing);
        engine.query("INSERT INTO " + STAGING + " (" + STORED + ") SELECT " + STORED + " FROM posthog.sharded_events"
                + " WHERE uuid = '" + gone + "' LIMIT 1");
        assertEquals("", verify(), "repaired");

        String twice = engine.query("SELECT toString(uuid) FROM " + STAGING + " ORDER BY uuid DESC LIMIT 1");
        engine.query("INSERT INTO " + STAGING + " (" + STORED + ") SELECT " + STORED + " FROM " + STAGING + " WHERE uuid = '" + twice + "'");
        String doubled = verify();
        assertTrue(doubled.contains("id more than once in the new table") && doubled.contains(twice), doubled);
        engine.query("OPTIMIZE TABLE " + STAGING + " FINAL DEDUPLICATE");
        assertEquals("", verify(), "deduplicated again");

        engine.query("ALTER TABLE " + STAGING + " MODIFY COLUMN app_version String DEFAULT 'v2'");
        String schema = checkRows("schema-gate");
        assertTrue(schema.contains("column app_version") && schema.contains("DEFAULT \\'v2\\'"), schema);
        engine.query("ALTER TABLE " + STAGING + " MODIFY COLUMN app_version String DEFAULT 'v1' COMMENT 'client version'");
        assertEquals("", checkRows("schema-gate"), "restored");
    }

    /** The verify step applied by chrunbook's own code against the engine, afresh: its problems, or "" when it passes. */
    private String verify() {
        Step step = runbook.step("verify");
        NodeWork work = KINDS.of(step).work(step, NODE, renderer, Map.of(), false);
        NodeState end = KINDS.of(step).apply(work, services(step));
        return end.status() == Status.DONE ? "" : String.valueOf(end.error());
    }

    private String definition(String table) {
        return engine.query("SELECT create_table_query FROM system.tables WHERE database = 'posthog' AND name = '" + table
                + "' FORMAT TSVRaw");
    }

    /** PostHog's events schema as a current server has it, replication rewritten for one local engine. */
    private void createSchema() {
        String strip = "replaceRegexpAll(JSONExtractRaw(properties, '%s'), concat('^[', regexpQuoteMeta('\"'), ']*|[',"
                + " regexpQuoteMeta('\"'), ']*$'), '')";
        String base = "uuid UUID, event String, properties String CODEC(ZSTD(3)), timestamp DateTime64(6, 'UTC'), team_id Int64,"
                + " distinct_id String, elements_hash String, created_at DateTime64(6, 'UTC'), _timestamp DateTime, _offset UInt64,"
                + " elements_chain String";
        engine.query(LocalRewrite.forLocal("CREATE DATABASE posthog;"
                + " CREATE TABLE posthog.sharded_events ON CLUSTER posthog (" + base + ","
                + " app_version String DEFAULT 'v1' COMMENT 'client version', day Date ALIAS toDate(timestamp),"
                + " `$group_0` String MATERIALIZED " + String.format(strip, "$group_0") + ","
                + " `$session_id` String MATERIALIZED " + String.format(strip, "$session_id") + ","
                + " INDEX idx_group0 `$group_0` TYPE bloom_filter GRANULARITY 4, INDEX idx_event event TYPE set(100) GRANULARITY 2,"
                + " PROJECTION per_team (SELECT team_id, count() GROUP BY team_id))"
                + " ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/posthog.sharded_events', '{replica}', _timestamp)"
                + " PARTITION BY toYYYYMM(timestamp) ORDER BY (team_id, toDate(timestamp), cityHash64(distinct_id), cityHash64(uuid))"
                + " SAMPLE BY cityHash64(distinct_id) TTL toDate(timestamp) + INTERVAL 20 YEAR SETTINGS index_granularity = 4096, deduplicate_merge_projection_mode = 'rebuild';"
                + " CREATE TABLE posthog.writable_events (" + base + ", app_version String)"
                + " ENGINE = Distributed(posthog, posthog, sharded_events, sipHash64(distinct_id));"
                + " CREATE TABLE posthog.events (" + base + ", app_version String)"
                + " ENGINE = Distributed(posthog, posthog, sharded_events, sipHash64(distinct_id));"
                + " CREATE TABLE posthog.kafka_events_json (uuid String, event String, properties String, timestamp DateTime64(6, 'UTC'),"
                + " team_id Int64, distinct_id String, created_at DateTime64(6, 'UTC'), elements_chain String, app_version String)"
                + " ENGINE = Kafka SETTINGS kafka_broker_list = '127.0.0.1:9092', kafka_topic_list = 'current_engine_events',"
                + " kafka_group_name = 'clickhouse_events_main', kafka_format = 'JSONEachRow', kafka_skip_broken_messages = 100,"
                + " kafka_num_consumers = 1;"
                + " CREATE MATERIALIZED VIEW posthog.events_mv TO posthog.writable_events AS SELECT toUUID(uuid) AS uuid, event,"
                + " properties, timestamp, team_id, distinct_id, '' AS elements_hash, created_at, _timestamp, _offset, elements_chain,"
                + " app_version FROM posthog.kafka_events_json;"
                + " INSERT INTO posthog.sharded_events (" + STORED + ") SELECT generateUUIDv4(), ['$pageview', 'signup'][number % 2 + 1],"
                + " concat('{\"$group_0\":\"g', toString(number % 10), '\",\"$session_id\":\"s', toString(number % 77), '\"}'),"
                + " toDateTime64('2025-01-01 00:00:00', 6, 'UTC') + number * 600, toInt64(number % 5), concat('u', toString(number % 300)),"
                + " '', now64(6, 'UTC'), now() - 3600, number, '', concat('v', toString(number % 4)) FROM numbers(20000);"
                // exact duplicates in a part of their own
                + " INSERT INTO posthog.sharded_events (" + STORED + ") SELECT " + STORED + " FROM posthog.sharded_events"
                + " WHERE cityHash64(uuid) % 50 = 0"));
    }
}

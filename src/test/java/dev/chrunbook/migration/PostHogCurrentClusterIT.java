package dev.chrunbook.migration;

import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import dev.chrunbook.testing.CurrentClusterLock;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chrunbook.ddl.CreateQuery;
import dev.chrunbook.ddl.SchemaDiff;
import dev.chrunbook.testing.Cli;
import dev.chrunbook.testing.CurrentCluster;
import dev.chrunbook.testing.LocalCluster;
import dev.chrunbook.testing.PostHogSchema;
import dev.chrunbook.testing.RowValues;
import dev.chrunbook.testing.Waits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shipped runbook (runbooks/posthog-events-reorder), unedited, on PostHog's own events tables on a
 * current ClickHouse cluster (26.7, 2 shards, no replication, no ZooKeeper: DDL node by node), while
 * events are produced to clickhouse_events_json at 200/s throughout. The CLI is killed with kill -9 at
 * random moments of the copy and the catch-up at least five times and run again each time. The cut-over
 * is the default one, EXCHANGE TABLES: swapped, taken back inside the revert window, swapped again, with
 * PostHog's Kafka table, view, consumer group and Distributed table never touched; while the window is
 * open both tables hold every id. Afterwards
 * every loaded and produced id is in sharded_events once, every stored and MATERIALIZED value of the
 * old table's rows is the same in the new one (rows written under older MATERIALIZED expressions
 * included), the sort key is the one thing changed, and ingestion reaches the new table.
 * The vars set are the names this deployment uses: the view is events_json_mv, the brokers are local.
 */
@Execution(ExecutionMode.CONCURRENT) // uses only the current cluster: beside the 18.16 classes
@ResourceLock(CurrentClusterLock.NAME)
class PostHogCurrentClusterIT {
    private static final Path RUNBOOK = LocalCluster.ROOT.resolve("runbooks/posthog-events-reorder/runbook.yaml");
    private static final int PER_BATCH = Integer.getInteger("posthog.batch", 100_000);
    private static final int KILLS = 5;
    private static final String STAGING = "sharded_events_by_event";

    /** PostHog's sharded_events is sorted by the shipped runbook's order_by already: this migration puts event first. */
    static final String ORDER_BY = "team_id, event, toDate(timestamp), cityHash64(distinct_id), cityHash64(uuid)";

    @TempDir
    Path tmp;

    @Test
    void migratesPostHogsEventsOnACurrentClusterUnderLiveKafkaThroughKills() throws Exception {
        PostHogSchema schema = new PostHogSchema("e2e_" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xFFFFF)));
        long loaded = schema.create(PER_BATCH);
        long olderExpression = CurrentCluster.total("SELECT count() FROM posthog.sharded_events WHERE mapContains(properties_group_custom, 'epik')");
        assertTrue(olderExpression >= PER_BATCH, "rows hold values of an older MATERIALIZED expression: " + olderExpression);
        String sourceBefore = definition("sharded_events");
        List<String> common = List.of("--connection", CurrentCluster.CONNECTION.toString(), "--state-dir", tmp.resolve("state").toString(),
                "--set", "kafka_mv=events_json_mv", "--set", "kafka_brokers=127.0.0.1:9092", "--set", "kafka_topic=" + schema.topic(),
                "--set", "main_group=" + schema.group(), "--set", "order_by=" + ORDER_BY, "--set", "min_backup_age_seconds=0", "--set", "revert_window_seconds=0", "--set", "copy_chunk_rows=25000",
                "--set", "catchup_margin_seconds=120");

        try (LiveProducer producer = new LiveProducer(schema.topic(), 200, PostHogSchema::liveEvent)) {
            Waits.until(() -> producer.produced() > 400, Duration.ofMinutes(2), "the producer gets going");
            Waits.until(() -> CurrentCluster.total("SELECT count() FROM posthog.sharded_events WHERE event LIKE 'live%'") > 0,
                    Duration.ofMinutes(2), "PostHog's own Kafka table and view ingest into sharded_events");
            expectOk(Cli.runbook(RUNBOOK, common, "run", "--to", "preflight-kafka", "--execute"));
            Cli.Result plan = Cli.runbook(RUNBOOK, common, "plan", "--step", "swap");
            assertTrue(plan.out().contains("-- cluster form: per-node DDL"), plan.out());

            List<String> killedIn = killWhileMigrating(common);
            assertTrue(killedIn.size() >= KILLS, "killed " + killedIn);
            assertTrue(killedIn.stream().filter(s -> s.equals("copy")).count() >= 3
                            && killedIn.stream().filter(s -> s.startsWith("catch-up")).count() >= 2,
                    "kills landed in the copy and in the catch-up: " + killedIn);
            expectOk(Cli.runbook(RUNBOOK, common, "run", "--to", "recheck", "--execute"));
            String cutoverStarted = CurrentCluster.query(1, "SELECT toString(now() - 60)");
            String kafkaTable = kafkaTableDefinitions();

            // the exchange cut-over: EXCHANGE TABLES, nothing of PostHog's ingestion touched; then taken back
            // inside the revert window, then done again, with events produced throughout
            expectOk(Cli.runbook(RUNBOOK, common, "run", "--step", "stop-ingestion", "--step", "drain", "--step", "swap",
                    "--step", "swap-lag", "--step", "mend", "--step", "verify-after-swap", "--execute", "--yes"));
            assertSortKey("sharded_events", "team_id, event, toDate(timestamp)");
            produceMore(producer, 400);
            expectOk(Cli.runbook(RUNBOOK, common, "rollback", "--step", "swap", "--execute", "--yes"));
            assertSortKey(STAGING, "team_id, event, toDate(timestamp)");
            produceMore(producer, 400);
            expectOk(Cli.runbook(RUNBOOK, common, "run", "--step", "swap", "--step", "swap-lag", "--step", "mend",
                    "--step", "verify-after-swap", "--execute", "--yes"));
            assertSortKey("sharded_events", "team_id, event, toDate(timestamp)");
            produceMore(producer, 600);
            Set<String> live = producer.stop();
            long expected = loaded + live.size();
            // the old table kept complete while the window is open: every id, in both tables
            for (String table : List.of("sharded_events", STAGING)) {
                Waits.until(() -> CurrentCluster.total("SELECT uniqExact(uuid) FROM posthog." + table) >= expected,
                        Duration.ofMinutes(3), "every event reaches " + table);
            }
            expectOk(Cli.runbook(RUNBOOK, common, "run", "--step", "revert-window", "--step", "end-feed", "--execute"));
            assertEquals(kafkaTable, kafkaTableDefinitions(), "PostHog's Kafka table and view, and their consumer group, untouched");

            // every id once: count() is the distinct ids is the ids loaded and produced
            long rows = CurrentCluster.total("SELECT count() FROM posthog.sharded_events");
            long distinct = CurrentCluster.total("SELECT uniqExact(uuid) FROM posthog.sharded_events");
            Set<String> present = new HashSet<>();
            for (int n = 1; n <= CurrentCluster.NODES; n++) {
                CurrentCluster.rows(n, "SELECT toString(uuid) FROM posthog.sharded_events WHERE event LIKE 'live%'").forEach(r -> present.add(r[0]));
            }
            Set<String> missing = new HashSet<>(live);
            missing.removeAll(present);
            String counts = "loaded " + loaded + ", produced " + live.size() + ", rows " + rows + ", distinct " + distinct
                    + ", missing " + missing.size() + ", kills in " + killedIn;
            System.err.println("[PostHogCurrentClusterIT] " + counts);
            assertEquals(Set.of(), missing, "no produced id is missing: " + counts);
            assertEquals(expected, distinct, "no id missing or extra: " + counts);
            assertEquals(present.size(), live.size(), "no live id that was not produced");
            // the one way an id is held twice: a live event delivered again by Kafka (at least once) when the consumer
            // groups rebalance at the cut-over; the ReplacingMergeTree collapses it, as a merge (here FINAL) does
            long twiceOutsideCutover = CurrentCluster.total("SELECT count() - uniqExact(uuid) FROM posthog.sharded_events"
                    + " WHERE NOT (event LIKE 'live%' AND inserted_at >= '" + cutoverStarted + "')");
            assertEquals(0, twiceOutsideCutover, "no id twice outside the cut-over's redelivery: " + counts);
            for (int n = 1; n <= CurrentCluster.NODES; n++) {
                CurrentCluster.query(n, "OPTIMIZE TABLE posthog.sharded_events FINAL");
            }
            assertEquals(expected, CurrentCluster.total("SELECT count() FROM posthog.sharded_events"), "every id once after merging: " + counts);

            // every stored and MATERIALIZED value of the old table's rows, byte for byte, in the new table
            String backup = STAGING; // the exchange left the old table under the staging name
            assertEquals(Map.of(), RowValues.differing("posthog", backup, "sharded_events", "event NOT LIKE 'live%'"),
                    "every value of every row the copy took from the old table");
            // a row ingested during the migration reached the new table through the catch-up, whose insert stamps
            // inserted_at (DEFAULT now64()) itself: that one column holds the catch-up's moment there
            Map<String, Long> liveDiffering = RowValues.differing("posthog", backup, "sharded_events", "event LIKE 'live%'");
            liveDiffering.remove("inserted_at");
            assertEquals(Map.of(), liveDiffering, "every other value of every row ingested during the migration");
            assertEquals(olderExpression, CurrentCluster.total("SELECT count() FROM posthog.sharded_events"
                    + " WHERE mapContains(properties_group_custom, 'epik') AND event NOT LIKE 'live%'"), "older expressions' values kept");

            // the sort key changed and nothing else (the projection mode a current server needs is stated in plan)
            List<SchemaDiff.Difference> changed = SchemaDiff.compare(CreateQuery.parse(sourceBefore), CreateQuery.parse(definition("sharded_events")),
                    Set.of("ORDER BY", "PRIMARY KEY", "SAMPLE BY", "setting deduplicate_merge_projection_mode"));
            assertEquals(List.of(), changed, "only the declared clauses differ");
            assertTrue(CurrentCluster.query(1, "SELECT sorting_key FROM system.tables WHERE database = 'posthog' AND name = 'sharded_events'")
                    .startsWith("team_id, event, toDate(timestamp)"), "the new sort key");
            assertEquals(sourceBefore, definition(backup).replace(backup, "sharded_events"), "the old table is kept as it was");

            // ingestion reaches the new table: the view and Kafka table are PostHog's, never touched
            long afterSwap = CurrentCluster.total("SELECT count() FROM posthog.sharded_events WHERE event LIKE 'live%' AND _timestamp > now() - 60");
            assertTrue(afterSwap > 0, "events produced after the swap are in the new table");
            for (int n = 1; n <= CurrentCluster.NODES; n++) {
                assertEquals("events_json_mv\nkafka_events_json", CurrentCluster.query(n, "SELECT name FROM system.tables WHERE database = 'posthog'"
                        + " AND (engine = 'Kafka' OR engine = 'MaterializedView') ORDER BY name"), "no catch-up object left on node " + n);
                assertEquals(0, CurrentCluster.count(n, "SELECT count() FROM system.columns WHERE database = 'posthog' AND table = 'events'"
                        + " AND name = 'mat_$browser' AND comment != 'column_materializer::$browser'"), "comments on events kept");
            }

            // verify-after-swap reads the window around the swap, not the table: an id the old table got then and the new
            // one lacks is named (its check, as plan renders it, run once; the step itself would wait for it to arrive)
            String victim = CurrentCluster.query(1, "SELECT toString(uuid) FROM posthog.`" + backup + "` WHERE event LIKE 'live%'"
                    + " ORDER BY _timestamp DESC LIMIT 1");
            CurrentCluster.query(1, "ALTER TABLE posthog.sharded_events DELETE WHERE uuid = '" + victim + "' SETTINGS mutations_sync = 2");
            Cli.Result check = Cli.runbook(RUNBOOK, common, "plan", "--step", "verify-after-swap", "--node", "127.0.0.1:8131");
            expectOk(check);
            String missingCheck = java.util.Arrays.stream(check.out().split("-- must return no rows:\n"))
                    .filter(b -> b.contains("is missing in sharded_events'")).findFirst().orElseThrow(() -> new AssertionError(check.out()));
            String found = CurrentCluster.query(1, missingCheck.substring(0, missingCheck.lastIndexOf(';')));
            assertTrue(found.contains(victim), "the deleted id is named: " + found);

            expectOk(Cli.runbook(RUNBOOK, common, "run", "--step", "drop-backup", "--execute", "--yes"));
            for (int n = 1; n <= CurrentCluster.NODES; n++) {
                assertEquals(0, CurrentCluster.count(n, "SELECT count() FROM system.tables WHERE database = 'posthog' AND name = '" + STAGING + "'"),
                        "the old table is dropped on node " + n);
            }
        }
    }

    /**
     * Runs the migration up to the catch-up's lag gate as its own process and kills it with kill -9 at a
     * random moment of the copy (three times) and of the catch-up (twice, its steps catch-up-offsets,
     * catch-up and catch-up-lag), running it again after each; returns the step each kill landed in.
     */
    private List<String> killWhileMigrating(List<String> common) throws Exception {
        List<String> killedIn = new ArrayList<>();
        for (String[] phase : new String[][] {{"copy", "3"}, {"catch-up", "2"}}) {
            int kills = 0;
            for (int attempt = 0; attempt < 20 && kills < Integer.parseInt(phase[1]); attempt++) {
                Path log = tmp.resolve("kill-" + killedIn.size() + "-" + attempt + ".log");
                List<String> cmd = new ArrayList<>(List.of("java", "-jar", System.getProperty("chrunbook.jar", "target/chrunbook.jar"),
                        "run", RUNBOOK.toString(), "--to", "catch-up-lag", "--execute", "--quiet"));
                cmd.addAll(common);
                Process cli = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
                while (cli.isAlive() && !running().startsWith(phase[0]) && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                Thread.sleep(ThreadLocalRandom.current().nextLong(0, 1200));
                String in = running();
                if (!cli.isAlive()) {
                    assertEquals(0, cli.exitValue(), Files.readString(log));
                    break; // the phase ended before a kill could land in it
                }
                cli.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                Files.deleteIfExists(tmp.resolve("state/run.lock")); // what the operator does once sure the killed run is gone
                killedIn.add(in);
                kills += in.startsWith(phase[0]) ? 1 : 0;
            }
        }
        return killedIn;
    }

    /** The step the state says is running (or the last one started). */
    private String running() throws Exception {
        Path file = tmp.resolve("state/state.json");
        if (!Files.exists(file)) {
            return "";
        }
        JsonNode steps = new ObjectMapper().readTree(file.toFile()).path("steps");
        String last = "";
        for (var it = steps.fields(); it.hasNext(); ) {
            var step = it.next();
            for (JsonNode node : step.getValue()) {
                if ("RUNNING".equals(node.path("status").asText())) {
                    return step.getKey();
                }
                if (!node.path("started").isMissingNode() && !node.path("started").isNull()) {
                    last = step.getKey();
                }
            }
        }
        return last;
    }


    private static void produceMore(LiveProducer producer, int events) throws InterruptedException {
        int from = producer.produced();
        Waits.until(() -> producer.produced() > from + events, Duration.ofMinutes(2), events + " more events are produced");
    }

    private static void assertSortKey(String table, String prefix) {
        for (int n = 1; n <= CurrentCluster.NODES; n++) {
            String key = CurrentCluster.query(n, "SELECT sorting_key FROM system.tables WHERE database = 'posthog' AND name = '" + table + "'");
            assertTrue(key.startsWith(prefix), table + " on node " + n + " is sorted by " + key);
        }
    }

    /** PostHog's ingestion objects on every node, as created: the Kafka table (its consumer group), the view, the Distributed table. */
    private static String kafkaTableDefinitions() {
        StringBuilder out = new StringBuilder();
        for (int n = 1; n <= CurrentCluster.NODES; n++) {
            out.append(CurrentCluster.query(n, "SELECT name, create_table_query FROM system.tables WHERE database = 'posthog'"
                    + " AND name IN ('kafka_events_json', 'events_json_mv', 'writable_events') ORDER BY name")).append('\n');
        }
        return out.toString();
    }

    private static String definition(String table) {
        return CurrentCluster.query(1, "SELECT create_table_query FROM system.tables WHERE database = 'posthog' AND name = '" + table + "'")
                .replace("\\'", "'");
    }

    private static void expectOk(Cli.Result r) {
        assertEquals(0, r.exitCode(), r.toString());
    }
}

package dev.chrunbook.migration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chrunbook.testing.Cli;
import dev.chrunbook.testing.ClusterNodes;
import dev.chrunbook.testing.LocalCluster;
import dev.chrunbook.testing.Waits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The handbook migration end to end on the local cluster, through the CLI as an operator runs it,
 * while a producer keeps sending events to Kafka the whole time.
 */
@ExtendWith(LocalCluster.class)
class ReferenceMigrationIT {
    private static final Path EXAMPLE = LocalCluster.ROOT.resolve("examples/local-cluster");
    private static final int BULK = 1_000_000;
    /**
     * Steps chrunbook does itself: the one statement each keeps in the state records what it did (the
     * chunked steps' SQL is in their ledgers, one statement per chunk or partition sent), not SQL sent.
     */
    private static final List<String> RECORDED_STEPS = List.of("preflight-kafka", "catch-up-offsets", "catch-up-lag", "swap-lag", "replicas-agree",
            "copy", "dedupe", "verify");

    @TempDir
    Path tmp;

    @Test
    void reordersTheEventsTableUnderLiveIngestionWithoutLosingOrDuplicatingAnEvent(ClusterNodes cluster) throws Exception {
        String db = cluster.database();
        String topic = "events_" + db;
        load(db, topic);
        Path runbook = copyRunbook(db);
        List<String> common = List.of("--connection", LocalCluster.CONNECTION.toString(),
                "--state-dir", tmp.resolve("state").toString(), "--set", "kafka_topic=" + topic,
                "--set", "cutover=recreate"); // the drop-and-recreate cut-over, chosen explicitly (CutoverWindowIT runs the exchange)

        try (LiveProducer producer = new LiveProducer(topic, 100)) {
            Waits.until(() -> producer.produced() > 300, Duration.ofMinutes(3), "the producer gets going");

            expectOk(Cli.runbook(runbook, common, "run", "--execute"));                       // preflight
            expectOk(Cli.runbook(runbook, common, "run", "--to", "replicas-agree", "--execute"));     // copy ... settle
            assertEquals(1, cluster.count(1, "SELECT count() FROM system.tables WHERE database = '" + db
                    + "' AND name = 'sharded_events_by_event'"));
            Cli.Result paused = Cli.runbook(runbook, common, "run", "--to", "verify-after-swap", "--execute", "--yes");
            expectOk(paused);
            assertTrue(paused.out().contains("stopped before step stop-ingestion"), paused.out());
            assertEquals(1, cluster.count(1, "SELECT count() FROM system.tables WHERE database = '" + db + "' AND name = 'events_mv'"),
                    "pause_before kept the cut-over from starting");
            Cli.Result cutover = Cli.runbook(runbook, common, "run", "--step", "stop-ingestion", "--step", "drain", "--step", "swap",
                    "--step", "swap-lag", "--step", "mend", "--step", "verify-after-swap", "--execute", "--yes");
            expectOk(cutover);
            assertTrue(cutover.out().contains("confirmed by --yes"), cutover.out());
            int producedAtSwap = producer.produced();

            Waits.until(() -> producer.produced() > producedAtSwap + 500, Duration.ofMinutes(3), "events are produced after the swap");
            Set<String> live = producer.stop();
            try {
                Waits.until(() -> total(cluster, db, "sharded_events") >= BULK + live.size(), Duration.ofMinutes(3),
                        "every event lands in the new table");
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + ": " + missingLive(cluster, db, live), e);
            }

            // the main table is the new table, with the new sort key and the materialized columns, filled
            assertTrue(cluster.query(1, "SELECT sorting_key FROM system.tables WHERE database = '" + db
                    + "' AND name = 'sharded_events'").contains("event"), "new sort key");
            long total = total(cluster, db, "sharded_events");
            assertEquals(BULK + live.size(), total, "count() equals the distinct ids produced");
            long distinct = 0;
            Set<String> present = new HashSet<>();
            for (int n : new int[] {1, 3}) {
                distinct += cluster.count(n, "SELECT uniqExact(uuid) FROM " + db + ".sharded_events");
                assertEquals(0, cluster.count(n, "SELECT count() FROM " + db + ".sharded_events WHERE `$session_id` = ''"),
                        "materialized column filled on node " + n);
                for (String[] row : cluster.rows(n, "SELECT toString(uuid) FROM " + db + ".sharded_events WHERE event LIKE 'live%'")) {
                    present.add(row[0]);
                }
            }
            assertEquals(total, distinct, "uniqExact(uuid) equals count(): no duplicates");
            Set<String> missing = new HashSet<>(live);
            missing.removeAll(present);
            assertEquals(Set.of(), missing, "no produced id is missing");
            assertEquals(3, cluster.count(1, "SELECT count() FROM system.columns WHERE database = '" + db
                    + "' AND table = 'sharded_events' AND default_kind = 'MATERIALIZED'"));
            for (int n = 1; n <= 4; n++) {
                assertEquals(0, cluster.count(n, "SELECT count() FROM " + db + ".events WHERE `$session_id` = ''"),
                        "the Distributed read table has the materialized columns on node " + n);
            }

            auditMatchesQueryLog(cluster);

            // the backup stays until drop-backup runs
            String backup = cluster.query(1, "SELECT name FROM system.tables WHERE database = '" + db
                    + "' AND name LIKE 'sharded_events_backup_%'");
            assertTrue(!backup.isEmpty(), "backup exists after the swap");
            expectOk(Cli.runbook(runbook, common, "run", "--step", "revert-window", "--step", "end-feed", "--step", "drop-backup",
                    "--execute", "--yes"));
            for (int n = 1; n <= 4; n++) {
                assertEquals(0, cluster.count(n, "SELECT count() FROM system.tables WHERE database = '" + db
                        + "' AND name = '" + backup + "'"), "backup dropped on node " + n);
            }
        }
    }

    /** audit.jsonl: one line per statement sent, with the rows and duration system.query_log recorded. */
    private void auditMatchesQueryLog(ClusterNodes cluster) throws Exception {
        cluster.flushLogs();
        ObjectMapper json = new ObjectMapper();
        List<String> lines = Files.readAllLines(tmp.resolve("state").resolve("audit.jsonl"));
        JsonNode state = json.readTree(tmp.resolve("state").resolve("state.json").toFile());
        List<String> expected = new java.util.ArrayList<>();
        for (JsonNode step : state.get("steps")) {
            for (JsonNode node : step) {
                // a chunked copy or a partition-wise dedupe: a statement per chunk or partition sent (no ledger
                // at all when nothing needed it: a shard whose partitions each hold one part and no duplicate)
                if (node.has("chunks")) {
                    for (JsonNode c : node.get("chunks")) {
                        String last = c.path("queryId").asText(); // chrunbook-<run>-<step>-c<i>-<node>-<attempt>-1
                        String prefix = last.substring(0, last.lastIndexOf('-', last.lastIndexOf('-') - 1) + 1);
                        for (int attempt = 1; attempt <= c.get("attempts").asInt(); attempt++) {
                            expected.add(prefix + attempt + "-1");
                        }
                    }
                }
                for (JsonNode st : node.path("statements")) {
                    String id = st.get("queryId").asText();
                    if (RECORDED_STEPS.stream().anyMatch(k -> id.contains("-" + k + "-"))) {
                        continue;
                    }
                    expected.add(id);
                }
            }
        }
        List<String> audited = new java.util.ArrayList<>();
        for (String line : lines) {
            audited.add(json.readTree(line).get("query_id").asText());
        }
        Set<String> unaudited = new java.util.TreeSet<>(expected);
        unaudited.removeAll(audited);
        Set<String> unknown = new java.util.TreeSet<>(audited);
        unknown.removeAll(expected);
        assertEquals(expected.size(), lines.size(), "one audit line per statement; sent but not audited: " + unaudited
                + "; audited but not in the state: " + unknown);
        assertEquals(Set.of(), unaudited, "every statement sent has its audit line");
        for (String line : lines) {
            JsonNode a = json.readTree(line);
            int node = Integer.parseInt(a.get("node").asText().substring(a.get("node").asText().length() - 1));
            List<String[]> logged = cluster.rows(node, "SELECT written_rows, query_duration_ms FROM system.query_log"
                    + " WHERE query_id = '" + a.get("query_id").asText() + "' AND type = 2");
            assertEquals(1, logged.size(), "query_log has " + line);
            assertEquals(Long.parseLong(logged.get(0)[0]), a.get("rows_written").asLong(), "rows of " + line);
            assertEquals(Long.parseLong(logged.get(0)[1]), a.get("duration_ms").asLong(), "duration of " + line);
            assertEquals("done", a.get("outcome").asText());
            assertTrue(!line.contains("password"), line);
        }
    }

    /** For a failure message: lost (missing) vs late ids, and the rows per shard. */
    private static String missingLive(ClusterNodes cluster, String db, Set<String> live) {
        Set<String> present = new HashSet<>();
        for (int n : new int[] {1, 3}) {
            for (String[] row : cluster.rows(n, "SELECT toString(uuid) FROM " + db + ".sharded_events WHERE event LIKE 'live%'")) {
                present.add(row[0]);
            }
        }
        Set<String> missing = new HashSet<>(live);
        missing.removeAll(present);
        return missing.size() + " of " + live.size() + " produced ids missing, total " + total(cluster, db, "sharded_events")
                + " rows (bulk " + BULK + ")";
    }

    private static long total(ClusterNodes cluster, String db, String table) {
        return cluster.count(1, "SELECT count() FROM " + db + "." + table) + cluster.count(3, "SELECT count() FROM " + db + "." + table);
    }

    private void load(String db, String topic) throws Exception {
        Process p = new ProcessBuilder(EXAMPLE.resolve("load-events").toString(), "--database", db, "--events",
                String.valueOf(BULK), "--topic", topic, "--group", "main_" + db)
                .redirectErrorStream(true).redirectOutput(tmp.resolve("load.log").toFile()).start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES) && p.exitValue() == 0, Files.readString(tmp.resolve("load.log")));
    }

    private Path copyRunbook(String db) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("runbook"));
        Files.copy(EXAMPLE.resolve("drain.sql.ftl"), dir.resolve("drain.sql.ftl"));
        String yaml = Files.readString(EXAMPLE.resolve("runbook.yaml")).replace("\ndatabase: posthog\n", "\ndatabase: " + db + "\n");
        Path runbook = dir.resolve("runbook.yaml");
        Files.writeString(runbook, yaml);
        return runbook;
    }


    private static void expectOk(Cli.Result r) {
        assertEquals(0, r.exitCode(), r.toString());
    }

}

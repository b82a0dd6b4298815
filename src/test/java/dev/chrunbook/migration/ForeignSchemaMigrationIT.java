package dev.chrunbook.migration;

import dev.chrunbook.state.StateStore;
import dev.chrunbook.testing.Cli;
import dev.chrunbook.testing.ClusterNodes;
import dev.chrunbook.testing.LocalCluster;
import dev.chrunbook.testing.Waits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The handbook migration, configured only through the runbook's vars, on a table that is not
 * PostHog's ({@link ForeignSchema}) while Kafka keeps ingesting: nothing lost or doubled, DEFAULT
 * values copied row for row, ALIAS and MATERIALIZED columns back, the ingestion objects as they were.
 */
@ExtendWith(LocalCluster.class)
class ForeignSchemaMigrationIT {
    private static final int BULK = 200_000;

    @TempDir
    Path tmp;

    @Test
    void migratesAnotherSchemaWithDuplicatesDefaultsAndComputedColumnsUnderLiveIngestion(ClusterNodes cluster) throws Exception {
        String db = cluster.database();
        String topic = "app_" + db;
        ForeignSchema.create(cluster, topic, BULK);
        long storedTwice = rows(cluster, "SELECT count() - uniqExact(event_id) FROM " + db + ".app_events");
        assertTrue(storedTwice >= BULK / 100 * 0.8, "the source holds exact duplicates: " + storedTwice);
        String kafkaBefore = definition(cluster, db, "app_kafka");
        String viewBefore = definition(cluster, db, "app_mv");
        String defaultsBefore = bulkFingerprint(cluster, db, "app_events");
        Path runbook = ForeignSchema.runbook(tmp.resolve("runbook"), db, topic);
        // recompute: materialized-columns adds the computed columns to staging, and the schema gate reads them
        List<String> common = List.of("--connection", LocalCluster.CONNECTION.toString(), "--state-dir", tmp.resolve("state").toString(),
                "--set", "materialized=recompute", "--set", "cutover=recreate"); // the exchange is CutoverWindowIT's

        try (LiveProducer producer = new LiveProducer(topic, 100, ForeignSchema.MESSAGE)) {
            Waits.until(() -> producer.produced() > 300, Duration.ofMinutes(3), "the producer gets going");
            // staging exists when the later runs start, and materialized-columns changes it within such a run:
            // the schema gate must read the catalog at its turn, not at the run's start (it failed falsely before)
            expectOk(Cli.runbook(runbook, common, "run", "--to", "replicated", "--execute"));
            // reruns converge: materialized-columns in part (the first of its two ALTERs went through on each shard,
            // as a replica timeout or a ZooKeeper stall leaves it), then catch-up in part (its view not created)
            for (int node : new int[] {1, 3}) {
                cluster.query(node, "ALTER TABLE " + db + ".app_events_by_kind ADD COLUMN mat_plan String MATERIALIZED"
                        + " visitParamExtractString(payload, 'plan')");
            }
            expectOk(Cli.runbook(runbook, common, "run", "--to", "catch-up", "--execute"));
            for (int node = 1; node <= 4; node++) {
                assertEquals("day\tALIAS\nmat_plan\tMATERIALIZED", cluster.query(node, "SELECT name, default_kind FROM system.columns"
                        + " WHERE database = '" + db + "' AND table = 'app_events_by_kind' AND default_kind IN ('ALIAS', 'MATERIALIZED')"
                        + " ORDER BY name"), "staging holds both computed columns once on " + ClusterNodes.id(node));
            }
            expectOk(Cli.runbook(runbook, common, "reset", "--step", "catch-up"));
            cluster.onCluster("DROP TABLE " + db + ".app_mv_catchup ON CLUSTER posthog");
            expectOk(Cli.runbook(runbook, common, "run", "--all", "--execute"));
            for (int node = 1; node <= 4; node++) {
                assertEquals("app_kafka_catchup\napp_mv_catchup\napp_writable_catchup", cluster.query(node, "SELECT name FROM system.tables"
                        + " WHERE database = '" + db + "' AND name LIKE '%catchup' ORDER BY name"), "every catch-up object on " + ClusterNodes.id(node));
            }
            // swap in part: its RENAME went through (as a connection lost after it leaves it), the view is not back yet
            expectOk(Cli.runbook(runbook, common, "run", "--step", "stop-ingestion", "--step", "drain", "--execute", "--yes"));
            String run = StateStore.read(tmp.resolve("state"), "posthog-events-reorder-local").orElseThrow().runId();
            cluster.onCluster("RENAME TABLE " + db + ".app_events TO " + db + ".app_events_backup_" + run + ", " + db + ".app_events_by_kind TO "
                    + db + ".app_events, " + db + ".app_kafka TO " + db + ".app_kafka_backup_" + run + ", " + db + ".app_kafka_catchup TO "
                    + db + ".app_kafka ON CLUSTER posthog");
            expectOk(Cli.runbook(runbook, common, "run", "--step", "swap", "--step", "swap-lag", "--step", "mend",
                    "--step", "verify-after-swap", "--execute", "--yes"));
            int producedAtSwap = producer.produced();
            Waits.until(() -> producer.produced() > producedAtSwap + 300, Duration.ofMinutes(3), "events are produced after the swap");
            Set<String> live = producer.stop();
            long expected = BULK + live.size();
            Waits.until(() -> rows(cluster, "SELECT uniqExact(event_id) FROM " + db + ".app_events") >= expected,
                    Duration.ofMinutes(3), "every event lands in the new table");

            assertTrue(cluster.query(1, "SELECT sorting_key FROM system.tables WHERE database = '" + db
                    + "' AND name = 'app_events'").startsWith("kind"), "the new sort key");
            assertEquals(expected, rows(cluster, "SELECT uniqExact(event_id) FROM " + db + ".app_events"), "no id missing");
            assertEquals(expected, rows(cluster, "SELECT count() FROM " + db + ".app_events"), "no id twice");
            Set<String> present = new HashSet<>();
            for (int n : new int[] {1, 3}) {
                cluster.rows(n, "SELECT toString(event_id) FROM " + db + ".app_events WHERE kind LIKE 'live%'").forEach(r -> present.add(r[0]));
            }
            Set<String> missing = new HashSet<>(live);
            missing.removeAll(present);
            assertEquals(Set.of(), missing, "every produced id is in the new table");

            String backup = cluster.query(1, "SELECT name FROM system.tables WHERE database = '" + db + "' AND name LIKE 'app_events_backup_%'");
            assertEquals(defaultsBefore, bulkFingerprint(cluster, db, backup), "the backup is the old table");
            assertEquals(defaultsBefore, bulkFingerprint(cluster, db, "app_events"),
                    "DEFAULT, ALIAS and MATERIALIZED values of the bulk rows match row for row");
            assertEquals("app_version\tDEFAULT\t\\'v1\\'\nday\tALIAS\ttoDate(happened_at)\nmat_plan\tMATERIALIZED\t"
                            + "visitParamExtractString(payload, \\'plan\\')",
                    cluster.query(3, "SELECT name, default_kind, default_expression FROM system.columns WHERE database = '" + db
                            + "' AND table = 'app_events' AND default_kind != '' ORDER BY name"));
            assertEquals(0, rows(cluster, "SELECT countIf(mat_plan != visitParamExtractString(payload, 'plan') OR day != toDate(happened_at))"
                    + " FROM " + db + ".app_events"), "computed columns are right, live rows too");

            assertEquals(viewBefore, definition(cluster, db, "app_mv"), "the production view is the one that was there");
            String kafkaAfter = definition(cluster, db, "app_kafka");
            assertEquals(kafkaBefore.replace("'app_main_" + db + "'", "'app_catchup_" + db + "_RUN'"),
                    kafkaAfter.replaceAll("'app_catchup_" + db + "_[0-9a-f_]+'", "'app_catchup_" + db + "_RUN'"),
                    "the production Kafka table is the one that was there, in the catch-up's consumer group");
        }
    }

    /** Order-independent fingerprint of the bulk rows: ids with their DEFAULT, ALIAS and MATERIALIZED values. */
    private static String bulkFingerprint(ClusterNodes cluster, String db, String table) {
        long sum = 0;
        long count = 0;
        for (int n : new int[] {1, 3}) {
            String[] r = cluster.rows(n, "SELECT count(), sum(h) FROM (SELECT DISTINCT event_id, cityHash64(toString(event_id), app_version,"
                    + " toString(day), mat_plan) AS h FROM " + db + "." + table + " WHERE kind NOT LIKE 'live%')").get(0);
            count += Long.parseLong(r[0]);
            sum += Long.parseUnsignedLong(r[1]);
        }
        return count + " rows, fingerprint " + Long.toUnsignedString(sum);
    }

    private static String definition(ClusterNodes cluster, String db, String table) {
        return cluster.query(2, "SELECT create_table_query FROM system.tables WHERE database = '" + db + "' AND name = '" + table + "'")
                .replace("\\'", "'"); // TSV escapes quotes
    }

    private static long rows(ClusterNodes cluster, String sql) {
        return cluster.count(1, sql) + cluster.count(3, sql);
    }

    private static void expectOk(Cli.Result r) {
        assertEquals(0, r.exitCode(), r.toString());
    }
}

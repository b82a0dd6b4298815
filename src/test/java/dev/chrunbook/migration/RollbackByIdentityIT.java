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

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rollback of the swap when the ingestion column is the message's own time (as Kafka's timestamp
 * is in the current runbook): events produced during the ingestion pause reach the new table after
 * the swap with a time before it. The rollback copies back by identity, so they are not lost.
 */
@ExtendWith(LocalCluster.class)
class RollbackByIdentityIT {
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    @TempDir
    Path tmp;

    @Test
    void eventsOlderThanTheSwapThatOnlyTheNewTableHasAreCopiedBack(ClusterNodes cluster) throws Exception {
        String db = cluster.database();
        String topic = "rollback_id_" + db;
        ForeignSchema.create(cluster, topic, 20_000, true);
        Path runbook = ForeignSchema.runbook(tmp.resolve("runbook"), db, topic);
        List<String> common = List.of("--connection", LocalCluster.CONNECTION.toString(), "--state-dir", tmp.resolve("state").toString(),
                "--set", "cutover=recreate"); // the rollback that copies back by identity after a drop-and-recreate cut-over
        try (LiveProducer producer = new LiveProducer(topic, 100, ForeignSchema.MESSAGE)) {
            Waits.until(() -> producer.produced() > 200, Duration.ofMinutes(2), "the producer gets going");
            ok(Cli.runbook(runbook, common, "run", "--to", "recheck", "--execute"));
            ok(Cli.runbook(runbook, common, "run", "--step", "stop-ingestion", "--step", "drain", "--step", "swap", "--execute", "--yes"));
            int atSwap = producer.produced();
            Waits.until(() -> producer.produced() > atSwap + 300, Duration.ofMinutes(3), "events arrive in the new table after the swap");
            Instant paused = started("stop-ingestion");
            Instant swapped = started("swap");
            // the scenario: events produced in the pause are in the new table only, older than the swap
            String pauseWindow = "ingested_at >= '" + SECONDS.format(paused) + "' AND ingested_at < '" + SECONDS.format(swapped) + "'";
            Waits.until(() -> count(cluster, "SELECT count() FROM " + db + ".app_events WHERE kind LIKE 'live%' AND " + pauseWindow) > 0,
                    Duration.ofMinutes(2), "events of the pause reach the new table");
            ok(Cli.runbook(runbook, common, "rollback", "--step", "swap", "--execute", "--yes"));
            int atRollback = producer.produced();
            Waits.until(() -> producer.produced() > atRollback + 300, Duration.ofMinutes(3), "events arrive after the rollback");
            Set<String> live = producer.stop();
            Waits.until(() -> ids(cluster, db, "app_events").containsAll(live), Duration.ofMinutes(3),
                    "every produced event is in the restored table");

            assertTrue(count(cluster, "SELECT count() FROM " + db + ".app_events_by_kind WHERE kind LIKE 'live%' AND " + pauseWindow) > 0,
                    "the new table held events of the pause");
            assertEquals(Set.of(), missing(live, ids(cluster, db, "app_events")), "no produced id is missing after the rollback");
            assertEquals(count(cluster, "SELECT uniqExact(event_id) FROM " + db + ".app_events FINAL"),
                    count(cluster, "SELECT count() FROM " + db + ".app_events FINAL"), "and none is there twice");
        }
    }

    private Instant started(String step) throws Exception {
        JsonNode s = new ObjectMapper().readTree(tmp.resolve("state").resolve("state.json").toFile());
        Instant first = null;
        for (JsonNode node : s.get("steps").get(step)) {
            Instant t = Instant.parse(node.get("started").asText());
            first = first == null || t.isBefore(first) ? t : first;
        }
        return first;
    }

    private static Set<String> missing(Set<String> want, Set<String> have) {
        Set<String> m = new HashSet<>(want);
        m.removeAll(have);
        return m;
    }

    private static Set<String> ids(ClusterNodes cluster, String db, String table) {
        Set<String> ids = new HashSet<>();
        for (int n : new int[] {1, 3}) {
            cluster.rows(n, "SELECT toString(event_id) FROM " + db + "." + table + " WHERE kind LIKE 'live%'").forEach(r -> ids.add(r[0]));
        }
        return ids;
    }

    private static long count(ClusterNodes cluster, String sql) {
        return cluster.count(1, sql) + cluster.count(3, sql);
    }

    private static void ok(Cli.Result r) {
        assertEquals(0, r.exitCode(), r.toString());
    }
}

package dev.chrunbook.migration;

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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The swap's rollback under live ingestion: the old table is back, nothing produced is lost, ingestion goes on. */
@ExtendWith(LocalCluster.class)
class RollbackIT {
    private static final Path EXAMPLE = LocalCluster.ROOT.resolve("examples/local-cluster");
    private static final int BULK = 50_000;

    @TempDir
    Path tmp;

    @Test
    void rollingBackTheSwapRestoresTheOldTableWithEveryEvent(ClusterNodes cluster) throws Exception {
        String db = cluster.database();
        String topic = "rollback_" + db;
        Process load = new ProcessBuilder(EXAMPLE.resolve("load-events").toString(), "--database", db, "--events",
                String.valueOf(BULK), "--topic", topic, "--group", "main_" + db)
                .redirectErrorStream(true).redirectOutput(tmp.resolve("load.log").toFile()).start();
        assertTrue(load.waitFor(5, TimeUnit.MINUTES) && load.exitValue() == 0, Files.readString(tmp.resolve("load.log")));
        Path dir = Files.createDirectories(tmp.resolve("runbook"));
        Files.copy(EXAMPLE.resolve("drain.sql.ftl"), dir.resolve("drain.sql.ftl"));
        Path runbook = dir.resolve("runbook.yaml");
        Files.writeString(runbook, Files.readString(EXAMPLE.resolve("runbook.yaml")).replace("\ndatabase: posthog\n", "\ndatabase: " + db + "\n"));
        List<String> common = List.of("--connection", LocalCluster.CONNECTION.toString(),
                "--state-dir", tmp.resolve("state").toString(), "--set", "kafka_topic=" + topic,
                "--set", "cutover=recreate"); // the rollback that copies back by identity after a drop-and-recreate cut-over
        String oldSortKey = cluster.query(1, "SELECT sorting_key FROM system.tables WHERE database = '" + db + "' AND name = 'sharded_events'");

        try (LiveProducer producer = new LiveProducer(topic, 100)) {
            ok(Cli.runbook(runbook, common, "run", "--to", "recheck", "--execute"));
            ok(Cli.runbook(runbook, common, "run", "--step", "stop-ingestion", "--step", "drain", "--step", "swap", "--execute", "--yes"));
            int atSwap = producer.produced();
            Waits.until(() -> producer.produced() > atSwap + 300, Duration.ofMinutes(3), "events arrive in the new table after the swap");

            Cli.Result refused = Cli.runbook(runbook, common, "rollback", "--step", "swap", "--execute");
            assertEquals(2, refused.exitCode(), "no terminal, no --yes: " + refused);
            Cli.Result undone = Cli.runbook(runbook, common, "rollback", "--step", "swap", "--execute", "--yes");
            ok(undone);
            assertTrue(undone.out().contains("renames " + db + ".sharded_events"), undone.out());
            int atRollback = producer.produced();
            Waits.until(() -> producer.produced() > atRollback + 300, Duration.ofMinutes(3), "events arrive after the rollback");
            Set<String> live = producer.stop();
            Waits.until(() -> liveIds(cluster, db).containsAll(live), Duration.ofMinutes(3), "every produced event is in the restored table");

            assertEquals(oldSortKey, cluster.query(1, "SELECT sorting_key FROM system.tables WHERE database = '" + db
                    + "' AND name = 'sharded_events'"), "the old table is the source again");
            assertFalse(oldSortKey.contains("event"), oldSortKey);
            Set<String> missing = new HashSet<>(live);
            missing.removeAll(liveIds(cluster, db));
            assertEquals(Set.of(), missing, "no produced id is missing");
            assertTrue(Cli.runbook(runbook, common, "status").out().contains("swap                     pending"), "swap can run again");
        }
    }

    private static Set<String> liveIds(ClusterNodes cluster, String db) {
        Set<String> ids = new HashSet<>();
        for (int n : new int[] {1, 3}) {
            for (String[] r : cluster.rows(n, "SELECT toString(uuid) FROM " + db + ".sharded_events WHERE event LIKE 'live%'")) {
                ids.add(r[0]);
            }
        }
        return ids;
    }


    private static void ok(Cli.Result r) {
        assertEquals(0, r.exitCode(), r.toString());
    }

}

package dev.chrunbook.verify;

import dev.chrunbook.testing.Cli;
import dev.chrunbook.testing.ClusterNodes;
import dev.chrunbook.testing.LocalCluster;
import dev.chrunbook.testing.RecheckRunbook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The recheck's cost follows what was ingested since its last clean round, not the table's size: on
 * 18.16 a round reads the partitions written since then and no other (query_log's read_rows), and a
 * late event written into an old partition is still found.
 */
@ExtendWith(LocalCluster.class)
class RecheckIT {
    private static final int OLD_ROWS = 300_000;

    @TempDir
    Path tmp;

    @Test
    void aRoundReadsOnlyThePartitionsWrittenSinceTheLastCleanOneAndStillFindsALateEvent(ClusterNodes cluster) throws Exception {
        String db = cluster.database();
        for (String t : List.of("rc_src", "rc_stg")) {
            cluster.onCluster("DROP TABLE IF EXISTS " + db + "." + t + " ON CLUSTER posthog");
            cluster.onCluster("CREATE TABLE " + db + "." + t + " ON CLUSTER posthog (id UUID, ts DateTime, ingested DateTime)"
                    + " ENGINE = MergeTree PARTITION BY toYYYYMM(ts) ORDER BY id");
        }
        // the copied past: one part a table on each shard's first replica, long before the window
        for (int n : new int[] {1, 3}) {
            cluster.query(n, "INSERT INTO " + db + ".rc_src SELECT generateUUIDv4(), toDateTime('2024-01-01 00:00:00') + number,"
                    + " now() - 86400 FROM system.numbers LIMIT " + OLD_ROWS);
            cluster.query(n, "INSERT INTO " + db + ".rc_stg SELECT * FROM " + db + ".rc_src");
        }
        Path runbook = RecheckRunbook.write(tmp.resolve("runbook.yaml"), db, "rc_src", "rc_stg", "id", "ingested", 1);
        List<String> common = List.of("--connection", LocalCluster.CONNECTION.toString(), "--state-dir", tmp.resolve("state").toString());
        // the old parts now lie well before what a round reads: the dedupe's start minus three times the settle time
        Thread.sleep(7_000);
        assertEquals(0, Cli.runbook(runbook, common, "run", "--step", "dedupe", "--execute").exitCode());

        // live events into both tables, in this month's partition
        for (int n : new int[] {1, 3}) {
            cluster.query(n, "INSERT INTO " + db + ".rc_src SELECT generateUUIDv4(), now(), now() FROM system.numbers LIMIT 1000");
            cluster.query(n, "INSERT INTO " + db + ".rc_stg SELECT * FROM " + db + ".rc_src WHERE ingested > now() - 60");
        }
        Thread.sleep(2_500); // past the settle time
        Cli.Result clean = Cli.runbook(runbook, common, "run", "--step", "recheck", "--execute");
        assertEquals(0, clean.exitCode(), clean.toString());
        long read = readRows(cluster, db);
        assertTrue(read > 0 && read < OLD_ROWS / 4, "a round reads this month's parts, not the " + OLD_ROWS
                + " rows of the old partition: read_rows " + read);

        // a late event: an old month's event ingested now into the source only; its partition was written, so it is read
        String late = cluster.query(1, "SELECT generateUUIDv4()");
        cluster.query(1, "INSERT INTO " + db + ".rc_src VALUES ('" + late + "', '2024-01-02 00:00:00', now())");
        Thread.sleep(2_500);
        Cli.Result found = Cli.runbook(runbook, common, "run", "--step", "recheck", "--rerun", "--execute");
        assertTrue(found.exitCode() != 0 && (found.out() + found.err()).contains(late), "the late event is found: " + found);
    }

    /** Rows read by the latest round's two statements on the first shard (a check is sent under the server's query ids). */
    private static long readRows(ClusterNodes cluster, String db) {
        cluster.flushLogs();
        String ours = "type = 2 AND position(query, 'has is missing in') > 0 AND position(query, '`" + db + "`.`rc_src`') > 0"
                + " AND position(query, 'system.query_log') = 0";
        return cluster.count(1, "SELECT sum(read_rows) FROM system.query_log WHERE " + ours
                + " AND event_time >= (SELECT max(event_time) FROM system.query_log WHERE " + ours + ") - 2");
    }
}

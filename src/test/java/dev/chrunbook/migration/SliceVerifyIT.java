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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The slice-by-slice verify on a shard of 5M rows (the example's events, 10M on two shards), its
 * statements held to max_memory_usage = 512 MB by the step (memory_mib 256): it passes, no
 * statement takes more; then four faults planted in staging, each in another slice of shard 1 (an
 * id deleted, an id added, an id doubled, a value updated), fail it with exit 4, each named with its
 * id; a repaired slice passes on the next run while the others still fail, and the ledger in the
 * state says which.
 */
@ExtendWith(LocalCluster.class)
class SliceVerifyIT {
    static final int EVENTS = 10_000_000;
    static final List<String> STEPS = List.of("create-staging", "copy", "dedupe", "verify");

    @TempDir
    Path tmp;

    @Test
    void aFiveMillionRowShardIsVerifiedWithinTheBudgetAndEachPlantedFaultIsNamed(ClusterNodes cluster) throws Exception {
        String db = cluster.database();
        load(db);
        Path runbook = runbook(tmp.resolve("runbook"), db);
        List<String> common = List.of("--connection", LocalCluster.CONNECTION.toString(), "--state-dir", tmp.resolve("state").toString());
        long shard1 = cluster.count(1, "SELECT count() FROM " + db + ".sharded_events");
        assertTrue(shard1 >= 5_000_000, "shard 1 holds " + shard1 + " rows");

        Cli.Result passed = Cli.runbook(runbook, common, "run", "--all", "--execute");
        assertEquals(0, passed.exitCode(), passed.toString());
        assertTrue(passed.out().contains(shard1 + " ids: the same in both tables"), passed.out());
        cluster.flushLogs();
        List<String[]> statements = cluster.rows(1, "SELECT memory_usage, Settings.Values[indexOf(Settings.Names, 'max_memory_usage')] = '536870912'"
                + " FROM system.query_log WHERE type = 2 AND query LIKE 'SELECT ''verify %' AND query LIKE '%" + db + "%'");
        assertTrue(statements.size() >= 2, "the verify's statements are in query_log: " + statements.size());
        long peak = statements.stream().mapToLong(r -> Long.parseLong(r[0])).max().orElseThrow();
        assertTrue(statements.stream().allMatch(r -> r[1].equals("1")), "every statement ran with max_memory_usage = 512 MB (a request setting: 18.16 does not limit a query by its SETTINGS clause)");
        assertTrue(peak < 512L << 20, "a statement took " + peak + " bytes");
        System.out.printf("slice-verify on %d rows of shard 1: %d statements, peak %d MiB%n", shard1, statements.size(), peak >> 20);

        String staging = db + ".sharded_events_by_event";
        // the columns an INSERT writes (the MATERIALIZED ones it computes, from expressions this fixture never changed)
        String stored = cluster.query(1, "SELECT arrayStringConcat(groupArray(concat('`', name, '`')), ', ') FROM system.columns WHERE database = '"
                + db + "' AND table = 'sharded_events_by_event' AND default_kind IN ('', 'DEFAULT')");
        String gone = idIn(cluster, staging, 202402);
        String twice = idIn(cluster, staging, 202602);
        String changed = idIn(cluster, staging, 202702);
        String added = "00000000-0000-4000-8000-0000000000e1";
        cluster.query(1, "ALTER TABLE " + staging + " DELETE WHERE uuid = toUUID('" + gone + "')");
        cluster.query(1, "ALTER TABLE " + staging + " UPDATE properties = '{\"changed\":1}' WHERE uuid = toUUID('" + changed + "')");
        cluster.query(1, "INSERT INTO " + staging + " (" + stored + ") SELECT " + stored.replaceFirst("^`uuid`", "toUUID('" + added + "')")
                + " FROM " + staging + " WHERE toYYYYMM(timestamp) = 202502 LIMIT 1");
        cluster.query(1, "INSERT INTO " + staging + " (" + stored + ") SELECT " + stored + " FROM " + staging
                + " WHERE uuid = toUUID('" + twice + "')");
        Waits.until(() -> cluster.count(1, "SELECT count() FROM system.mutations WHERE database = '" + db + "' AND NOT is_done") == 0,
                Duration.ofMinutes(2), "the delete and the update are applied");

        Cli.Result faults = Cli.runbook(runbook, common, "run", "--step", "verify", "--rerun", "--execute", "--node", "127.0.0.1:8121");
        assertEquals(4, faults.exitCode(), faults.toString());
        String text = faults.toString();
        assertTrue(text.contains("4 of "), "four slices differ: " + text);
        for (String[] fault : new String[][] {{"id missing in the new table", gone}, {"id only in the new table", added},
                {"id more than once in the new table", twice}, {"values differ from the old table's", changed}}) {
            assertTrue(text.contains(fault[0]) && text.contains(fault[1]), fault[0] + " " + fault[1] + " is named: " + text);
        }

        // the added id taken out again: its slice passes on the next run, the three others still fail
        cluster.query(1, "ALTER TABLE " + staging + " DELETE WHERE uuid = toUUID('" + added + "')");
        Waits.until(() -> cluster.count(1, "SELECT count() FROM system.mutations WHERE database = '" + db + "' AND NOT is_done") == 0,
                Duration.ofMinutes(2), "the delete is applied");
        Cli.Result three = Cli.runbook(runbook, common, "run", "--step", "verify", "--execute", "--node", "127.0.0.1:8121");
        assertEquals(4, three.exitCode(), three.toString());
        assertTrue(three.toString().contains("3 of "), three.toString());
        String state = Files.readString(tmp.resolve("state/state.json"));
        assertEquals(3, count(state.substring(state.indexOf("\"verify\"")), "\"phase\" : \"failed\""), "the ledger keeps the 3 failed slices: " + state);
    }

    /** An id of shard 1's staging in a month: a slice of its own (the example copies about nine months a chunk). */
    private static String idIn(ClusterNodes cluster, String staging, int month) {
        return cluster.query(1, "SELECT toString(uuid) FROM " + staging + " WHERE toYYYYMM(timestamp) = " + month + " ORDER BY uuid LIMIT 1");
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    private static void load(String db) throws Exception {
        Process p = new ProcessBuilder(LocalCluster.ROOT.resolve("examples/local-cluster/load-events").toString(), "--database", db,
                "--events", String.valueOf(EVENTS), "--topic", "slice_verify_" + db).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(10, TimeUnit.MINUTES) && p.exitValue() == 0, "load-events failed: " + out);
    }

    /** The example runbook's create-staging, copy, dedupe and verify on this database. */
    static Path runbook(Path dir, String db) throws Exception {
        Path example = LocalCluster.ROOT.resolve("examples/local-cluster");
        String yaml = Files.readString(example.resolve("runbook.yaml")).replace("\ndatabase: posthog\n", "\ndatabase: " + db + "\n");
        int first = yaml.indexOf("\n  - id: ");
        StringBuilder kept = new StringBuilder(yaml.substring(0, first));
        for (String block : yaml.substring(first).split("(?=\n  - id: )")) {
            String id = block.substring("\n  - id: ".length()).lines().findFirst().orElseThrow().strip();
            if (STEPS.contains(id)) {
                kept.append(block);
            }
        }
        Files.createDirectories(dir);
        Files.copy(example.resolve("drain.sql.ftl"), dir.resolve("drain.sql.ftl"));
        Path runbook = dir.resolve("runbook.yaml");
        Files.writeString(runbook, kept.toString());
        assertEquals(new ArrayList<>(STEPS), kept.toString().lines().filter(l -> l.startsWith("  - id: "))
                .map(l -> l.substring(8).strip()).toList());
        return runbook;
    }
}

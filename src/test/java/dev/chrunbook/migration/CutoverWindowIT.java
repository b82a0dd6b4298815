package dev.chrunbook.migration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chrunbook.testing.Cli;
import dev.chrunbook.testing.ClusterNodes;
import dev.chrunbook.testing.LocalCluster;
import dev.chrunbook.testing.ServedDashboard;
import dev.chrunbook.testing.Waits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cut-over you can take back, on the local cluster under live Kafka (200 events/s): the example
 * runbook's exchange swap, the old table kept fed; a swap back inside the revert window; the swap
 * again; the window ended. After each exchange every produced id is in the table then named as the
 * source, once after dedupe, and, while the window is open, in the other table too. The CLI is killed
 * (kill -9) while the swap runs and while the swap back runs; a rerun recovers each.
 */
@ExtendWith(LocalCluster.class)
class CutoverWindowIT {
    private static final String NEW_KEY = "kind";
    private static final String OLD_KEY = "org_id";

    @TempDir
    Path tmp;
    private ClusterNodes cluster;
    private String db;
    private Path runbook;
    private List<String> common;

    @Test
    void swapRevertSwapAndEndTheWindowLoseNothingAndPauseNothing(ClusterNodes cluster) throws Exception {
        this.cluster = cluster;
        db = cluster.database();
        String topic = "app_" + db;
        ForeignSchema.create(cluster, topic, 20_000);
        runbook = ForeignSchema.runbook(tmp.resolve("runbook"), db, topic);
        common = List.of("--connection", LocalCluster.CONNECTION.toString(), "--state-dir", tmp.resolve("state").toString(),
                "--set", "revert_window_seconds=5");
        try (LiveProducer producer = new LiveProducer(topic, 200, ForeignSchema.MESSAGE)) {
            Waits.until(() -> producer.produced() > 300, Duration.ofMinutes(3), "the producer gets going");
            Cli.Result paused = Cli.runbook(runbook, common, "run", "--all", "--execute");
            expectOk(paused);
            assertTrue(paused.out().contains("stopped before step stop-ingestion"), paused.out());
            // the re-check left running while the cut-over waits (a round every 2 s over what was ingested since the
            // last); status says how old the last clean one is
            Process repeat = cli("recheck-repeat", "run", runbook.toString(), "--step", "recheck", "--repeat", "2s", "--execute");
            Waits.until(() -> logHas("recheck-repeat", "round 3 of recheck clean"),
                    Duration.ofMinutes(2), "three clean rounds of the repeated re-check");
            assertTrue(Cli.runbook(runbook, common, "status").out().contains("recheck: last clean run"), "status shows the re-check's age");

            // 1. the swap, started while the re-check repeats (it waits for a round under way), killed while it runs,
            // then run again; the repetition ends by itself once the cut-over has started
            killWhileRunning("swap", "run", runbook.toString(), "--step", "stop-ingestion", "--step", "drain", "--step", "swap",
                    "--execute", "--yes");
            assertTrue(repeat.waitFor(1, TimeUnit.MINUTES), "the repeated re-check ends once the cut-over started");
            String repeated = Files.readString(tmp.resolve("recheck-repeat.log"));
            assertEquals(0, repeat.exitValue(), repeated);
            assertTrue(repeated.contains("step stop-ingestion has started, so the repetition ends"), repeated);
            expectOk(Cli.runbook(runbook, common, "run", "--step", "stop-ingestion", "--step", "drain", "--step", "swap",
                    "--step", "swap-lag", "--step", "mend", "--step", "verify-after-swap", "--execute", "--yes"));
            assertSortKeys(NEW_KEY, OLD_KEY);
            bothHoldEverything(producer, "after the swap");
            Cli.Result status = Cli.runbook(runbook, common, "status");
            assertTrue(status.out().contains("revert: step swap ended") && status.out().contains("rollback " + runbook + " --step swap"),
                    "status shows the revert window: " + status.out());
            // and both tables' ingestion: the new table fed by the main view, the old one by the catch-up
            assertTrue(java.util.regex.Pattern.compile("ingestion: app_events [0-9,]+ rows in the last minute, newest insert \\d+ s ago;"
                    + " app_events_by_kind [0-9,]+ rows in the last minute, newest insert \\d+ s ago").matcher(status.out()).find(),
                    "status shows both tables fed: " + status.out());
            try (ServedDashboard served = ServedDashboard.start(tmp.resolve("serve.log"), runbook, common)) {
                JsonNode revert = served.view().get("revert");
                assertEquals("swap", revert.get(0).get("step").asText(), revert.toString());
                assertEquals(2, revert.get(0).get("tables").size(), revert.toString());
                revert.get(0).get("tables").forEach(t -> assertTrue(t.get("newest_age_s").isNumber(), "both tables fed: " + revert));
                String page = served.dom(tmp);
                assertTrue(java.util.regex.Pattern.compile("<table id=\"revert\">.*<td>swap</td>.*<td>app_events</td>.*<td>app_events_by_kind</td>",
                        java.util.regex.Pattern.DOTALL).matcher(page).find(), "the page shows the window and both tables: " + page);
            }

            // 2. the swap back inside the revert window, killed while it runs, then run again
            killWhileRunning("swap-rollback", "rollback", runbook.toString(), "--step", "swap", "--execute", "--yes");
            expectOk(Cli.runbook(runbook, common, "rollback", "--step", "swap", "--execute", "--yes"));
            assertSortKeys(OLD_KEY, NEW_KEY);
            bothHoldEverything(producer, "after the swap back");

            // 3. the swap again: the migrated table was kept fed, nothing is copied again
            expectOk(Cli.runbook(runbook, common, "run", "--step", "swap", "--step", "swap-lag", "--step", "mend",
                    "--step", "verify-after-swap", "--execute", "--yes"));
            assertSortKeys(NEW_KEY, OLD_KEY);
            bothHoldEverything(producer, "after the second swap");

            // 4. the window ends: the second feed goes, nothing of it is left, and the new table keeps every event
            expectOk(Cli.runbook(runbook, common, "run", "--step", "revert-window", "--step", "end-feed", "--execute", "--yes"));
            for (int node = 1; node <= 4; node++) {
                assertEquals("", cluster.query(node, "SELECT name FROM system.tables WHERE database = '" + db + "' AND name LIKE '%catchup'"),
                        "no catch-up view, Kafka or Distributed table is left on " + ClusterNodes.id(node));
            }
            assertTrue(!Cli.runbook(runbook, common, "status").out().contains("revert:"), "the window is ended: no revert offered");
            Cli.Result late = Cli.runbook(runbook, common, "rollback", "--step", "swap", "--execute", "--yes");
            assertEquals(3, late.exitCode(), "after end-feed the swap is not taken back: " + late);
            int atEnd = producer.produced();
            Waits.until(() -> producer.produced() > atEnd + 200, Duration.ofMinutes(2), "events are produced after the window");
            Set<String> live = producer.stop();
            Waits.until(() -> missing("app_events", live).isEmpty(), Duration.ofMinutes(3), "every event reaches the new table");
            assertEquals(0, twiceAfterDedupe("app_events"), "every produced id in the new table once after dedupe");
            expectOk(Cli.runbook(runbook, common, "run", "--step", "drop-backup", "--execute", "--yes"));
            for (int node = 1; node <= 4; node++) {
                assertEquals("0", cluster.query(node, "SELECT count() FROM system.tables WHERE database = '" + db
                        + "' AND name = 'app_events_by_kind'"), "the old table is dropped on " + ClusterNodes.id(node));
            }
        }
    }

    private boolean logHas(String name, String text) {
        try {
            return Files.readString(tmp.resolve(name + ".log")).contains(text);
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** The CLI as its own process, its output in {@code <name>.log}. */
    private Process cli(String name, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("java", "-jar", System.getProperty("chrunbook.jar", "target/chrunbook.jar")));
        cmd.addAll(List.of(args));
        cmd.addAll(common);
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve(name + ".log").toFile()).start();
    }

    /** The CLI as its own process, killed (-9) once the state shows {@code step} running: a statement of it recorded as sent, or about to be. */
    private void killWhileRunning(String step, String... args) throws Exception {
        Process cli = cli(step, args);
        Path state = tmp.resolve("state").resolve("state.json");
        long until = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (cli.isAlive() && System.nanoTime() < until && !running(state, step)) {
            Thread.sleep(2);
        }
        assertTrue(cli.isAlive() && running(state, step), "the CLI is killed while " + step + " runs, not after: "
                + Files.readString(tmp.resolve(step + ".log")));
        cli.destroyForcibly().waitFor();
        // a killed run leaves its lock; the operator removes it, as the next run's refusal says
        Files.deleteIfExists(tmp.resolve("state").resolve("run.lock"));
    }

    private static boolean running(Path state, String step) {
        try {
            JsonNode nodes = new ObjectMapper().readTree(Files.readString(state)).path("steps").path(step);
            for (JsonNode n : nodes) {
                if ("RUNNING".equals(n.path("status").asText())) {
                    return true;
                }
            }
            return false;
        } catch (Exception e) { // written as we read it: look again
            return false;
        }
    }

    private void assertSortKeys(String source, String staging) {
        for (int node : new int[] {1, 3}) {
            assertTrue(cluster.query(node, "SELECT sorting_key FROM system.tables WHERE database = '" + db + "' AND name = 'app_events'")
                    .startsWith(source), "app_events is sorted by " + source + " on " + ClusterNodes.id(node));
            assertTrue(cluster.query(node, "SELECT sorting_key FROM system.tables WHERE database = '" + db
                    + "' AND name = 'app_events_by_kind'").startsWith(staging), "app_events_by_kind is sorted by " + staging);
        }
    }

    /** Every id produced so far reaches both tables (the window is open), and the table named as the source holds each once after dedupe. */
    private void bothHoldEverything(LiveProducer producer, String when) throws InterruptedException {
        Set<String> sent = producer.acked();
        Waits.until(() -> missing("app_events", sent).isEmpty() && missing("app_events_by_kind", sent).isEmpty(), Duration.ofMinutes(3),
                when + ": every produced id in both tables (missing " + missing("app_events", sent).size() + " and "
                        + missing("app_events_by_kind", sent).size() + ")");
        assertEquals(0, twiceAfterDedupe("app_events"), when + ": each id once in the source table after dedupe");
    }

    private Set<String> missing(String table, Set<String> ids) {
        Set<String> present = new HashSet<>();
        for (int n : new int[] {1, 3}) {
            cluster.rows(n, "SELECT toString(event_id) FROM " + db + "." + table + " WHERE kind LIKE 'live%'").forEach(r -> present.add(r[0]));
        }
        Set<String> out = new HashSet<>(ids);
        out.removeAll(present);
        return out;
    }

    /** Live ids held more than once once the ReplacingMergeTree dedupes (FINAL), counted in one snapshot per shard. */
    private long twiceAfterDedupe(String table) {
        long twice = 0;
        for (int n : new int[] {1, 3}) {
            twice += cluster.count(n, "SELECT count() - uniqExact(event_id) FROM (SELECT event_id FROM " + db + "." + table
                    + " FINAL WHERE kind LIKE 'live%')");
        }
        return twice;
    }

    private static void expectOk(Cli.Result r) {
        assertEquals(0, r.exitCode(), r.toString());
    }
}

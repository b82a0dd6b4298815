package dev.chrunbook.observe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chrunbook.testing.Cli;
import dev.chrunbook.testing.ClusterNodes;
import dev.chrunbook.testing.LocalCluster;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A long copy (6M rows) under supervision: kill -9 and reattach, cancel, progress events. */
@ExtendWith(LocalCluster.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SupervisionIT {
    private static final Path EXAMPLE = LocalCluster.ROOT.resolve("examples/local-cluster");
    private static final int EVENTS = 6_000_000;
    /** Two chunks a shard, one at a time: each runs for seconds, long enough to be seen twice and to be cancelled. */
    private static final int CHUNK_ROWS = EVENTS / 4;
    private static final int PARALLEL = 1;
    private static final String COPY_RUNNING = "SELECT count() FROM system.processes WHERE query_id LIKE 'chrunbook-%-copy-%'"
            + " AND read_rows > 0";

    private ClusterNodes cluster;
    private Path runbook;

    @TempDir
    Path tmp;

    @BeforeAll
    void loadSource(ClusterNodes nodes, @TempDir Path dir) throws Exception {
        cluster = nodes;
        Process p = new ProcessBuilder(EXAMPLE.resolve("load-events").toString(), "--database", nodes.database(),
                "--events", String.valueOf(EVENTS), "--topic", "sup_" + nodes.database(), "--group", "sup_" + nodes.database())
                .redirectErrorStream(true).redirectOutput(dir.resolve("load.log").toFile()).start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES) && p.exitValue() == 0, Files.readString(dir.resolve("load.log")));
        runbook = dir.resolve("runbook.yaml");
        Files.writeString(runbook, Files.readString(EXAMPLE.resolve("runbook.yaml"))
                .replace("\ndatabase: posthog\n", "\ndatabase: " + nodes.database() + "\n"));
        Files.copy(EXAMPLE.resolve("drain.sql.ftl"), dir.resolve("drain.sql.ftl"));
    }

    @BeforeEach
    void noStagingYet() {
        for (int n = 1; n <= 4; n++) {
            cluster.query(n, "DROP TABLE IF EXISTS " + cluster.database() + ".sharded_events_by_event");
        }
    }

    @Test
    void killDashNineDuringTheCopyThenRunReattachesAndTheCopyRunsOnce() throws Exception {
        Process cli = start("run", "--to", "copy", "--execute");
        awaitCopyRunning(cli);
        cli.destroyForcibly().waitFor();

        // status shows the orphaned copy live from system.processes while the server still runs it
        JsonNode live = new ObjectMapper().readTree(run("status", "--json").out());
        JsonNode copyNode = null;
        for (JsonNode s : live.get("steps")) {
            if (s.get("id").asText().equals("copy")) {
                copyNode = s.get("nodes").get(0);
            }
        }
        assertEquals("running", copyNode.get("status").asText(), live.toString());
        if (copyNode.has("live")) {
            assertTrue(copyNode.get("live").get("rows_read").asLong() > 0, "live progress of a running copy: " + copyNode);
        } else {
            // no chunk the kill left sending still runs: each the server started has ended (the reattach below
            // takes it as done), and one it never got is sent by the reattach
            cluster.flushLogs();
            for (JsonNode c : new ObjectMapper().readTree(tmp.resolve("state/state.json").toFile()).get("steps").get("copy")
                    .get(dev.chrunbook.testing.ClusterNodes.id(1)).get("chunks")) {
                if (c.get("phase").asText().equals("copying")) {
                    String queryId = c.get("queryId").asText();
                    assertEquals(cluster.count(1, "SELECT count() FROM system.query_log WHERE query_id = '" + queryId + "' AND type = 1"),
                            cluster.count(1, "SELECT count() FROM system.query_log WHERE query_id = '" + queryId + "' AND type = 2"),
                            "the orphaned copy " + queryId + " ended on the server, as no live progress says: " + copyNode);
                }
            }
        }

        Files.deleteIfExists(tmp.resolve("state/run.lock"));
        Cli.Result resumed = run("run", "--to", "copy", "--execute");
        assertEquals(0, resumed.exitCode(), resumed.toString());
        cluster.flushLogs();
        String runId = new ObjectMapper().readTree(run("status", "--json").out()).get("run_id").asText();
        for (int n : new int[] {1, 3}) {
            String db = cluster.database();
            assertEquals(cluster.count(n, "SELECT count() FROM " + db + ".sharded_events"),
                    cluster.count(n, "SELECT count() FROM " + db + ".sharded_events_by_event"), "exact copy on node " + n);
            // each chunk's copy was sent once: the ones the kill left running were watched to their end, not sent again
            String chunks = "FROM system.query_log WHERE query_id LIKE 'chrunbook-" + runId + "-copy-c%' AND type = 1";
            long started = cluster.count(n, "SELECT count() " + chunks);
            assertTrue(started >= 2, "the copy ran in chunks on node " + n + ": " + started);
            assertEquals(started, cluster.count(n, "SELECT uniqExact(query_id) " + chunks), "no chunk's copy started twice on node " + n);
            // a chunk whose statement the kill caught before the server had it is copied again: at most parallel of them
            assertTrue(cluster.count(n, "SELECT count() " + chunks + " AND query_id NOT LIKE '%-1-1'") <= PARALLEL,
                    "at most copy_parallel chunks copied again on node " + n);
            assertEquals(started, cluster.count(n, "SELECT count() FROM system.query_log WHERE query_id LIKE 'chrunbook-" + runId
                    + "-copy-c%' AND type = 2"), "and each finished, on node " + n);
        }
    }

    @Test
    void cancelKillsTheCopyMarksItFailedAndNamesThePartialData() throws Exception {
        Process cli = start("run", "--to", "copy", "--execute", "--on-interrupt", "cancel");
        awaitCopyRunning(cli);
        new ProcessBuilder("kill", "-INT", String.valueOf(cli.pid())).start().waitFor();
        assertTrue(cli.waitFor(60, TimeUnit.SECONDS), "the CLI ends after the cancel");
        String output = Files.readString(tmp.resolve("cli.log"));
        assertEquals(1, cli.exitValue(), output);
        assertTrue(output.contains("cancelled: chrunbook-"), output);

        JsonNode status = new ObjectMapper().readTree(run("status", "--json").out());
        JsonNode copy = null;
        for (JsonNode s : status.get("steps")) {
            if (s.get("id").asText().equals("copy")) {
                copy = s;
            }
        }
        assertEquals("failed", copy.get("status").asText(), copy.toString());
        int killed = 0;
        for (JsonNode n : copy.get("nodes")) {
            // a node whose chunk was killed says where that chunk's rows are; one caught between two chunks sends no next one
            String error = n.path("error").asText();
            assertTrue(error.contains("cancelled by the operator"), n.toString());
            killed += error.contains("only in its temporary table") && error.contains("the target is untouched") ? 1 : 0;
        }
        assertTrue(killed >= 1, "a chunk running at the cancel was killed: " + copy);
        assertEquals(0, cluster.count(1, COPY_RUNNING), "nothing left running");
    }

    @Test
    void progressEventsShowRisingRowsAndAFiniteEta() throws Exception {
        // one INSERT ... SELECT of a whole shard (3M rows): a statement that runs for seconds, watched from
        // system.processes, where the chunked copy's chunks now end within one look of the monitor
        String db = cluster.database();
        cluster.onCluster("CREATE TABLE " + db + ".progress_copy ON CLUSTER posthog AS " + db + ".sharded_events"
                + " ENGINE = MergeTree() PARTITION BY toYYYYMM(timestamp) ORDER BY (event, uuid)");
        Path single = tmp.resolve("progress.yaml");
        Files.writeString(single, "name: progress-it\ncluster: posthog\ndatabase: " + db + "\nsteps:\n  - id: copy\n"
                + "    on: one-replica-per-shard\n    sql: INSERT INTO " + db + ".progress_copy SELECT * FROM " + db + ".sharded_events\n"
                + "    settings:\n      max_threads: 1\n      max_block_size: 65536\n");
        Cli.Result r = Cli.run("run", single.toString(), "--execute", "--json", "--connection", LocalCluster.CONNECTION.toString(),
                "--state-dir", tmp.resolve("progress-state").toString());
        assertEquals(0, r.exitCode(), r.toString());
        Map<String, List<JsonNode>> byNode = new HashMap<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : r.err().split("\n")) {
            if (line.startsWith("{")) {
                JsonNode e = json.readTree(line);
                if (e.get("event").asText().equals("progress") && e.get("step").asText().equals("copy")) {
                    byNode.computeIfAbsent(e.get("node").asText(), k -> new ArrayList<>()).add(e);
                }
            }
        }
        assertEquals(2, byNode.size(), "progress for both shards' copies: " + r.err());
        for (List<JsonNode> events : byNode.values()) {
            assertTrue(events.size() >= 2, "several progress events: " + events);
            // the statement's rows rise from one look to the next
            Map<String, List<Long>> byChunk = new HashMap<>();
            events.forEach(e -> byChunk.computeIfAbsent(e.get("query_id").asText(), k -> new ArrayList<>()).add(e.get("done").asLong()));
            assertTrue(byChunk.values().stream().anyMatch(d -> d.size() >= 2 && d.get(d.size() - 1) > d.get(0)), "rows rise: " + events);
            assertTrue(events.stream().anyMatch(e -> e.has("eta_s") && e.get("total").asLong() > 0), "a finite ETA: " + events);
        }
    }

    /** Waits until a chunk's copy of this CLI's run (not another run's copy a kill left behind) runs on node 1. */
    private void awaitCopyRunning(Process cli) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (runId() == null || cluster.count(1, "SELECT count() FROM system.processes WHERE query_id LIKE 'chrunbook-" + runId()
                + "-copy-%' AND read_rows > 0") == 0) {
            assertTrue(cli.isAlive() && System.nanoTime() < deadline, "the copy should start: " + Files.readString(tmp.resolve("cli.log")));
            Thread.sleep(50);
        }
    }

    private String runId() throws java.io.IOException {
        Path state = tmp.resolve("state/state.json");
        return Files.exists(state) ? new ObjectMapper().readTree(state.toFile()).path("runId").asText(null) : null;
    }

    private Process start(String... args) throws Exception {
        // SIGINT back to its default first: a JVM started with it ignored (under a shell's background job,
        // as `scripts/test &` is) never installs a handler for it, and the interrupt tests would not interrupt
        List<String> cmd = new ArrayList<>(List.of("python3", "-c", "import os, signal, sys; signal.signal(signal.SIGINT,"
                + " signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])", Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", System.getProperty("chrunbook.jar", "target/chrunbook.jar")));
        cmd.addAll(withCommon(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("cli.log").toFile()).start();
    }

    private Cli.Result run(String... args) {
        return Cli.run(withCommon(args).toArray(String[]::new));
    }

    private List<String> withCommon(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add(1, runbook.toString());
        all.addAll(List.of("--connection", LocalCluster.CONNECTION.toString(),
                "--state-dir", tmp.resolve("state").toString(), "--set", "kafka_topic=sup_" + cluster.database(),
                "--set", "copy_chunk_rows=" + CHUNK_ROWS, "--set", "copy_parallel=" + PARALLEL));
        return all;
    }
}

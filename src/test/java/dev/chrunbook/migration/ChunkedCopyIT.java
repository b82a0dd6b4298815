package dev.chrunbook.migration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chrunbook.testing.Cli;
import dev.chrunbook.testing.ClusterNodes;
import dev.chrunbook.testing.LocalCluster;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The chunked copy interrupted: the CLI killed with kill -9 at random moments of the copy, ten times,
 * and a ClickHouse node killed once. After the reruns every id is in staging exactly as often as in
 * the source, before any dedupe, and what was copied again is bounded by parallel x the largest chunk.
 * Then a partition of staging is tampered with, and the next run finds and repairs it.
 */
@ExtendWith(LocalCluster.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChunkedCopyIT {
    private static final Path EXAMPLE = LocalCluster.ROOT.resolve("examples/local-cluster");
    private static final int EVENTS = Integer.getInteger("chunked.events", 10_000_000);
    private static final int PARALLEL = 2;
    private static final String CHUNK_ROWS = "250000";
    private static final String COPYING = "SELECT count() FROM system.processes WHERE query_id LIKE 'chrunbook-%-copy-c%' AND read_rows > 0";

    private ClusterNodes cluster;
    private Path tmp;
    private Path runbook;
    private List<String> common;

    @BeforeAll
    void load(ClusterNodes nodes, @TempDir Path dir) throws Exception {
        cluster = nodes;
        tmp = dir;
        String db = nodes.database();
        Process p = new ProcessBuilder(EXAMPLE.resolve("load-events").toString(), "--database", db, "--events", String.valueOf(EVENTS),
                "--topic", "chunks_" + db, "--group", "chunks_main_" + db)
                .redirectErrorStream(true).redirectOutput(dir.resolve("load.log").toFile()).start();
        assertTrue(p.waitFor(10, TimeUnit.MINUTES) && p.exitValue() == 0, Files.readString(dir.resolve("load.log")));
        // no live ingestion: nothing produces to the class's own topic, so the source holds what was loaded
        runbook = dir.resolve("runbook.yaml");
        Files.writeString(runbook, Files.readString(EXAMPLE.resolve("runbook.yaml")).replace("\ndatabase: posthog\n", "\ndatabase: " + db + "\n"));
        Files.copy(EXAMPLE.resolve("drain.sql.ftl"), dir.resolve("drain.sql.ftl"));
        common = List.of("--connection", LocalCluster.CONNECTION.toString(), "--state-dir", dir.resolve("state").toString(),
                "--set", "kafka_topic=chunks_" + db, "--set", "copy_chunk_rows=" + CHUNK_ROWS, "--set", "copy_parallel=" + PARALLEL);
        Cli.Result staged = Cli.runbook(runbook, common, "run", "--to", "create-staging", "--execute");
        assertEquals(0, staged.exitCode(), staged.toString());
    }

    /** The CLI as its own process, so that it can be killed. */
    private Process start(String name) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("java", "-jar", System.getProperty("chrunbook.jar", "target/chrunbook.jar"),
                "run", runbook.toString(), "--step", "copy", "--execute", "--quiet"));
        cmd.addAll(common);
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve(name + ".log").toFile()).start();
    }

    private boolean reachable(int node) {
        try {
            cluster.query(node, "SELECT 1");
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private void unlock() throws Exception {
        Files.deleteIfExists(tmp.resolve("state/run.lock")); // what the operator does once sure the killed run is gone
    }

    private boolean awaitChunkCopying(Process cli) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (cluster.count(1, COPYING) + cluster.count(3, COPYING) == 0) {
            if (!cli.isAlive() || System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    private JsonNode ledger(String node) throws Exception {
        JsonNode steps = new ObjectMapper().readTree(tmp.resolve("state/state.json").toFile()).get("steps");
        return steps.has("copy") && steps.get("copy").has(node) ? steps.get("copy").get(node).get("chunks") : null;
    }

    @Test
    @Order(1)
    void killedTenTimesAndANodeOnceTheCopyEndsExactWithLittleCopiedAgain() throws Exception {
        int kills = 0;
        List<Long> recopiedByRun = new ArrayList<>();
        long recopiedBefore = 0;
        while (kills < 10) {
            Process cli = start("kill-" + kills);
            if (!awaitChunkCopying(cli)) {
                assertTrue(cli.waitFor(5, TimeUnit.MINUTES));
                break; // the copy finished before this kill: fewer than ten moments were left
            }
            Thread.sleep(ThreadLocalRandom.current().nextInt(0, 1500));
            cli.destroyForcibly().waitFor();
            unlock();
            kills++;
            long recopied = recopied();
            recopiedByRun.add(recopied - recopiedBefore); // what the run copied again of what the kill before it interrupted
            recopiedBefore = recopied;
        }
        assertEquals(10, kills, "ten kills during the copy (make the copy longer if it finished first)");

        // a ClickHouse node killed while it copies a chunk, then restarted
        Process cli = start("node-kill");
        assertTrue(awaitChunkCopying(cli), Files.readString(tmp.resolve("node-kill.log")));
        Path pid = LocalCluster.DIR.resolve("ch/node3/server.pid");
        new ProcessBuilder("kill", "-9", Files.readString(pid).trim()).start().waitFor();
        dev.chrunbook.testing.Waits.until(() -> !reachable(3), java.time.Duration.ofSeconds(30), "node 3 is down");
        cli.waitFor(5, TimeUnit.MINUTES);
        unlock();
        Process up = new ProcessBuilder(LocalCluster.ROOT.resolve("scripts/local-cluster").toString(), "up", "--kafka")
                .redirectErrorStream(true).redirectOutput(tmp.resolve("up.log").toFile()).start();
        assertTrue(up.waitFor(5, TimeUnit.MINUTES), Files.readString(tmp.resolve("up.log")));
        dev.chrunbook.testing.Waits.until(() -> reachable(3), java.time.Duration.ofMinutes(2), "node 3 is back: " + tmp.resolve("up.log"));

        recopiedByRun.add(recopied() - recopiedBefore);
        recopiedBefore = recopied();
        Cli.Result done = Cli.runbook(runbook, common, "run", "--step", "copy", "--execute");
        assertEquals(0, done.exitCode(), done.toString());
        recopiedByRun.add(recopied() - recopiedBefore);

        String db = cluster.database();
        long largest = 0;
        for (int n : new int[] {1, 3}) {
            assertEquals(0, cluster.count(n, "SELECT count() FROM (SELECT uuid, count() AS c FROM " + db + ".sharded_events_by_event"
                    + " GROUP BY uuid HAVING c != 1)"), "no id doubled or dropped in staging, before dedupe, on node " + n);
            assertEquals(cluster.count(n, "SELECT count() FROM " + db + ".sharded_events"),
                    cluster.count(n, "SELECT count() FROM " + db + ".sharded_events_by_event"), "every row copied on node " + n);
            assertEquals(0, cluster.count(n, "SELECT count() FROM system.tables WHERE database = '" + db + "' AND name LIKE '%_chunk_%'"),
                    "temporary tables dropped on node " + n);
            for (JsonNode c : ledger(ClusterNodes.id(n))) {
                largest = Math.max(largest, c.get("rows").asLong());
            }
        }
        System.out.printf("[ChunkedCopyIT] %d events, %d kills of the CLI, then 1 of a node: rows copied again by the run after"
                + " each interruption %s (%d in all); bound per interruption: parallel %d x largest chunk %d = %d%n", EVENTS, kills,
                recopiedByRun, recopiedByRun.stream().mapToLong(Long::longValue).sum(), PARALLEL, largest, PARALLEL * largest);
        for (long r : recopiedByRun) {
            // both shards copy at once, each with its own parallel chunks
            assertTrue(r <= 2 * PARALLEL * largest, "at most parallel x the largest chunk per shard: " + recopiedByRun);
        }
    }

    /** Rows sent again so far, over both shards: each copy of a chunk beyond its first, at its planned rows. */
    private long recopied() throws Exception {
        long rows = 0;
        for (int n : new int[] {1, 3}) {
            JsonNode chunks = ledger(ClusterNodes.id(n));
            if (chunks == null) {
                continue;
            }
            for (JsonNode c : chunks) {
                rows += Math.max(0, c.get("attempts").asLong() - 1) * c.get("plannedRows").asLong();
            }
        }
        return rows;
    }

    @Test
    @Order(2)
    void aPartitionTamperedWithInStagingIsFoundAndCopiedAgainByTheNextRun() throws Exception {
        String db = cluster.database();
        String partition = cluster.query(1, "SELECT partition_id FROM system.parts WHERE active AND database = '" + db
                + "' AND table = 'sharded_events_by_event' ORDER BY partition_id LIMIT 1");
        // a partition of staging loses its rows (replicated: the drop may land a moment after the statement returns)
        cluster.query(1, "ALTER TABLE " + db + ".sharded_events_by_event DROP PARTITION ID '" + partition + "'");
        long source = cluster.count(1, "SELECT count() FROM " + db + ".sharded_events");
        dev.chrunbook.testing.Waits.until(() -> cluster.count(1, "SELECT count() FROM " + db + ".sharded_events_by_event") < source,
                java.time.Duration.ofMinutes(1), "rows are missing from staging");

        java.util.Map<Integer, Integer> attemptsBefore = new java.util.HashMap<>();
        ledger(ClusterNodes.id(1)).forEach(c -> attemptsBefore.put(c.get("index").asInt(), c.get("attempts").asInt()));
        Cli.Result repaired = Cli.runbook(runbook, common, "run", "--step", "copy", "--rerun", "--execute");
        assertEquals(0, repaired.exitCode(), repaired.toString());
        assertEquals(source, cluster.count(1, "SELECT count() FROM " + db + ".sharded_events_by_event"), "the partition is whole again");
        long redone = 0;
        for (JsonNode c : ledger(ClusterNodes.id(1))) {
            int before = attemptsBefore.get(c.get("index").asInt());
            if (c.get("partition").asText().equals(partition)) {
                assertEquals(before + 1, c.get("attempts").asInt(), "the tampered partition's chunk was copied again: " + c);
                redone++;
            } else {
                assertEquals(before, c.get("attempts").asInt(), "a chunk of another partition was left alone: " + c);
            }
        }
        assertTrue(redone > 0, "the tampered partition has chunks");
    }
}

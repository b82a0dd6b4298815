package dev.chrunbook.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chrunbook.testing.Cli;
import dev.chrunbook.testing.ClusterNodes;
import dev.chrunbook.testing.LocalCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The engine against the real local cluster, through the real CLI. */
@ExtendWith(LocalCluster.class)
class RunbookEngineIT {
    private static final String CONNECTION = LocalCluster.ROOT.resolve("examples/local-cluster/connection.yaml").toString();

    @TempDir
    Path tmp;

    private final ObjectMapper json = new ObjectMapper();

    private static final String THREE_STEPS = """
            name: engine-it
            cluster: posthog
            database: %s
            vars:
              table: %s
            settings:
              max_threads: 2
            steps:
              - id: create
                on: one-replica-per-shard
                sql: >-
                  CREATE TABLE ${ident(database, table)} (id UInt64, shard UInt8)
                  ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/${database}.${table}_${run_id}', '{replica}')
                  ORDER BY id
              - id: insert
                on: one-replica-per-shard
                settings:
                  insert_deduplicate: 0
                sql: >-
                  INSERT INTO ${ident(database, table)}
                  SELECT id, ${node.shard} FROM ${ident(database, table + "_src")}
              - id: distributed
                on: cluster-once
                sql: >-
                  CREATE TABLE ${ident(database, table + "_all")} ON CLUSTER ${cluster} (id UInt64, shard UInt8)
                  ENGINE = Distributed(${cluster}, ${database}, ${table}, id)
            """;

    @Test
    void stepByStepWithAFailureOnShardTwoThenARerunThatTouchesOnlyShardTwo(ClusterNodes cluster) throws Exception {
        String db = cluster.database();
        Path runbook = write("three.yaml", THREE_STEPS.formatted(db, "events"));
        // the insert reads from a source table that exists on shard 1 only: shard 2 must fail
        cluster.query(1, "CREATE TABLE " + db + ".events_src (id UInt64) ENGINE = MergeTree ORDER BY id");
        cluster.query(1, "INSERT INTO " + db + ".events_src SELECT number FROM system.numbers LIMIT 1000");

        Cli.Result first = run(runbook, "run", "--execute");
        assertEquals(0, first.exitCode(), first.toString());
        assertTrue(first.out().contains("step create: done"), first.out());
        JsonNode afterCreate = status(runbook);
        assertEquals("done", step(afterCreate, "create").get("status").asText());
        assertEquals("pending", step(afterCreate, "insert").get("status").asText());

        Cli.Result second = run(runbook, "run", "--execute");
        assertEquals(1, second.exitCode(), second.toString());
        assertTrue(second.err().contains("--step insert --execute"), "names the rerun command: " + second.err());
        JsonNode failed = status(runbook);
        assertEquals("failed", step(failed, "insert").get("status").asText());
        assertEquals("done", node(failed, "insert", ClusterNodes.id(1)).get("status").asText());
        JsonNode shard2 = node(failed, "insert", ClusterNodes.id(3));
        assertEquals("failed", shard2.get("status").asText());
        assertTrue(shard2.get("error").asText().contains("doesn't exist"), shard2.toString());

        Cli.Result blocked = run(runbook, "run", "--step", "distributed", "--execute");
        assertEquals(3, blocked.exitCode(), "a later step waits for the failed one: " + blocked);

        // the fix, then the rerun on shard 2 only
        cluster.query(3, "CREATE TABLE " + db + ".events_src (id UInt64) ENGINE = MergeTree ORDER BY id");
        cluster.query(3, "INSERT INTO " + db + ".events_src SELECT number FROM system.numbers LIMIT 700");
        cluster.flushLogs();
        long[] before = chrunbookStatements(cluster);
        Cli.Result rerun = run(runbook, "run", "--step", "insert", "--shard", "2", "--execute");
        assertEquals(0, rerun.exitCode(), rerun.toString());
        cluster.flushLogs();
        long[] after = chrunbookStatements(cluster);
        assertEquals(before[0], after[0], "no new chrunbook statement on shard 1, replica 1");
        assertEquals(before[1], after[1], "no new chrunbook statement on shard 1, replica 2");
        assertTrue(after[2] > before[2], "the rerun ran on shard 2");
        assertEquals(1000, cluster.count(1, "SELECT count() FROM " + db + ".events"));
        assertEquals(700, cluster.count(3, "SELECT count() FROM " + db + ".events"));

        Cli.Result third = run(runbook, "run", "--execute");
        assertEquals(0, third.exitCode(), third.toString());
        assertEquals(1700, cluster.count(2, "SELECT count() FROM " + db + ".events_all"));
        JsonNode done = status(runbook);
        for (JsonNode s : done.get("steps")) {
            assertEquals("done", s.get("status").asText(), s.toString());
        }
        assertEquals(2, node(done, "insert", ClusterNodes.id(3)).get("attempts").asInt());
        assertEquals(1, node(done, "insert", ClusterNodes.id(1)).get("attempts").asInt());

        Cli.Result nothing = run(runbook, "run", "--execute");
        assertEquals(0, nothing.exitCode());
        assertTrue(nothing.out().contains("nothing to run"), nothing.out());
    }

    @Test
    void planAndDryRunExecuteNothingOnAnyNode(ClusterNodes cluster) throws Exception {
        String table = "never_created_" + Long.toHexString(System.nanoTime());
        Path runbook = write("plan.yaml", THREE_STEPS.formatted(cluster.database(), table));

        Cli.Result plan = run(runbook, "plan");
        assertEquals(0, plan.exitCode(), plan.toString());
        assertTrue(plan.out().contains("ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/" + cluster.database() + "." + table + "_"),
                plan.out());
        assertTrue(plan.out().contains("-- node 127.0.0.1:8123 (shard 2, replica ch3)"), plan.out());
        Cli.Result dry = run(runbook, "run", "--dry-run", "--all");
        assertEquals(0, dry.exitCode(), dry.toString());
        assertTrue(dry.out().contains("DRY RUN"), dry.out());
        assertTrue(dry.out().contains("INSERT INTO `" + cluster.database() + "`.`" + table + "`"), dry.out());

        cluster.flushLogs();
        for (int n = 1; n <= ClusterNodes.NODES; n++) {
            assertEquals(0, cluster.count(n, "SELECT count() FROM system.query_log WHERE query LIKE '%" + table
                    + "%' AND query NOT LIKE '%system.query_log%'"), "node " + n + " saw a statement of plan/dry-run");
        }
        assertTrue(!Files.exists(tmp.resolve("state").resolve("state.json")), "dry-run writes no state");
    }

    @Test
    void killDashNineMidStepThenRunReattachesAndNothingRunsTwice(ClusterNodes cluster) throws Exception {
        String db = cluster.database();
        long rows = 30_000_000;
        Path runbook = write("kill.yaml", """
                name: kill-it
                cluster: posthog
                database: %s
                steps:
                  - id: create
                    on: one-replica-per-shard
                    sql: >-
                      CREATE TABLE ${ident(database, "big")} (id UInt64, h String)
                      ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/${database}.big_${run_id}', '{replica}') ORDER BY id
                  - id: fill
                    on: one-replica-per-shard
                    settings:
                      max_threads: 1
                    sql: >-
                      INSERT INTO ${ident(database, "big")}
                      SELECT number, toString(cityHash64(number)) FROM system.numbers LIMIT %d
                """.formatted(db, rows));
        Process cli = new ProcessBuilder(cliCommand(runbook, "run", "--execute", "--all"))
                .redirectErrorStream(true).redirectOutput(tmp.resolve("killed.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        boolean running = false;
        while (!running && System.nanoTime() < deadline && cli.isAlive()) {
            running = cluster.count(1, "SELECT count() FROM system.processes WHERE query_id LIKE 'chrunbook-%-fill-%'") > 0
                    && cluster.count(1, "SELECT max(written_rows) FROM system.processes WHERE query_id LIKE 'chrunbook-%-fill-%'") > 0;
            Thread.sleep(100);
        }
        assertTrue(running, "the fill statement should be running before the kill: " + Files.readString(tmp.resolve("killed.log")));
        cli.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook, no cleanup
        assertTrue(cluster.count(1, "SELECT count() FROM system.processes WHERE query_id LIKE 'chrunbook-%-fill-%'") > 0
                        || cluster.count(3, "SELECT count() FROM system.processes WHERE query_id LIKE 'chrunbook-%-fill-%'") > 0,
                "the statement outlives the killed CLI on the server");

        Cli.Result locked = run(runbook, "run", "--execute", "--all");
        assertEquals(3, locked.exitCode(), locked.toString());
        assertTrue(locked.err().contains("stale lock"), locked.err());
        Files.delete(tmp.resolve("state").resolve("run.lock"));

        Cli.Result resumed = run(runbook, "run", "--execute", "--all");
        assertEquals(0, resumed.exitCode(), resumed.toString());
        JsonNode st = status(runbook);
        for (JsonNode s : st.get("steps")) {
            assertEquals("done", s.get("status").asText(), s.toString());
        }
        String runId = st.get("run_id").asText();
        cluster.flushLogs();
        for (int n : new int[] {1, 3}) {
            assertEquals(rows, cluster.count(n, "SELECT count() FROM " + db + ".big"), "rows on node " + n);
            assertEquals(1, cluster.count(n, "SELECT count() FROM system.query_log WHERE query_id LIKE 'chrunbook-" + runId
                    + "-fill-%' AND type = 2"), "exactly one finished fill statement on node " + n);
            assertEquals(0, cluster.count(n, "SELECT count() FROM system.query_log WHERE query_id LIKE 'chrunbook-" + runId
                    + "-fill-%-2-%'"), "no second attempt on node " + n);
            assertEquals(1, cluster.count(n, "SELECT count() FROM system.query_log WHERE query_id LIKE 'chrunbook-" + runId
                    + "-create-%' AND type = 2"), "create ran once on node " + n);
        }
    }

    private long[] chrunbookStatements(ClusterNodes cluster) {
        long[] counts = new long[ClusterNodes.NODES];
        for (int n = 1; n <= ClusterNodes.NODES; n++) {
            counts[n - 1] = cluster.count(n, "SELECT count() FROM system.query_log WHERE query_id LIKE 'chrunbook-%'");
        }
        return counts;
    }

    private Path write(String name, String content) throws IOException {
        Path file = tmp.resolve(name);
        Files.writeString(file, content);
        return file;
    }

    private Cli.Result run(Path runbook, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add(1, runbook.toString());
        all.addAll(List.of("--connection", CONNECTION, "--state-dir", tmp.resolve("state").toString()));
        return Cli.run(all.toArray(String[]::new));
    }

    private List<String> cliCommand(Path runbook, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", System.getProperty("chrunbook.jar", "target/chrunbook.jar")));
        cmd.add(args[0]);
        cmd.add(runbook.toString());
        cmd.addAll(List.of(args).subList(1, args.length));
        cmd.addAll(List.of("--connection", CONNECTION, "--state-dir", tmp.resolve("state").toString()));
        return cmd;
    }

    private JsonNode status(Path runbook) throws IOException {
        Cli.Result r = run(runbook, "status", "--json");
        assertEquals(0, r.exitCode(), r.toString());
        return json.readTree(r.out());
    }

    private static JsonNode step(JsonNode status, String id) {
        for (JsonNode s : status.get("steps")) {
            if (s.get("id").asText().equals(id)) {
                return s;
            }
        }
        throw new AssertionError("no step " + id + " in " + status);
    }

    private static JsonNode node(JsonNode status, String stepId, String nodeId) {
        for (JsonNode n : step(status, stepId).get("nodes")) {
            if (n.get("node").asText().equals(nodeId)) {
                return n;
            }
        }
        throw new AssertionError("no node " + nodeId + " in step " + stepId + ": " + status);
    }
}

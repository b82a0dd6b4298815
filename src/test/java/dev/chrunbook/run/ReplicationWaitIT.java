package dev.chrunbook.run;

import dev.chrunbook.testing.Cli;
import dev.chrunbook.testing.ClusterNodes;
import dev.chrunbook.testing.LocalCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The runbooks' wait for new replicas (templates/replicated.sql.ftl) on the real cluster: a replica
 * whose fetches are stopped fails the step with exit 4 once its wait runs out, naming the queued
 * entries, instead of hanging as 18.16's SYSTEM SYNC REPLICA does; started again, the step passes.
 * The table is not the events fixture: sensor readings, daily partitions, no id column.
 */
@ExtendWith(LocalCluster.class)
class ReplicationWaitIT {
    private static final String CONNECTION = LocalCluster.ROOT.resolve("examples/local-cluster/connection.yaml").toString();

    private static final String RUNBOOK = """
            name: replication-wait-it
            cluster: posthog
            database: %s
            vars:
              staging: readings_copy
            steps:
              - id: replicate
                on: every-replica
                sql: >-
                  CREATE TABLE IF NOT EXISTS ${ident(database, staging)} (sensor String, at DateTime, reading Float32)
                  ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/${database}.${staging}_${run_id}', '{replica}')
                  PARTITION BY toYYYYMMDD(at) ORDER BY (sensor, at)
              - id: replicated
                kind: check
                on: every-replica
                template: replicated.sql.ftl
                wait: 4s
            """;

    @TempDir
    Path tmp;

    @Test
    void aReplicaThatCannotFetchFailsTheWaitNamingItsQueueThenPassesOnceItCan(ClusterNodes cluster) throws Exception {
        String db = cluster.database();
        Path runbook = tmp.resolve("runbook.yaml");
        Files.writeString(runbook, RUNBOOK.formatted(db));
        Cli.Result created = run(runbook, "run", "--execute", "--step", "replicate");
        assertEquals(0, created.exitCode(), created.toString());
        String table = db + ".readings_copy";
        cluster.query(2, "SYSTEM STOP FETCHES " + table); // node 2: the other replica of shard 1
        try {
            cluster.query(1, "INSERT INTO " + table + " SELECT concat('s', toString(number % 7)), toDateTime('2025-03-01 00:00:00')"
                    + " + number * 3600, number / 10 FROM numbers(200)");

            long started = System.nanoTime();
            Cli.Result stuck = run(runbook, "run", "--execute", "--step", "replicated");
            long seconds = (System.nanoTime() - started) / 1_000_000_000L;
            assertEquals(4, stuck.exitCode(), stuck.toString());
            String said = stuck.out() + stuck.err();
            assertTrue(said.contains("replica still fetching") && said.contains("GET_PART"), said);
            assertTrue(said.contains(ClusterNodes.id(2)), "names the replica: " + said);
            assertTrue(seconds < 120, "the wait is bounded (" + seconds + " s)");
        } finally {
            cluster.query(2, "SYSTEM START FETCHES " + table);
        }
        Cli.Result passed = null;
        for (int i = 0; i < 10 && (passed == null || passed.exitCode() != 0); i++) { // a fetch that failed is retried with a backoff
            passed = run(runbook, "run", "--execute", "--step", "replicated", "--node", ClusterNodes.id(2));
        }
        assertEquals(0, passed.exitCode(), passed.toString());
        assertEquals(cluster.count(1, "SELECT count() FROM " + table), cluster.count(2, "SELECT count() FROM " + table));
    }

    private Cli.Result run(Path runbook, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add(1, runbook.toString());
        all.addAll(List.of("--connection", CONNECTION, "--state-dir", tmp.resolve("state").toString(),
                "--templates", LocalCluster.ROOT.resolve("templates").toString()));
        return Cli.run(all.toArray(String[]::new));
    }
}

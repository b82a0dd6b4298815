package dev.chrunbook.migration;

import dev.chrunbook.testing.Cli;
import dev.chrunbook.testing.ClusterNodes;
import dev.chrunbook.testing.LocalCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The example runbook's multi-statement steps, rerun after only some of their statements went through
 * (what a ZooKeeper stall, a replica timeout or a kill leaves): each reaches its intended state with
 * no cleanup by hand. Before, materialized-columns failed its rerun with "Cannot add column ...: column
 * with this name already exists" and catch-up with "Table ... already exists".
 */
@ExtendWith(LocalCluster.class)
class RerunConvergenceIT {
    private static final String STAGING = "app_events_by_kind";

    @TempDir
    Path tmp;

    @Test
    void materializedColumnsAndCatchUpConvergeAfterAPartialApplication(ClusterNodes cluster) throws Exception {
        String db = cluster.database();
        String topic = "app_" + db;
        ForeignSchema.create(cluster, topic, 20_000);
        Path runbook = ForeignSchema.runbook(tmp.resolve("runbook"), db, topic);
        List<String> common = List.of("--connection", LocalCluster.CONNECTION.toString(), "--state-dir", tmp.resolve("state").toString(),
                "--set", "materialized=recompute");
        expectOk(Cli.runbook(runbook, common, "run", "--to", "replicated", "--execute"));

        // materialized-columns in part: the first of its two ALTERs went through on each shard, the second did not
        for (int node : new int[] {1, 3}) {
            cluster.query(node, "ALTER TABLE " + db + "." + STAGING + " ADD COLUMN mat_plan String MATERIALIZED visitParamExtractString(payload, 'plan')");
        }
        expectOk(Cli.runbook(runbook, common, "run", "--step", "materialized-columns", "--execute"));
        for (int node = 1; node <= 4; node++) {
            assertEquals("day\tALIAS\nmat_plan\tMATERIALIZED", cluster.query(node, "SELECT name, default_kind FROM system.columns WHERE database = '"
                    + db + "' AND table = '" + STAGING + "' AND default_kind IN ('ALIAS', 'MATERIALIZED') ORDER BY name"),
                    "staging holds both computed columns once on " + ClusterNodes.id(node));
        }

        // catch-up in part: its Distributed and Kafka tables were created, its view was not
        expectOk(Cli.runbook(runbook, common, "run", "--to", "catch-up", "--execute"));
        expectOk(Cli.runbook(runbook, common, "reset", "--step", "catch-up"));
        cluster.onCluster("DROP TABLE " + db + ".app_mv_catchup ON CLUSTER posthog");
        expectOk(Cli.runbook(runbook, common, "run", "--step", "catch-up", "--execute"));
        for (int node = 1; node <= 4; node++) {
            assertEquals("app_kafka_catchup\napp_mv_catchup\napp_writable_catchup", cluster.query(node, "SELECT name FROM system.tables"
                    + " WHERE database = '" + db + "' AND name LIKE '%catchup' ORDER BY name"), "every catch-up object on " + ClusterNodes.id(node));
        }
        // and the rest of the migration up to the cut-over passes its gates, the schema gate included
        expectOk(Cli.runbook(runbook, common, "run", "--all", "--execute"));
    }

    private static void expectOk(Cli.Result r) {
        assertEquals(0, r.exitCode(), r.toString());
    }
}

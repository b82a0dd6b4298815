package dev.chrunbook.cli;

import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import dev.chrunbook.testing.CurrentClusterLock;
import dev.chrunbook.state.StateStore;
import dev.chrunbook.testing.Cli;
import dev.chrunbook.testing.CurrentCluster;
import dev.chrunbook.testing.LocalCluster;
import dev.chrunbook.testing.PostHogSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The plan of the shipped runbook on PostHog's own tables on the current cluster (26.7, DDL node by
 * node), byte for byte with a fixed run id, masked as {@link GoldenPlanIT} masks; regenerate with
 * -Dgolden.update=true after a change that is meant to show.
 */
@Execution(ExecutionMode.CONCURRENT) // uses only the current cluster: beside the 18.16 classes
@ResourceLock(CurrentClusterLock.NAME)
class CurrentGoldenPlanIT {
    private static final Path GOLDEN = LocalCluster.ROOT.resolve("src/test/resources/golden/posthog-current-cluster.plan");

    /** PostHog's sharded_events is sorted by the shipped runbook's order_by already: this migration puts event first. */
    static final String ORDER_BY = "team_id, event, toDate(timestamp), cityHash64(distinct_id), cityHash64(uuid)";

    @TempDir
    Path tmp;

    @Test
    void theShippedRunbookPlansOnPostHogsTablesOnTheCurrentClusterAsBefore() throws Exception {
        CurrentCluster.ensureUp();
        PostHogSchema schema = new PostHogSchema("golden");
        schema.create(1000);
        Path runbook = LocalCluster.ROOT.resolve("runbooks/posthog-events-reorder/runbook.yaml");
        Path state = tmp.resolve("state");
        StateStore.open(state, "posthog-events-reorder", runbook, "20261201_000000_0001", Clock.systemUTC());
        Cli.Result plan = Cli.runbook(runbook, List.of("--connection", CurrentCluster.CONNECTION.toString(), "--state-dir", state.toString(),
                "--set", "kafka_mv=events_json_mv", "--set", "kafka_brokers=127.0.0.1:9092", "--set", "kafka_topic=" + schema.topic(),
                "--set", "main_group=" + schema.group(), "--set", "order_by=" + ORDER_BY), "plan");
        assertEquals(0, plan.exitCode(), plan.toString());
        // the checkout's path shows in the rollback hint, and CI checks out elsewhere; the loader's
        // rows are two hours old, so their month is the month of the run
        String masked = GoldenPlanIT.mask(plan.out().replace(runbook.getParent().toString(), "<dir>"), "posthog", tmp)
                .replaceAll("(?<![\\d_])20\\d\\d(0[1-9]|1[0-2])(?![\\d_])", "<month>");
        assertTrue(masked.contains("-- cluster form: per-node DDL"), masked);
        assertTrue(masked.contains("setting deduplicate_merge_projection_mode: (none) -> 'rebuild'"), "plan states the projection mode");
        assertTrue(masked.contains("kafka_group_name = 'clickhouse_events_catchup_20261201_000000_0001'"), "the catch-up's group is set");
        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(GOLDEN, masked);
        }
        assertTrue(Files.exists(GOLDEN), GOLDEN + " is missing: run this test once with -Dgolden.update=true");
        assertEquals(Files.readString(GOLDEN), masked, "the plan of " + runbook + " on the current cluster changed");
    }
}

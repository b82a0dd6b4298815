package dev.chrunbook.migration;

import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import dev.chrunbook.testing.CurrentClusterLock;
import dev.chrunbook.testing.Cli;
import dev.chrunbook.testing.CurrentCluster;
import dev.chrunbook.testing.LocalCluster;
import dev.chrunbook.testing.PostHogSchema;
import dev.chrunbook.testing.RowValues;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PostHog changes MATERIALIZED expressions in place (property_groups.py, get_alter_modify_statements:
 * "does not modify the materialized data on disk"), so rows written before hold values today's
 * expression would not give. On PostHog's own sharded_events on the current cluster, the migration's
 * staging table compared with the source row by row, every stored and MATERIALIZED column: computing
 * the values again (the handbook's way, materialized: recompute) changes them; copying them as data
 * (the default) keeps every one.
 */
@Execution(ExecutionMode.CONCURRENT) // uses only the current cluster: beside the 18.16 classes
@ResourceLock(CurrentClusterLock.NAME)
class MaterializedValuesIT {
    private static final Path RUNBOOK = LocalCluster.ROOT.resolve("src/test/resources/posthog/materialized-runbook.yaml");
    private static final int PER_BATCH = 20_000;

    @TempDir
    Path tmp;

    @Test
    void recomputingChangesTheValuesRowsWereWrittenWithAndTheGateSaysSo() throws Exception {
        long loaded = new PostHogSchema("mv_recompute").create(PER_BATCH);
        Cli.Result r = migrate("recompute");
        assertEquals(4, r.exitCode(), "the materialized-values gate fails the migration: " + r);
        assertTrue(r.out().contains("a MATERIALIZED value differs from the source") && r.out().contains("properties_group_custom"), r.out());
        Map<String, Long> differing = RowValues.differing("posthog", "sharded_events", "sharded_events_by_event", "1");
        assertEquals(loaded, CurrentCluster.total("SELECT count() FROM posthog.sharded_events_by_event"), "every row copied");
        // the rows of the two batches written before the MODIFY kept epik and qclid in their custom group
        assertEquals(2L * PER_BATCH, differing.getOrDefault("properties_group_custom", 0L), "what recomputing changes: " + differing);
        assertEquals(Map.of("properties_group_custom", 2L * PER_BATCH), differing, "and nothing else");
    }

    @Test
    void copyingKeepsEveryStoredAndMaterializedValue() throws Exception {
        long loaded = new PostHogSchema("mv_copy").create(PER_BATCH);
        long oldValues = CurrentCluster.total("SELECT count() FROM posthog.sharded_events WHERE mapContains(properties_group_custom, 'epik')");
        assertEquals(2L * PER_BATCH, oldValues, "rows written under the older expression hold what today's drops");
        Cli.Result r = migrate("copy");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(loaded, CurrentCluster.total("SELECT count() FROM posthog.sharded_events_by_event"), "every row copied");
        assertEquals(Map.of(), RowValues.differing("posthog", "sharded_events", "sharded_events_by_event", "1"),
                "every value of every row as the source stores it");
        assertEquals(oldValues, CurrentCluster.total("SELECT count() FROM posthog.sharded_events_by_event"
                + " WHERE mapContains(properties_group_custom, 'epik')"));
    }

    private Cli.Result migrate(String materialized) {
        return Cli.runbook(RUNBOOK, List.of("--connection", CurrentCluster.CONNECTION.toString(),
                "--state-dir", tmp.resolve("state").toString(), "--set", "materialized=" + materialized), "run", "--all", "--execute");
    }

}

package dev.chrunbook.migration;

import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import dev.chrunbook.testing.CurrentClusterLock;
import dev.chrunbook.ddl.CreateQuery;
import dev.chrunbook.ddl.StagingDerivation;
import dev.chrunbook.testing.CurrentCluster;
import dev.chrunbook.testing.PostHogSchema;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What PostHog's own DDL did to the derivations that run before the migration's data moves, each
 * shown failing the way it failed before, then passing, on the current cluster (26.7).
 */
@Execution(ExecutionMode.CONCURRENT) // uses only the current cluster: beside the 18.16 classes
@ResourceLock(CurrentClusterLock.NAME)
class PostHogDdlIT {
    @BeforeAll
    static void schema() throws Exception {
        new PostHogSchema("ddl").create(100);
    }

    private static CreateQuery source(String table) {
        return CreateQuery.parse(CurrentCluster.query(1, "SELECT create_table_query FROM system.tables WHERE database = 'posthog'"
                + " AND name = '" + table + "'").replace("\\'", "'").replace("\\n", "\n"));
    }

    /** Migration 0060's projection on a ReplacingMergeTree whose definition predates deduplicate_merge_projection_mode. */
    @Test
    void theStagingTableOfAnUpgradedTableWithAProjectionIsAccepted() {
        CreateQuery sharded = source("sharded_events");
        assertTrue(sharded.sql(false, null).contains("PROJECTION inserted_at_batch_exports_projection"), "the 0060 projection is there");
        StagingDerivation.Spec asBefore = new StagingDerivation.Spec("posthog", "staging_as_before", null, "(" + PostHogCurrentClusterIT.ORDER_BY + ")",
                null, null, null, null, Map.of("deduplicate_merge_projection_mode", "'throw'"), false); // the server's default
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> CurrentCluster.query(1,
                StagingDerivation.derive(sharded, asBefore).staging().sql(false, null)));
        assertTrue(refused.getMessage().contains("Code: 344"), refused.getMessage());
        StagingDerivation.Spec now = new StagingDerivation.Spec("posthog", "staging_now", null, "(" + PostHogCurrentClusterIT.ORDER_BY + ")",
                null, null, null, null);
        CurrentCluster.query(1, StagingDerivation.derive(sharded, now).staging().sql(false, null));
        assertEquals(1, CurrentCluster.count(1, "SELECT count() FROM system.tables WHERE database = 'posthog' AND name = 'staging_now'"
                + " AND position(create_table_query, 'deduplicate_merge_projection_mode = \\'rebuild\\'') > 0"));
        CurrentCluster.query(1, "DROP TABLE posthog.staging_now SYNC");
    }

    /** kafka_events_json over the named collection msk_cluster, with key = value engine arguments. */
    @Test
    void theCatchUpKafkaTableOverANamedCollectionGetsItsOwnGroup() {
        CreateQuery kafka = source("kafka_events_json");
        String mirror = kafka.withName("posthog", "kafka_events_json_mirror").withSetting("kafka_group_name", "'mirror_group'").sql(false, null);
        CurrentCluster.query(1, mirror);
        String created = CurrentCluster.query(1, "SELECT engine_full FROM system.tables WHERE database = 'posthog' AND name = 'kafka_events_json_mirror'")
                .replace("\\'", "'");
        assertTrue(created.startsWith("Kafka(msk_cluster, kafka_topic_list = 'clickhouse_events_json_ddl', kafka_group_name = 'mirror_group',"), created);
        assertTrue(created.contains("SETTINGS kafka_skip_broken_messages = 100"), created);
        CurrentCluster.query(1, "DROP TABLE posthog.kafka_events_json_mirror SYNC");
    }
}

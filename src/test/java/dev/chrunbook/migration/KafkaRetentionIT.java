package dev.chrunbook.migration;

import dev.chrunbook.testing.Cli;
import dev.chrunbook.testing.ClusterNodes;
import dev.chrunbook.testing.LocalCluster;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A copy that outlives the topic's retention: the messages the catch-up group must start from are
 * gone, so the migration stops with exit 4 at catch-up-offsets, before any catch-up object exists
 * and long before the swap.
 */
@ExtendWith(LocalCluster.class)
class KafkaRetentionIT {
    @TempDir
    Path tmp;

    @Test
    void catchUpRefusesWhenRetentionDeletedTheMessagesSinceTheCopyStarted(ClusterNodes cluster) throws Exception {
        String db = cluster.database();
        String topic = "retention_" + db;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092"))) {
            ForeignSchema.create(cluster, topic, 5_000);
            Path runbook = ForeignSchema.runbook(tmp.resolve("runbook"), db, topic);
            List<String> common = List.of("--connection", LocalCluster.CONNECTION.toString(), "--state-dir", tmp.resolve("state").toString());
            // estimate reads the topic's retention from the broker and refuses a copy that outlives it
            String brief = "brief_" + db;
            admin.createTopics(List.of(new NewTopic(brief, 1, (short) 1).configs(Map.of("retention.ms", "1")))).all().get();
            Cli.Result refused = Cli.runbook(runbook, common, "estimate", "--set", "kafka_topic=" + brief);
            assertEquals(4, refused.exitCode(), refused.toString());
            assertTrue(refused.err().contains("refused: topic " + brief + " keeps messages 0.001 s, less than the estimated copy of"),
                    refused.toString());
            Cli.Result kept = Cli.runbook(runbook, common, "estimate");
            assertEquals(0, kept.exitCode(), "the topic's own retention (the broker's default, 7 days) outlives the copy: " + kept);
            assertTrue(kept.out().contains("a sample copy of"), kept.out());
            Cli.Result preflight = Cli.runbook(runbook, common, "run", "--execute", "--to", "preflight-kafka");
            assertEquals(0, preflight.exitCode(), preflight.toString());
            try (LiveProducer producer = new LiveProducer(topic, 100, ForeignSchema.MESSAGE)) {
                dev.chrunbook.testing.Waits.until(() -> producer.produced() > 200, java.time.Duration.ofMinutes(1), "messages before the copy");
                assertEquals(0, Cli.runbook(runbook, common, "run", "--execute", "--to", "distributed-columns").exitCode());
                producer.stop();
            }
            // retention catches up with the copy: a short retention.ms on the topic, and the broker's
            // cleaner made deterministic by deleting what it would delete, up to the end
            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, topic),
                    List.of(new AlterConfigOp(new ConfigEntry("retention.ms", "1000"), AlterConfigOp.OpType.SET)))).all().get();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < 2; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            Map<TopicPartition, RecordsToDelete> delete = new HashMap<>();
            admin.listOffsets(latest).all().get().forEach((tp, info) -> delete.put(tp, RecordsToDelete.beforeOffset(info.offset())));
            admin.deleteRecords(delete).all().get();

            Cli.Result run = Cli.runbook(runbook, common, "run", "--execute", "--to", "settle");
            assertEquals(4, run.exitCode(), run.toString());
            assertTrue(run.toString().contains("retention deleted offsets before") && run.toString().contains("retention.ms=1000"),
                    run.toString());
            assertEquals(0, cluster.count(1, "SELECT count() FROM system.tables WHERE database = '" + db
                    + "' AND name IN ('app_kafka_catchup', 'app_mv_catchup', 'app_writable_catchup')"), "no catch-up object was created");
            assertEquals("app_events", cluster.query(1, "SELECT name FROM system.tables WHERE database = '" + db
                    + "' AND name = 'app_events'"), "nothing was swapped");
        }
    }
}

package dev.chrunbook.migration;

import dev.chrunbook.testing.ClusterNodes;
import dev.chrunbook.testing.LocalCluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * An events table that is not PostHog's, for proving the migration on a schema it was not written
 * for: another name and id column, a DEFAULT, an ALIAS and a MATERIALIZED column, weekly
 * partitions, no SAMPLE BY, its own index_granularity, a Kafka table with other settings and
 * column order, and 1 % of its rows stored twice (exact duplicates in separate parts).
 */
final class ForeignSchema {
    static final String SOURCE = "app_events";

    private ForeignSchema() {
    }

    static void create(ClusterNodes cluster, String topic, int rows) throws Exception {
        create(cluster, topic, rows, false);
    }

    /** @param messageTime the ingestion column is the message's own time (happened_at), as Kafka's timestamp is on current servers */
    static void create(ClusterNodes cluster, String topic, int rows, boolean messageTime) throws Exception {
        create(cluster, topic, rows, messageTime, true);
    }

    /**
     * @param ingestion whether the Kafka table and its view are made too: a test that only copies
     *                  goes without them (18.16 can take a minute to drop a Kafka table's consumer)
     */
    static void create(ClusterNodes cluster, String topic, int rows, boolean messageTime, boolean ingestion) throws Exception {
        String db = cluster.database();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092"))) {
            if (!admin.listTopics().names().get().contains(topic)) {
                admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
            }
        }
        cluster.query(1, "CREATE TABLE " + db + ".app_events ON CLUSTER posthog (event_id UUID, kind String, payload String,"
                + " happened_at DateTime, org_id UInt32, user_key String, app_version String DEFAULT 'v1', ingested_at DateTime,"
                + " day Date ALIAS toDate(happened_at), mat_plan String MATERIALIZED visitParamExtractString(payload, 'plan'))"
                + " ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/" + db + ".app_events', '{replica}', ingested_at)"
                + " PARTITION BY toMonday(happened_at) ORDER BY (org_id, happened_at, cityHash64(toString(event_id)))"
                + " SETTINGS index_granularity = 1024");
        String stored = "(event_id UUID, kind String, payload String, happened_at DateTime, org_id UInt32, user_key String,"
                + " app_version String, ingested_at DateTime)";
        cluster.query(1, "CREATE TABLE " + db + ".app_writable ON CLUSTER posthog " + stored
                + " ENGINE = Distributed(posthog, " + db + ", app_events, cityHash64(user_key))");
        cluster.query(1, "CREATE TABLE " + db + ".app_read ON CLUSTER posthog " + stored
                + " ENGINE = Distributed(posthog, " + db + ", app_events, cityHash64(user_key))");
        if (ingestion) {
            ingestion(cluster, topic, messageTime);
        }
        load(cluster, rows);
    }

    private static void ingestion(ClusterNodes cluster, String topic, boolean messageTime) {
        String db = cluster.database();
        cluster.query(1, "CREATE TABLE " + db + ".app_kafka ON CLUSTER posthog (org_id UInt32, event_id String, kind String,"
                + " user_key String, payload String, happened_at DateTime, app_version String) ENGINE = Kafka SETTINGS"
                + " kafka_broker_list = '127.0.0.1:9092', kafka_topic_list = '" + topic + "', kafka_group_name = 'app_main_" + db + "',"
                + " kafka_format = 'JSONEachRow', kafka_max_block_size = 50, kafka_num_consumers = 1");
        cluster.query(1, "CREATE MATERIALIZED VIEW " + db + ".app_mv ON CLUSTER posthog TO " + db + ".app_writable AS SELECT"
                + " toUUID(event_id) AS event_id, kind, payload, happened_at, org_id, user_key, app_version, " + (messageTime ? "happened_at" : "now()") + " AS ingested_at"
                + " FROM " + db + ".app_kafka");
    }

    private static void load(ClusterNodes cluster, int rows) {
        String db = cluster.database();
        if (rows > 0) {
            cluster.query(1, "INSERT INTO " + db + ".app_writable SELECT generateUUIDv4(), ['open', 'click', 'buy'][rand() % 3 + 1],"
                    + " concat('{\"plan\":\"p', toString(rand(1) % 4), '\"}'), toDateTime('2025-03-01 00:00:00') + number * 37,"
                    + " toUInt32(rand(2) % 40), concat('k', toString(rand(3) % 7000)), concat('v', toString(number % 7)),"
                    + " now() - 3600"
                    + " FROM system.numbers LIMIT " + rows);
            for (int n : new int[] {1, 3}) {
                // exact duplicates in parts of their own, as a retried insert leaves them
                cluster.query(n, "INSERT INTO " + db + ".app_events (event_id, kind, payload, happened_at, org_id, user_key,"
                        + " app_version, ingested_at) SELECT event_id, kind, payload, happened_at, org_id, user_key, app_version,"
                        + " ingested_at FROM " + db + ".app_events WHERE cityHash64(toString(event_id)) % 100 = 0");
            }
        }
    }

    /** Live messages in the Kafka table's own shape (its column order differs from the table's). */
    static final LiveProducer.Message MESSAGE = (id, n, ts) -> "{\"org_id\":" + (n % 40) + ",\"event_id\":\"" + id
            + "\",\"kind\":\"live_" + (n % 3) + "\",\"user_key\":\"live" + (n % 501) + "\",\"payload\":\"{\\\"plan\\\":\\\"live"
            + (n % 2) + "\\\"}\",\"happened_at\":\"" + ts + "\",\"app_version\":\"v" + (n % 3) + "\"}";

    /** The local cluster's runbook, configured through its vars only for this schema. */
    static Path runbook(Path dir, String db, String topic) throws Exception {
        Path example = LocalCluster.ROOT.resolve("examples/local-cluster");
        Files.createDirectories(dir);
        Files.copy(example.resolve("drain.sql.ftl"), dir.resolve("drain.sql.ftl"));
        String yaml = Files.readString(example.resolve("runbook.yaml")).replace("\ndatabase: posthog\n", "\ndatabase: " + db + "\n");
        for (String[] v : List.of(
                new String[] {"source", "app_events"}, new String[] {"staging", "app_events_by_kind"},
                new String[] {"writable", "app_writable"}, new String[] {"distributed_tables", "[app_read]"},
                new String[] {"catchup_writable", "app_writable_catchup"}, new String[] {"kafka_table", "app_kafka"},
                new String[] {"kafka_mv", "app_mv"}, new String[] {"catchup_kafka_table", "app_kafka_catchup"},
                new String[] {"catchup_mv", "app_mv_catchup"}, new String[] {"kafka_topic", topic},
                new String[] {"catchup_group", "app_catchup_" + db}, new String[] {"id_column", "event_id"},
                new String[] {"time_column", "happened_at"}, new String[] {"ingested_column", "ingested_at"},
                new String[] {"order_by", "kind, org_id, happened_at, cityHash64(toString(event_id))"},
                new String[] {"sample_by", "\"\""})) {
            String before = yaml;
            yaml = yaml.replaceFirst("(?m)^  " + v[0] + ": .*$", "  " + v[0] + ": " + java.util.regex.Matcher.quoteReplacement(v[1]));
            if (before.equals(yaml)) {
                throw new IllegalStateException("the example runbook has no var " + v[0]);
            }
        }
        Path runbook = dir.resolve("runbook.yaml");
        Files.writeString(runbook, yaml);
        return runbook;
    }
}

package dev.chrunbook.testing;


import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * PostHog's own events tables (src/test/resources/posthog/events-ddl.sql, each piece named with the
 * PostHog commit it was read from) and their history (events-history.sql) on the current cluster,
 * with rows written between the history's ALTERs, so that some rows hold values of MATERIALIZED
 * expressions that were changed in place later.
 *
 * What this engine forces, and nothing else, is rewritten: no ON CLUSTER (it runs no DDL worker: each
 * statement is sent to both servers) and the plain ReplacingMergeTree for the replicated one (it runs no
 * interserver endpoint). sharded_events is attached from its definition with migration 0060's projection,
 * as a server upgraded from a version before deduplicate_merge_projection_mode loads it (a CREATE or ADD
 * PROJECTION is refused today). The topic and consumer group get a suffix, so that runs share no Kafka state.
 */
public final class PostHogSchema {
    static final Path DDL = LocalCluster.ROOT.resolve("src/test/resources/posthog/events-ddl.sql");
    static final Path HISTORY = LocalCluster.ROOT.resolve("src/test/resources/posthog/events-history.sql");
    /** posthog/clickhouse/migrations/0060_inserted_at_batch_exports_projection.py @f7679df992dd544ed22dfd28b9d1a62b7b6ead3a */
    static final String PROJECTION_0060 = "PROJECTION `inserted_at_batch_exports_projection` (SELECT _timestamp, created_at, distinct_id,"
            + " elements_chain, event, inserted_at, person_created_at, person_id, person_properties, properties, team_id, timestamp, uuid"
            + " ORDER BY (team_id, COALESCE(`inserted_at`, `_timestamp`), event, cityHash64(distinct_id), cityHash64(uuid)))";
    static final String TOPIC = "clickhouse_events_json";
    static final String GROUP = "clickhouse_events_json";

    private final String suffix;

    public PostHogSchema(String suffix) {
        this.suffix = suffix;
    }

    public String topic() {
        return TOPIC + "_" + suffix;
    }

    public String group() {
        return GROUP + "_" + suffix;
    }

    /**
     * Creates database posthog anew on both servers, PostHog's tables in it, and its history with
     * {@code perBatch} events written through writable_events at each '-- @rows' mark.
     *
     * @return the events written
     */
    public long create(int perBatch) throws IOException {
        for (int n = 1; n <= CurrentCluster.NODES; n++) {
            CurrentCluster.query(n, "DROP DATABASE IF EXISTS posthog SYNC");
            CurrentCluster.query(n, "CREATE DATABASE posthog ENGINE = Atomic");
        }
        for (String s : statements(DDL)) {
            onBothServers(s);
        }
        long written = 0;
        int batch = 0;
        for (String s : statements(HISTORY)) {
            if (s.equals("-- @rows")) {
                written += writeBatch(batch++, perBatch);
            } else {
                onBothServers(s);
            }
        }
        String created = CurrentCluster.query(1, "SELECT create_table_query FROM system.tables WHERE database = 'posthog' AND name = 'sharded_events'");
        if (!created.contains("PROJECTION inserted_at_batch_exports_projection")) {
            throw new IllegalStateException("sharded_events was not attached with migration 0060's projection: " + created);
        }
        return written;
    }

    private void onBothServers(String statement) {
        String sql = statement.replace(" ON CLUSTER 'posthog'", "")
                .replace("ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/posthog.events', '{replica}', _timestamp)",
                        "ReplacingMergeTree(_timestamp)")
                .replace("kafka_topic_list = '" + TOPIC + "'", "kafka_topic_list = '" + topic() + "'")
                .replace("kafka_group_name = '" + GROUP + "'", "kafka_group_name = '" + group() + "'");
        if (sql.startsWith("CREATE TABLE IF NOT EXISTS sharded_events\n")) {
            sql = sql.replace("CREATE TABLE IF NOT EXISTS sharded_events\n", "ATTACH TABLE sharded_events UUID '" + UUID.randomUUID() + "'\n")
                    .replace("    , INDEX kafka_timestamp_minmax_sharded_events", "    , " + PROJECTION_0060
                            + "\n    , INDEX kafka_timestamp_minmax_sharded_events");
        }
        for (int n = 1; n <= CurrentCluster.NODES; n++) {
            CurrentCluster.send(n, sql, "&database=posthog");
        }
    }

    /**
     * Events as PostHog stores them, through writable_events (sharded by distinct_id), each shard computing
     * the MATERIALIZED columns under the definition of that moment. Properties carry keys the older
     * properties_group_custom kept and today's drops (epik, qclid), feature flags, AI and campaign keys.
     */
    private static long writeBatch(int batch, int rows) {
        CurrentCluster.send(1, "INSERT INTO writable_events (uuid, event, properties, timestamp, team_id, distinct_id, elements_chain,"
                + " created_at, person_id, person_properties, person_mode, _timestamp, _offset)"
                + " SELECT generateUUIDv4(), ['$pageview', '$autocapture', 'signup'][n % 3 + 1],"
                + " concat('{\"$browser\":\"', ['Chrome', 'Firefox', 'Safari'][n % 3 + 1], '\",\"$current_url\":\"https://app.example.com/p/',"
                + " toString(n % 100), '\",\"$session_id\":\"s', toString(n % 1000), '\",\"$group_0\":\"g', toString(n % 7),"
                + " '\",\"plan\":\"p', toString(n % 4), '\",\"epik\":\"e', toString(n % 5), '\",\"qclid\":\"q', toString(n % 3),"
                + " '\",\"utm_source\":\"news\",\"$feature/flag-a\":\"', if(n % 2 = 0, 'true', 'false'), '\",\"$ai_model\":\"m', toString(n % 2),"
                + " '\",\"batch\":', toString(" + batch + "), '}'),"
                + " now64(6, 'UTC') - toIntervalSecond(3600 + n % 5184000), toInt64(n % 3 + 1), concat('u', toString(n % 5000)),"
                + " if(n % 3 = 1, concat('a.link:attr_id=\"buy\"href=\"/p/', toString(n % 10), '\"nth-child=\"1\"text=\"Buy\"'), ''),"
                + " now64(6, 'UTC') - toIntervalSecond(3600 + n % 5184000), generateUUIDv4(),"
                + " '{\"email\":\"u@example.com\",\"$initial_utm_source\":\"google\",\"tier\":\"gold\"}', 'full',"
                + " now() - toIntervalSecond(7200 + n % 600), toUInt64(n)"
                + " FROM (SELECT number + " + (long) batch * rows + " AS n FROM numbers(" + rows + "))", "&database=posthog&insert_distributed_sync=1");
        return rows;
    }

    /** A file's statements: each ends with a line holding ';'; lines starting with '--' are comments, '-- @rows' a mark. */
    static List<String> statements(Path file) throws IOException {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : Files.readAllLines(file)) {
            if (line.equals("-- @rows")) {
                out.add(line);
            } else if (line.equals(";")) {
                out.add(current.toString().strip());
                current.setLength(0);
            } else if (!line.startsWith("--")) {
                current.append(line).append('\n');
            }
        }
        return out;
    }

    /**
     * PostHog's event as capture writes it to clickhouse_events_json and kafka_events_json reads it
     * (JSONEachRow of the Kafka table's columns).
     */
    public static String liveEvent(String id, long n, String ts) {
        return "{\"uuid\":\"" + id + "\",\"event\":\"live_" + (n % 3) + "\",\"properties\":\"{\\\"$browser\\\":\\\"Chrome\\\","
                + "\\\"$session_id\\\":\\\"live" + (n % 50) + "\\\",\\\"epik\\\":\\\"e1\\\",\\\"plan\\\":\\\"p" + (n % 4) + "\\\"}\","
                + "\"timestamp\":\"" + ts + ".123456\",\"team_id\":" + (n % 3 + 1) + ",\"distinct_id\":\"live" + (n % 997) + "\","
                + "\"created_at\":\"" + ts + ".123456\",\"elements_chain\":\"\",\"person_id\":\"" + id + "\","
                + "\"person_properties\":\"{\\\"tier\\\":\\\"gold\\\"}\",\"person_mode\":\"full\"}";
    }
}

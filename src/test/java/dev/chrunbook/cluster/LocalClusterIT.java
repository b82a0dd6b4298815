package dev.chrunbook.cluster;

import dev.chrunbook.testing.ClusterNodes;
import dev.chrunbook.testing.LocalCluster;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The local cluster is what the tests claim it is: 2 shards x 2 replicas, distributed DDL, replication, Kafka. */
@ExtendWith(LocalCluster.class)
class LocalClusterIT {

    @Test
    void fourDistinctNodesAnswerWithTheirOwnShardAndReplicaMacros(ClusterNodes cluster) {
        Set<String> replicas = new HashSet<>();
        for (int n = 1; n <= ClusterNodes.NODES; n++) {
            String shard = cluster.query(n, "SELECT substitution FROM system.macros WHERE macro = 'shard'");
            String replica = cluster.query(n, "SELECT substitution FROM system.macros WHERE macro = 'replica'");
            assertEquals(String.valueOf((n + 1) / 2), shard, "shard macro of node " + n);
            assertEquals("ch" + n, replica, "replica macro of node " + n);
            replicas.add(replica);
        }
        assertEquals(4, replicas.size());
        assertEquals("4", cluster.query(1, "SELECT count() FROM system.clusters WHERE cluster = 'posthog'"));
    }

    @Test
    void onClusterDdlIsConfirmedByAllFourHosts(ClusterNodes cluster) {
        List<String[]> hosts = cluster.rows(1, "CREATE TABLE " + cluster.database() + ".ddl_probe ON CLUSTER posthog"
                + " (x UInt8) ENGINE = MergeTree ORDER BY x");
        assertEquals(4, hosts.size(), "one row per host");
        Set<String> ports = new HashSet<>();
        for (String[] h : hosts) {
            assertEquals("0", h[2], "status of " + h[0] + ":" + h[1]);
            ports.add(h[1]);
        }
        assertEquals(Set.of("9001", "9002", "9003", "9004"), ports);
        for (int n = 1; n <= 4; n++) {
            assertEquals("1", cluster.query(n, "EXISTS TABLE " + cluster.database() + ".ddl_probe"));
        }
    }

    @Test
    void aReplicatedInsertIsVisibleOnBothReplicasOfItsShardOnly(ClusterNodes cluster) {
        String t = cluster.database() + ".replicated_probe";
        cluster.query(1, "CREATE TABLE " + t + " ON CLUSTER posthog (x UInt64) ENGINE = ReplicatedMergeTree("
                + "'/clickhouse/tables/{shard}/" + t + "', '{replica}') ORDER BY x");
        cluster.query(1, "INSERT INTO " + t + " SELECT number FROM system.numbers LIMIT 1234");
        cluster.query(2, "SYSTEM SYNC REPLICA " + t);
        assertEquals(1234, cluster.count(1, "SELECT count() FROM " + t));
        assertEquals(1234, cluster.count(2, "SELECT count() FROM " + t));
        assertEquals(0, cluster.count(3, "SELECT count() FROM " + t));
        assertEquals(0, cluster.count(4, "SELECT count() FROM " + t));
    }

    @Test
    void aMessageProducedToKafkaArrivesThroughAKafkaTableAndMaterializedView(ClusterNodes cluster) throws Exception {
        String db = cluster.database();
        String topic = "it_" + db;
        String marker = UUID.randomUUID().toString();
        cluster.query(1, "CREATE TABLE " + db + ".landed (id String, n UInt32) ENGINE = MergeTree ORDER BY id");
        cluster.query(1, "CREATE TABLE " + db + ".kafka_in (id String, n UInt32) ENGINE = Kafka SETTINGS"
                + " kafka_broker_list = '127.0.0.1:9092', kafka_topic_list = '" + topic + "',"
                + " kafka_group_name = 'g_" + db + "', kafka_format = 'JSONEachRow', kafka_max_block_size = 1");
        cluster.query(1, "CREATE MATERIALIZED VIEW " + db + ".kafka_mv TO " + db + ".landed AS SELECT id, n FROM " + db + ".kafka_in");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()))) {
            producer.send(new ProducerRecord<>(topic, "{\"id\":\"" + marker + "\",\"n\":7}")).get();
        }
        long deadline = System.nanoTime() + 60_000_000_000L;
        long seen = 0;
        while (seen == 0 && System.nanoTime() < deadline) {
            seen = cluster.count(1, "SELECT count() FROM " + db + ".landed WHERE id = '" + marker + "' AND n = 7");
            if (seen == 0) {
                Thread.sleep(250);
            }
        }
        cluster.query(1, "DROP TABLE " + db + ".kafka_mv");
        cluster.query(1, "DROP TABLE " + db + ".kafka_in");
        assertTrue(seen == 1, "the produced message should arrive exactly once within 60 s, saw " + seen);
    }
}

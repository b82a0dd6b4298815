package dev.chrunbook.verify;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chrunbook.kafka.KafkaAdmin;
import dev.chrunbook.kafka.KafkaAdminClient;
import dev.chrunbook.testing.Cli;
import dev.chrunbook.testing.ClusterNodes;
import dev.chrunbook.testing.LocalCluster;
import dev.chrunbook.testing.Waits;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each rail refuses with the right exit code and message, and nothing changes on any node: the
 * tables of every node and the runbook statements in system.query_log are the same before and after.
 * One test per rail, so that each fails on its own.
 */
@ExtendWith(LocalCluster.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SafetyRailsIT {
    private static final Path EXAMPLE = LocalCluster.ROOT.resolve("examples/local-cluster");

    /** The class's folder: one per class, as the rails share the loaded events. */
    private Path tmp;
    private ClusterNodes cluster;
    private String topic;
    private Path runbook;

    @BeforeAll
    void loadEvents(ClusterNodes nodes, @TempDir Path dir) throws Exception {
        tmp = dir;
        cluster = nodes;
        topic = "rails_" + nodes.database();
        load(nodes.database());
        produce(10); // the topic exists, so consumers can join their groups
        runbook = runbook("main", Map.of("wait: 2m", "wait: 5s", "      timeout: 5m", "      timeout: 8s"));
    }

    @Test
    void anUnknownSettingIsRefusedByCheckAndRunNamingIt() throws Exception {
        Path unknownSetting = runbook("settings", Map.of("\nsteps:\n", "\nsettings:\n  no_such_setting_x: 1\nsteps:\n"));
        Snapshot before = snapshot();
        Cli.Result check = cli(unknownSetting, "state-settings", "check");
        assertEquals(4, check.exitCode(), check.toString());
        assertTrue(check.out().contains("unknown setting") && check.out().contains("no_such_setting_x"), check.out());
        Cli.Result run = cli(unknownSetting, "state-settings", "run", "--execute");
        assertEquals(4, run.exitCode(), run.toString());
        assertEquals(before, snapshot(), "nothing changed");
    }

    @Test
    void notEnoughFreeDiskIsRefusedOnEveryNode() {
        // a factor no disk meets (18.16 has no system.disks: df over SSH on every node's host)
        Snapshot before = snapshot();
        Cli.Result disk = cli(runbook, "state-disk", "run", "--execute", "--set", "disk_factor=1000000000");
        assertEquals(4, disk.exitCode(), disk.toString());
        for (int port = 8121; port <= 8124; port++) {
            assertTrue(disk.out().matches("(?s).*127\\.0\\.0\\.1:" + port + " +failed.*"), "every node reports: " + disk.out());
        }
        assertTrue(disk.out().contains("not enough free disk") && disk.out().contains("disk_factor 1000000000 x source"), disk.out());
        assertEquals(before, snapshot(), "nothing changed");
    }

    @Test
    void aMaxTableSizeToDropBelowTheSourceIsRefusedOnThatNode() throws Exception {
        // max_table_size_to_drop below the source's size on node 3 (read from its config.d over SSH)
        Snapshot before = snapshot();
        Path configD = Files.createDirectories(LocalCluster.DIR.resolve("ch/node3/config.d"));
        Path limit = configD.resolve("zz-chrunbook-it.xml");
        try {
            Files.writeString(limit, "<yandex><max_table_size_to_drop>1000</max_table_size_to_drop></yandex>\n");
            Cli.Result drop = cli(runbook, "state-drop", "run", "--execute");
            assertEquals(4, drop.exitCode(), drop.toString());
            assertTrue(drop.out().matches("(?s).*127\\.0\\.0\\.1:8123 +failed.*") && drop.out().matches("(?s).*127\\.0\\.0\\.1:8121 +done.*"),
                    "only node 3 refuses: " + drop.out());
            assertTrue(drop.out().contains("max_table_size_to_drop blocks dropping the backup")
                    && drop.out().contains("> max_table_size_to_drop 1000.00 B"), drop.out());
        } finally {
            Files.deleteIfExists(limit);
        }
        assertEquals(before, snapshot(), "nothing changed");
    }

    @Test
    void aMainConsumerGroupNamedWrongIsRefusedAndNamedRightPasses() throws Exception {
        String db = cluster.database();
        Snapshot before = snapshot();
        Cli.Result noGroup = cli(runbook, "state-groups", "check", "--set", "main_group=no_such_group_" + db);
        assertEquals(4, noGroup.exitCode(), noGroup.toString());
        assertTrue(noGroup.out().contains("consumer group no_such_group_" + db + " does not exist"), noGroup.out());
        try (KafkaAdmin admin = new KafkaAdminClient("127.0.0.1:9092")) {
            Waits.until(() -> admin.members("main_" + db) > 0, Duration.ofSeconds(90), "the main group's consumers join");
        }
        Cli.Result goodGroup = cli(runbook, "state-groups", "check", "--set", "main_group=main_" + db);
        assertEquals(0, goodGroup.exitCode(), goodGroup.toString());
        assertEquals(before, snapshot(), "nothing changed");
    }

    @Test
    void aZooKeeperPathAlreadyInUseIsRefused() throws Exception {
        String db = cluster.database();
        assertEquals(0, cli(runbook, "state-zk", "run", "--execute").exitCode(), "preflight passes first");
        String runId = new ObjectMapper().readTree(cli(runbook, "state-zk", "status", "--json").out()).get("run_id").asText();
        cluster.query(1, "CREATE TABLE " + db + ".squatter (x UInt8) ENGINE = ReplicatedMergeTree('/clickhouse/tables/1/"
                + db + ".sharded_events_by_event_" + runId + "', 'squatter') ORDER BY x");
        try {
            Snapshot before = snapshot();
            Cli.Result zk = cli(runbook, "state-zk", "run", "--step", "preflight", "--rerun", "--execute");
            assertEquals(4, zk.exitCode(), zk.toString());
            assertTrue(zk.out().contains("ZooKeeper path already in use"), zk.out());
            assertEquals(before, snapshot(), "nothing changed");
        } finally {
            cluster.query(1, "DROP TABLE " + db + ".squatter");
        }
        assertEquals(0, cli(runbook, "state-zk", "run", "--step", "preflight", "--rerun", "--execute").exitCode());
    }

    @Test
    void aSecondCliIsRefusedWhileTheStateIsLocked() throws Exception {
        Files.createDirectories(tmp.resolve("state-lock"));
        Files.writeString(tmp.resolve("state-lock/run.lock"), "pid=" + ProcessHandle.current().pid() + "\nhost="
                + java.net.InetAddress.getLocalHost().getHostName() + "\nsince=now\n");
        Snapshot before = snapshot();
        Cli.Result locked = cli(runbook, "state-lock", "run", "--execute");
        assertEquals(3, locked.exitCode(), locked.toString());
        assertTrue(locked.err().contains("another chrunbook run holds"), locked.err());
        assertEquals(before, snapshot(), "nothing changed");
    }

    // The three rails below stand on a migration run forward to where each applies (one state,
    // "state-forward", in runbook order), after the others: those need a database without staging.

    /** Runs the forward migration up to {@code step} (a no-op for what is done already). */
    private void forwardTo(String step) {
        Cli.Result r = cli(runbook, "state-forward", "run", "--to", step, "--execute");
        assertEquals(0, r.exitCode(), "the migration runs up to " + step + ": " + r);
    }

    @Test
    @Order(Order.DEFAULT + 1)
    void aReplicaWhoseFetchesAreStoppedIsNotSettled() {
        String db = cluster.database();
        forwardTo("distributed-columns");
        cluster.query(2, "SYSTEM STOP FETCHES " + db + ".sharded_events_by_event");
        try {
            cluster.query(1, "INSERT INTO " + db + ".sharded_events_by_event (uuid, event, timestamp, team_id, distinct_id)"
                    + " SELECT generateUUIDv4(), 'late', now(), 1, 'x' FROM system.numbers LIMIT 10");
            Snapshot before = snapshot();
            Cli.Result settle = cli(runbook, "state-forward", "check", "--step", "settle");
            assertEquals(4, settle.exitCode(), settle.toString());
            assertTrue(settle.out().contains("127.0.0.1:8122 settle:") && settle.out().contains("replica not settled"), settle.out());
            assertEquals(before, snapshot(), "nothing changed");
        } finally {
            cluster.query(2, "SYSTEM START FETCHES " + db + ".sharded_events_by_event");
        }
    }

    @Test
    @Order(Order.DEFAULT + 2)
    void aConsumerGroupAlreadyInUseIsNotMoved() throws Exception {
        String db = cluster.database();
        forwardTo("distributed-columns");
        String runId = new ObjectMapper().readTree(cli(runbook, "state-forward", "status", "--json").out()).get("run_id").asText();
        String group = "clickhouse_events_catchup_" + runId;
        cluster.query(1, "CREATE TABLE " + db + ".squat_kafka (uuid String) ENGINE = Kafka SETTINGS kafka_broker_list = '127.0.0.1:9092',"
                + " kafka_topic_list = '" + topic + "', kafka_group_name = '" + group + "', kafka_format = 'JSONEachRow'");
        cluster.query(1, "CREATE TABLE " + db + ".squat_sink (uuid String) ENGINE = Null");
        cluster.query(1, "CREATE MATERIALIZED VIEW " + db + ".squat_mv TO " + db + ".squat_sink AS SELECT uuid FROM " + db + ".squat_kafka");
        try (KafkaAdmin admin = new KafkaAdminClient("127.0.0.1:9092")) {
            Waits.until(() -> admin.members(group) > 0, Duration.ofSeconds(90), "the squatting consumer joins " + group);
            Snapshot before = snapshot();
            Cli.Result reused = cli(runbook, "state-forward", "run", "--step", "catch-up-offsets", "--execute");
            assertEquals(4, reused.exitCode(), reused.toString());
            assertTrue(reused.out().contains("already has 1 active member(s)"), reused.out());
            assertEquals(before, snapshot(), "nothing changed");
        } finally {
            cluster.query(1, "DROP TABLE IF EXISTS " + db + ".squat_mv");
            cluster.query(1, "DROP TABLE IF EXISTS " + db + ".squat_kafka");
        }
        try (KafkaAdmin admin = new KafkaAdminClient("127.0.0.1:9092")) {
            Waits.until(() -> admin.members(group) == 0, Duration.ofSeconds(90), "the squatter leaves");
        }
    }

    @Test
    @Order(Order.DEFAULT + 3)
    void aCatchUpLagHeldAboveTheThresholdFailsNamingItAfterTheTimeout() throws Exception {
        String db = cluster.database();
        forwardTo("catch-up");
        // its view is gone while events keep coming
        cluster.query(1, "DROP TABLE " + db + ".events_mv_catchup ON CLUSTER posthog");
        produce(2000);
        Snapshot before = snapshot();
        Cli.Result lag = cli(runbook, "state-forward", "run", "--step", "catch-up-lag", "--execute", "--set", "catchup_max_lag=10");
        assertEquals(4, lag.exitCode(), lag.toString());
        assertTrue(lag.out().contains(" > 10 (") && lag.out().contains("after waiting 8 s"), "names the lag and the limit: " + lag.out());
        assertEquals(before, snapshot(), "nothing changed");
    }

    @Test
    void hostChecksNeedAReachableHostWithAKnownKey(ClusterNodes nodes) throws Exception {
        nodes.query(1, "CREATE TABLE " + nodes.database() + ".host_source ON CLUSTER posthog (x UInt8) ENGINE = MergeTree ORDER BY x");
        Path runbook = runbook("host", Map.of("  source: sharded_events\n", "  source: host_source\n"));
        String connection = Files.readString(LocalCluster.CONNECTION);
        Path emptyKnownHosts = Files.writeString(tmp.resolve("known_hosts"), "");
        Snapshot before = snapshot();

        Cli.Result refused = hostCheck(runbook, "unknown-key", connection.replaceAll("known_hosts: .*", "known_hosts: " + emptyKnownHosts));
        assertEquals(4, refused.exitCode(), refused.toString());
        assertTrue(refused.err().contains("HostKey") && refused.err().contains("ssh-keyscan"), refused.err());

        Cli.Result unreachable = hostCheck(runbook, "closed-port", connection.replace("port: 2222", "port: 2229"));
        assertEquals(4, unreachable.exitCode(), unreachable.toString());
        assertTrue(unreachable.err().contains("@127.0.0.1:2229 (for 127.0.0.1:8121)"), unreachable.err());

        Cli.Result noConfig = hostCheck(runbook, "missing-config", connection.replace("node3/config.xml", "node3/nope.xml"));
        assertEquals(4, noConfig.exitCode(), noConfig.toString());
        assertTrue(noConfig.err().contains("(for 127.0.0.1:8123)") && noConfig.err().contains("exited with 3: cannot read ")
                && noConfig.err().contains("node3/nope.xml"), noConfig.err());

        Cli.Result noSsh = hostCheck(runbook, "no-ssh", Files.readString(EXAMPLE.resolve("connection.yaml")));
        assertEquals(2, noSsh.exitCode(), noSsh.toString());
        assertTrue(noSsh.err().contains("has no system.disks") && noSsh.err().contains("add an 'ssh:' section"), noSsh.err());
        assertEquals(before, snapshot(), "nothing changed");
    }

    @Test
    void aNoAtTheConfirmationExecutesNothing(ClusterNodes nodes) throws Exception {
        String db = nodes.database();
        nodes.query(1, "CREATE TABLE " + db + ".precious ON CLUSTER posthog (x UInt8) ENGINE = MergeTree ORDER BY x");
        Path runbook = tmp.resolve("confirm.yaml");
        Files.writeString(runbook, """
                name: confirm-it
                cluster: posthog
                database: %s
                steps:
                  - id: drop
                    on: cluster-once
                    confirm: true
                    sql: DROP TABLE ${ident(database, "precious")} ON CLUSTER ${cluster}
                """.formatted(db));
        Cli.Result r = Cli.run("run", runbook.toString(), "--connection", LocalCluster.CONNECTION.toString(),
                "--state-dir", tmp.resolve("confirm-state").toString(), "--execute");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("needs confirmation but there is no terminal; pass --yes"), r.err());
        assertTrue(r.out().contains("drops " + db + ".precious (MergeTree): 0 rows"), "names what it would destroy: " + r.out());
        for (int n = 1; n <= 4; n++) {
            assertEquals("1", nodes.query(n, "EXISTS TABLE " + db + ".precious"), "kept on node " + n);
        }
    }

    @Test
    void aSecondOperatorIsRefusedByTheZooKeeperLease(ClusterNodes nodes) throws Exception {
        String db = nodes.database();
        nodes.query(1, "CREATE TABLE " + db + ".leased ON CLUSTER posthog (x UInt8) ENGINE = MergeTree ORDER BY x");
        Path runbook = tmp.resolve("lease.yaml");
        Files.writeString(runbook, """
                name: lease-it
                cluster: posthog
                database: %s
                steps:
                  - id: drop
                    on: cluster-once
                    sql: DROP TABLE ${ident(database, "leased")} ON CLUSTER ${cluster}
                """.formatted(db));
        String lease = "zk://127.0.0.1:2181/chrunbook/leases/" + db;
        List<String> args = List.of("run", runbook.toString(), "--connection", LocalCluster.CONNECTION.toString(),
                "--state-dir", tmp.resolve("lease-state").toString(), "--execute", "--lock", lease);
        try (dev.chrunbook.state.ZkLease other = dev.chrunbook.state.ZkLease.acquire(lease, java.time.Instant.now())) {
            Cli.Result refused = Cli.run(args.toArray(String[]::new));
            assertEquals(3, refused.exitCode(), refused.toString());
            assertTrue(refused.err().contains("leased to another operator") && refused.err().contains("pid="), refused.err());
            for (int n = 1; n <= 4; n++) {
                assertEquals("1", nodes.query(n, "EXISTS TABLE " + db + ".leased"), "untouched on node " + n);
            }
        }
        Cli.Result after = Cli.run(args.toArray(String[]::new));
        assertEquals(0, after.exitCode(), "the lease is free once its holder ends: " + after);
        assertEquals("0", nodes.query(1, "EXISTS TABLE " + db + ".leased"));
    }

    /** {@code check --step preflight} with a variant of the local cluster's connection file, its key paths made absolute. */
    private Cli.Result hostCheck(Path runbook, String name, String connection) throws Exception {
        Path file = Files.writeString(tmp.resolve(name + ".yaml"),
                connection.replaceAll("(identity_file|known_hosts): ssh/", "$1: " + LocalCluster.DIR.resolve("ssh") + "/"));
        return Cli.run("check", runbook.toString(), "--connection", file.toString(), "--step", "preflight",
                "--state-dir", tmp.resolve("state-" + name).toString(), "--set", "kafka_topic=" + topic);
    }

    /** Tables of the database on every node, and how many runbook statements every node finished. */
    private record Snapshot(List<String> tables, List<Long> statements) {
    }

    private Snapshot snapshot() {
        cluster.flushLogs();
        List<String> tables = new ArrayList<>();
        List<Long> statements = new ArrayList<>();
        for (int n = 1; n <= 4; n++) {
            tables.add(cluster.query(n, "SELECT groupArray(name) FROM (SELECT name FROM system.tables WHERE database = '"
                    + cluster.database() + "' ORDER BY name)"));
            statements.add(cluster.count(n, "SELECT count() FROM system.query_log WHERE query_id LIKE 'chrunbook-%' AND type = 2"));
        }
        return new Snapshot(tables, statements);
    }

    private void load(String db) throws Exception {
        Process p = new ProcessBuilder(EXAMPLE.resolve("load-events").toString(), "--database", db, "--events", "20000",
                "--topic", topic, "--group", "main_" + db)
                .redirectErrorStream(true).redirectOutput(tmp.resolve("load.log").toFile()).start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES) && p.exitValue() == 0, Files.readString(tmp.resolve("load.log")));
    }

    private Path runbook(String name, Map<String, String> edits) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(name));
        String yaml = Files.readString(EXAMPLE.resolve("runbook.yaml"))
                .replace("\ndatabase: posthog\n", "\ndatabase: " + cluster.database() + "\n");
        for (Map.Entry<String, String> e : edits.entrySet()) {
            assertTrue(yaml.contains(e.getKey()), "runbook has " + e.getKey());
            yaml = yaml.replace(e.getKey(), e.getValue());
        }
        Files.copy(EXAMPLE.resolve("drain.sql.ftl"), dir.resolve("drain.sql.ftl"));
        Path file = dir.resolve("runbook.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private Cli.Result cli(Path runbook, String state, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add(1, runbook.toString());
        all.addAll(List.of("--connection", LocalCluster.CONNECTION.toString(),
                "--state-dir", tmp.resolve(state).toString(), "--set", "kafka_topic=" + topic));
        return Cli.run(all.toArray(String[]::new));
    }

    private void produce(int n) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()))) {
            for (int i = 0; i < n; i++) {
                producer.send(new ProducerRecord<>(topic, "{\"uuid\":\"" + java.util.UUID.randomUUID() + "\",\"event\":\"e\","
                        + "\"properties\":\"{}\",\"timestamp\":\"2026-01-01 00:00:00\",\"team_id\":1,\"distinct_id\":\"d\","
                        + "\"created_at\":\"2026-01-01 00:00:00\",\"elements_chain\":\"\"}"));
            }
        }
    }

}

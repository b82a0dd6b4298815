package dev.chrunbook.cluster;

import dev.chrunbook.ChrunbookException;
import dev.chrunbook.ClusterForm;
import dev.chrunbook.Node;
import dev.chrunbook.clickhouse.ClickHouseException;
import dev.chrunbook.clickhouse.Credentials;
import dev.chrunbook.clickhouse.Table;
import dev.chrunbook.testing.FakeClickHouse;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How chrunbook tells a cluster that takes DDL node by node from one with a distributed DDL queue. */
class ClusterFormTest {
    private static final Node NODE = new Node("127.0.0.1", 8131, 9031, 1, 1, "cc1", Map.of());

    private static ConnectionConfig connection(Optional<Boolean> distributedDdl) {
        return new ConnectionConfig(Optional.empty(), List.of(NODE), new Credentials("default", ""), false, 8123, Map.of(),
                Optional.empty(), distributedDdl, Path.of("connection.yaml"));
    }

    private static ClusterForm form(String zookeeperAnswer, Optional<Boolean> declared) {
        FakeClickHouse node = new FakeClickHouse().answer(sql -> {
            if (!sql.contains("system.zookeeper")) {
                throw new AssertionError(sql);
            }
            if (zookeeperAnswer != null) {
                throw new ClickHouseException(zookeeperAnswer, null, false);
            }
            return new Table(List.of("count()"), List.of(List.of("3")));
        });
        return new TopologyResolver(node).form(connection(declared), NODE);
    }

    @Test
    void aNodeWithZooKeeperTakesOnClusterOnce() {
        ClusterForm f = form(null, Optional.empty());
        assertTrue(f.distributedDdl() && f.replication(), f.describe());
    }

    @Test
    void aNodeWithoutZooKeeperTakesDdlNodeByNode() {
        ClusterForm f = form("Code: 60. DB::Exception: Unknown table expression identifier 'system.zookeeper'", Optional.empty());
        assertFalse(f.distributedDdl() || f.replication(), f.describe());
        assertTrue(f.describe().startsWith("per-node DDL"), f.describe());
        assertTrue(f.reason().contains("no ZooKeeper or Keeper on 127.0.0.1:8131"), f.reason());
    }

    /** A ZooKeeper that is down for a while must never turn a replicated cluster's DDL into per-node DDL. */
    @Test
    void aZooKeeperThatDoesNotAnswerIsAnErrorNotAnotherForm() {
        ChrunbookException e = assertThrows(ChrunbookException.class,
                () -> form("Code: 999. Coordination::Exception: Connection loss", Optional.empty()));
        assertTrue(e.getMessage().contains("does not answer"), e.getMessage());
    }

    @Test
    void theConnectionFileHasTheLastWord() {
        assertFalse(form(null, Optional.of(false)).distributedDdl());
        assertTrue(form("Code: 60. no such table", Optional.of(true)).distributedDdl());
    }
}

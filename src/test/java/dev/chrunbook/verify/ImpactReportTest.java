package dev.chrunbook.verify;

import dev.chrunbook.clickhouse.Table;
import dev.chrunbook.cluster.Topology;
import dev.chrunbook.testing.FakeClickHouse;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a confirmation shows: the tables a step's statements drop or rename, read per node. */
class ImpactReportTest {
    private final Topology topology = Topology.synthetic("c", 2, 2);
    private final List<String> asked = new ArrayList<>();
    private final FakeClickHouse node = new FakeClickHouse().answer(sql -> {
        asked.add(sql);
        if (sql.contains("FROM system.tables")) {
            return new Table(List.of("engine"), sql.contains("'gone'") ? List.of() : List.of(List.of("ReplicatedMergeTree")));
        }
        // its partitions: 1,234,567 rows in 1.5 GiB
        return new Table(List.of("p", "rows", "bytes", "parts"), List.of(List.of("202401", "1234567", String.valueOf(3L << 29), "1")));
    });

    @Test
    void dropsAndRenamesAreFoundInQuotedAndPlainNamesOnTheNodesTheyRunOn() {
        List<String> lines = new ImpactReport(node, topology).describe(List.of(
                "DROP TABLE IF EXISTS `db`.`events backup`",
                "RENAME TABLE db.sharded_events TO db.sharded_events_old, `db`.`staging` TO `db`.`sharded_events`",
                "INSERT INTO db.t SELECT 1"), topology.nodes().subList(0, 1));
        assertEquals(3, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(0).contains("drops db.events backup (ReplicatedMergeTree): 1,234,567 rows, 1.50 GiB"), lines.get(0));
        assertTrue(lines.get(1).contains("renames db.sharded_events"), lines.get(1));
        assertTrue(lines.get(2).contains("renames db.staging"), lines.get(2));
        assertTrue(asked.stream().noneMatch(q -> q.contains("sharded_events_old")), "a rename's target is not read: " + asked);
    }

    @Test
    void onClusterReachesEveryNodeAndAMissingTableIsSaid() {
        List<String> lines = new ImpactReport(node, topology).describe(List.of("DROP TABLE db.gone ON CLUSTER c"),
                topology.nodes().subList(0, 1));
        assertEquals(topology.nodes().size(), lines.size(), String.join("\n", lines));
        assertTrue(lines.stream().allMatch(l -> l.endsWith("drops db.gone: not there")), String.join("\n", lines));
    }

    @Test
    void statementsThatDropNothingAskNothing() {
        assertEquals(List.of(), new ImpactReport(node, topology).describe(List.of("ALTER TABLE db.t DROP COLUMN c",
                "SELECT 'DROP TABLE db.x'"), topology.nodes()));
        assertEquals(List.of(), asked);
    }
}

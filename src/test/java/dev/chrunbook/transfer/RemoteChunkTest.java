package dev.chrunbook.transfer;

import dev.chrunbook.apply.QueryWatch;
import dev.chrunbook.clickhouse.Table;
import dev.chrunbook.observe.ExecutionListener;
import dev.chrunbook.state.ChunkState;
import dev.chrunbook.state.SourceRange;
import dev.chrunbook.testing.FakeClickHouse;
import dev.chrunbook.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A chunk spanning target partitions is attached partition by partition, and a rerun after a stop between two ATTACHes finishes it. */
class RemoteChunkTest {
    private static final String DEFINITION = "CREATE TABLE tgt.events (`uuid` UUID, `ts` DateTime, `team` Int64) ENGINE = "
            + "ReplicatedMergeTree('/clickhouse/tables/{shard}/tgt.events', '{replica}') PARTITION BY toYYYYMM(ts) ORDER BY (team, ts)";

    private static RemoteChunk chunk() {
        RemoteSql sql = new RemoteSql("old", "src", "events", "tgt", "events", List.of("`uuid`", "`ts`", "`team`"), "team", List.of(4L),
                "ts", "2024-01-01 00:00:00", "2024-03-01 00:00:00", "uuid", "UUID", "toYYYYMM(ts)", "");
        return new RemoteChunk(sql, DEFINITION, Map.of(), "20261202_000000_0001", Fixtures.step("copy", "remote-copy"), Fixtures.NODE,
                new QueryWatch(new Fixtures.CountingSleeper()), new ExecutionListener() { }, Clock.systemUTC(),
                new dev.chrunbook.apply.Cancellations(new FakeClickHouse()));
    }

    private static FakeClickHouse node(String januaryInTarget, String februaryInTarget) {
        return new FakeClickHouse().answer(sql -> {
            if (sql.startsWith("SELECT partition_id, sum(rows)")) {
                return new Table(List.of("p", "r"), List.of(List.of("202401", "100"), List.of("202402", "50")));
            }
            if (sql.contains("_partition_id = '202401'")) {
                return new Table(List.of("c"), List.of(List.of(januaryInTarget)));
            }
            return new Table(List.of("c"), List.of(List.of(februaryInTarget)));
        });
    }

    private static final ChunkState C = ChunkState.planned(3, "team4", SourceRange.days(4, 19730, 19760), 150);

    @Test
    void onlyThePartitionsNotYetInTheTargetAreAttached() {
        FakeClickHouse node = node("100", "0"); // stopped after January's ATTACH
        Optional<String> problem = chunk().attach(node.connect("h", 1), C, false);
        assertEquals(Optional.empty(), problem);
        List<String> attached = node.statements.stream().filter(s -> s.contains("ATTACH PARTITION")).toList();
        assertEquals(List.of("ALTER TABLE `tgt`.`events` ATTACH PARTITION ID '202402' FROM `tgt`.`events_remote_3`"), attached);
    }

    @Test
    void aPartitionHoldingSomeOfTheChunksRowsOnlyIsAProblemNotAnAttach() {
        FakeClickHouse node = node("0", "20");
        Optional<String> problem = chunk().attach(node.connect("h", 1), C, false);
        assertTrue(problem.isPresent() && problem.get().contains("partition 202402") && problem.get().contains("holds 20"), problem.toString());
        assertEquals(List.of("ALTER TABLE `tgt`.`events` ATTACH PARTITION ID '202401' FROM `tgt`.`events_remote_3`"),
                node.statements.stream().filter(s -> s.contains("ATTACH PARTITION")).toList());
    }

    @Test
    void aChunkCopiedIntoARangeTheTargetHadNoneOfIsAttachedWholeWithoutACountPerPartition() {
        FakeClickHouse node = node("0", "0");
        Optional<String> problem = chunk().attach(node.connect("h", 1), C, true);
        assertEquals(Optional.empty(), problem);
        assertEquals(2, node.statements.stream().filter(s -> s.contains("ATTACH PARTITION")).count(), node.statements.toString());
        assertTrue(node.statements.stream().noneMatch(s -> s.contains("_partition_id")), "no count per partition: " + node.statements);
    }
}

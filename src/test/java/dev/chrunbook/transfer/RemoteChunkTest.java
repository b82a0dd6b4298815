package dev.chrunbook.transfer;

import dev.chrunbook.apply.Cancellations;
import dev.chrunbook.apply.NodeContext;
import dev.chrunbook.apply.StatementSender;
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
import dev.chrunbook.Node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A chunk spanning target partitions is attached in one ALTER of the partitions not yet in, and a rerun after a stop between two ATTACHes finishes it. */
class RemoteChunkTest {
    private static final String DEFINITION = "CREATE TABLE tgt.events (`uuid` UUID, `ts` DateTime, `team` Int64) ENGINE = "
            + "ReplicatedMergeTree('/clickhouse/tables/{shard}/tgt.events', '{replica}') PARTITION BY toYYYYMM(ts) ORDER BY (team, ts)";

    private static final RemoteSql SQL = new RemoteSql("old", "src", "events", "tgt", "events", List.of("`uuid`", "`ts`", "`team`"), "team",
            List.of(4L), "ts", "2024-01-01 00:00:00", "2024-03-01 00:00:00", "uuid", "UUID", "toYYYYMM(ts)", "");
    private static final Node SHARD_2 = new Node("10.0.0.9", 8123, 9000, 2, 1, "r1", Map.of("shard", "02", "replica", "r1"));

    /** Placed through the target's sharding over two shards: the coordinator (Fixtures.NODE) is shard 1's first replica. */
    private static RemoteChunk spread(FakeClickHouse first, FakeClickHouse second) {
        TargetSharding.Layout layout = new TargetSharding.Layout("posthog", "sipHash64(distinct_id)", 2, List.of(
                new TargetSharding.Layout.Slot(1, 0, 1, "10.0.0.7:9000"), new TargetSharding.Layout.Slot(2, 1, 1, "10.0.0.9:9000")));
        Placement placement = new Placement(List.of(new Placement.Site(1, Fixtures.NODE), new Placement.Site(2, SHARD_2)), layout);
        return new RemoteChunk(SQL, placement, (h, p) -> (h.equals(SHARD_2.host()) ? second : first).connect(h, p), DEFINITION,
                context(first));
    }

    @Test
    void throughTheShardingOneStatementOnTheCoordinatorFillsEveryShardsChunkTable() throws Exception {
        FakeClickHouse first = new FakeClickHouse();
        FakeClickHouse second = new FakeClickHouse();
        ChunkState sending = C.sending("q-3", java.time.Instant.now());
        try (RemoteChunk chunk = spread(first, second)) {
            chunk.freshTables(first.connect(Fixtures.NODE.host(), 8123), sending);
            chunk.copy(first.connect(Fixtures.NODE.host(), 8123), sending);
        }
        assertTrue(second.statements.stream().anyMatch(s -> s.startsWith("CREATE TABLE `tgt`.`events_remote_3`")), second.statements.toString());
        assertTrue(second.statements.stream().noneMatch(s -> s.startsWith("INSERT")), "shard 2 is written through the coordinator: " + second.statements);
        assertTrue(first.statements.contains("CREATE TABLE `tgt`.`events_remote_3_all` AS `tgt`.`events` ENGINE = Distributed('posthog',"
                + " 'tgt', 'events_remote_3', sipHash64(distinct_id))"), first.statements.toString());
        List<String> inserts = first.statements.stream().filter(s -> s.startsWith("INSERT")).toList();
        assertEquals(1, inserts.size(), first.statements.toString());
        assertTrue(inserts.get(0).startsWith("INSERT INTO `tgt`.`events_remote_3_all`") && !inserts.get(0).contains("% 2"),
                "the whole chunk, unfiltered by shard: " + inserts.get(0));
    }

    @Test
    void theSourcesFingerprintIsReadOnceAndSplitByShardAShardWithoutRowsHoldingZeros() throws Exception {
        List<String> asked = new java.util.ArrayList<>();
        FakeClickHouse first = new FakeClickHouse().answer(sql -> {
            asked.add(sql);
            return new Table(List.of("s", "c", "u", "h"), List.of(List.of("2", "40", "40", "123")));
        });
        try (RemoteChunk chunk = spread(first, new FakeClickHouse())) {
            RemoteChunk.Prints source = chunk.source(first.connect(Fixtures.NODE.host(), 8123), C);
            assertEquals(Map.of(1, new RemoteChunk.Print(0, 0, "0"), 2, new RemoteChunk.Print(40, 40, "123")), source.shards());
            assertEquals(40, source.rows());
        }
        assertEquals(1, asked.size(), asked.toString());
        assertTrue(asked.get(0).startsWith("SELECT multiIf(((sipHash64(distinct_id)) % 2) < 1, 1, 2) AS chrunbook_shard")
                && asked.get(0).contains("FROM cluster('old', 'src', 'events')") && asked.get(0).endsWith("GROUP BY chrunbook_shard"), asked.get(0));
    }

    @Test
    void eachShardsChunkTableIsAttachedOnItsOwnNode() throws Exception {
        FakeClickHouse first = node("0", "0");
        FakeClickHouse second = node("0", "0");
        try (RemoteChunk chunk = spread(first, second)) {
            assertEquals(Optional.empty(), chunk.attach(first.connect(Fixtures.NODE.host(), 8123), C, true));
        }
        for (FakeClickHouse n : List.of(first, second)) {
            assertEquals(List.of("ALTER TABLE `tgt`.`events` ATTACH PARTITION ID '202401' FROM `tgt`.`events_remote_3`, ATTACH PARTITION ID '202402' FROM `tgt`.`events_remote_3`"), n.statements.stream().filter(s -> s.contains("ATTACH PARTITION")).toList(), "both months in one ALTER");
        }
    }

    private static RemoteChunk chunk() {
        RemoteSql sql = new RemoteSql("old", "src", "events", "tgt", "events", List.of("`uuid`", "`ts`", "`team`"), "team", List.of(4L),
                "ts", "2024-01-01 00:00:00", "2024-03-01 00:00:00", "uuid", "UUID", "toYYYYMM(ts)", "");
        return new RemoteChunk(sql, Placement.ownShard(Fixtures.NODE), new FakeClickHouse(), DEFINITION, context(new FakeClickHouse()));
    }

    private static FakeClickHouse node(String januaryInTarget, String februaryInTarget) {
        return new FakeClickHouse().answer(sql -> {
            if (sql.startsWith("SELECT partition_id, sum(rows)")) {
                return new Table(List.of("p", "r", "b", "n"), List.of(List.of("202401", "100", "1000", "1"), List.of("202402", "50", "500", "1")));
            }
            if (sql.contains("_partition_id = '202401'")) {
                return new Table(List.of("c"), List.of(List.of(januaryInTarget)));
            }
            return new Table(List.of("c"), List.of(List.of(februaryInTarget)));
        });
    }

    private static final ChunkState C = ChunkState.planned(3, "team4", SourceRange.days(4, 19730, 19760), 150);

    @Test
    void onlyThePartitionsNotYetInTheTargetAreAttached() throws Exception {
        FakeClickHouse node = node("100", "0"); // stopped after January's ATTACH
        Optional<String> problem = chunk().attach(node.connect("h", 1), C, false);
        assertEquals(Optional.empty(), problem);
        List<String> attached = node.statements.stream().filter(s -> s.contains("ATTACH PARTITION")).toList();
        assertEquals(List.of("ALTER TABLE `tgt`.`events` ATTACH PARTITION ID '202402' FROM `tgt`.`events_remote_3`"), attached);
    }

    @Test
    void aPartitionHoldingSomeOfTheChunksRowsOnlyIsAProblemNotAnAttach() throws Exception {
        FakeClickHouse node = node("0", "20");
        Optional<String> problem = chunk().attach(node.connect("h", 1), C, false);
        assertTrue(problem.isPresent() && problem.get().contains("partition 202402") && problem.get().contains("holds 20"), problem.toString());
        assertEquals(List.of(), node.statements.stream().filter(s -> s.contains("ATTACH PARTITION")).toList(),
                "nothing attached: every partition is looked at before the ALTER");
    }

    @Test
    void aChunkCopiedIntoARangeTheTargetHadNoneOfIsAttachedWholeWithoutACountPerPartition() throws Exception {
        FakeClickHouse node = node("0", "0");
        Optional<String> problem = chunk().attach(node.connect("h", 1), C, true);
        assertEquals(Optional.empty(), problem);
        assertEquals(List.of("ALTER TABLE `tgt`.`events` ATTACH PARTITION ID '202401' FROM `tgt`.`events_remote_3`, ATTACH PARTITION ID '202402' FROM `tgt`.`events_remote_3`"), node.statements.stream().filter(s -> s.contains("ATTACH PARTITION")).toList(), "both months in one ALTER");
        assertTrue(node.statements.stream().noneMatch(s -> s.contains("_partition_id")), "no count per partition: " + node.statements);
    }

    private static NodeContext context(FakeClickHouse node) {
        return new NodeContext("20261202_000000_0001", Fixtures.step("copy", "remote-copy"), Fixtures.NODE, Map.of(),
                new ExecutionListener() { }, new StatementSender(new Cancellations(node), new Fixtures.CountingSleeper()), Clock.systemUTC());
    }
}

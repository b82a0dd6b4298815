package dev.chrunbook.verify;

import dev.chrunbook.clickhouse.Table;
import dev.chrunbook.state.ChunkState;
import dev.chrunbook.testing.FakeClickHouse;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the slice-by-slice verify asks and concludes from the digests a node returns (scripted here:
 * what the server computes is shown by SliceVerifyIT on real servers).
 */
class SliceVerifyTest {
    private static final RowHash HASH = new RowHash("`uuid`", "cityHash64(reinterpretAsString(`uuid`))", "cityHash64(`uuid`, `v`)",
            List.of("uuid", "v"), List.of());
    private static final SliceSql SQL = new SliceSql("`db`.`old`", "`db`.`new`", HASH, "`_timestamp`", 256L << 20);
    private static final Table NAMED = new Table(List.of("problem", "id"), List.of(List.of("id missing in the new table", "u1")));

    private static Table digest(String side, long rows, long ids, String sum, long doubled) {
        return new Table(List.of("side", "rows", "ids", "id_sum", "doubled"),
                List.of(List.of(side, "" + rows, "" + ids, sum, "" + doubled)));
    }

    private static Table values(String side, long rows, String sum) {
        return new Table(List.of("side", "rows", "value_sum"), List.of(List.of(side, "" + rows, sum)));
    }

    /** A node answering each kind of statement of a slice from the map (new ids, old stream, old ids, values, drill-down). */
    private static final class Node {
        final List<String> asked = new ArrayList<>();
        final FakeClickHouse fake;

        Node(Map<String, Table> byKind) {
            Function<String, Table> answer = sql -> {
                String kind = sql.contains("multiIf(") ? "drill" : sql.startsWith("SELECT 'verify new values'") ? "new values"
                        : sql.startsWith("SELECT 'verify old values'") ? (sql.contains("argMax") ? "old versions" : "old values")
                        : sql.contains("uniqExact") ? "new ids" : sql.startsWith("SELECT 'verify old'") && sql.contains("GROUP BY") ? "old ids"
                        : sql.startsWith("SELECT 'verify old'") ? "old stream" : "other";
                asked.add(kind);
                return byKind.getOrDefault(kind, NAMED);
            };
            fake = new FakeClickHouse().answer(answer);
        }

        SliceVerify.Result run(List<SliceVerify.Slice> slices, List<ChunkState> ledger, long budget) {
            return new SliceVerify(fake.connect("h", 1), SQL, budget, ledger::add, line -> { }, Clock.systemUTC()).run(slices);
        }
    }

    private static SliceVerify.Slice slice(boolean values, long plannedRows) {
        return new SliceVerify.Slice(ChunkState.planned(1, "202401", null, null, plannedRows, 0), "partition 202401", "1", false, values);
    }

    @Test
    void aSliceWhoseIdsAgreeAndCouldNotHaveChangedIsDoneWithoutReadingValues() {
        Node node = new Node(Map.of("new ids", digest("verify new", 10, 10, "77", 0), "old stream", digest("verify old", 10, 10, "77", 0)));
        List<ChunkState> ledger = new ArrayList<>();
        SliceVerify.Result r = node.run(List.of(slice(false, 10)), ledger, 256L << 20);
        assertTrue(r.passed(), r.problems());
        assertEquals(List.of("new ids", "old stream"), node.asked);
        assertEquals(ChunkState.Phase.DONE, ledger.get(0).phase());
        assertEquals(10L, ledger.get(0).rows());
    }

    @Test
    void valuesAreComparedWhereTheyCouldHaveChangedAndADifferenceFailsTheSliceNamingIds() {
        Node node = new Node(Map.of("new ids", digest("verify new", 10, 10, "77", 0), "old stream", digest("verify old", 10, 10, "77", 0),
                "new values", values("verify new values", 10, "5"), "old values", values("verify old values", 10, "6")));
        List<ChunkState> ledger = new ArrayList<>();
        SliceVerify.Result r = node.run(List.of(slice(true, 10)), ledger, 256L << 20);
        assertFalse(r.passed());
        assertEquals(List.of("new ids", "old stream", "new values", "old values", "drill"), node.asked);
        assertTrue(r.problems().contains("the same 10 ids in both tables, with other values"), r.problems());
        assertTrue(r.problems().contains("u1"), "the drill-down's ids are named: " + r.problems());
        assertEquals(ChunkState.Phase.FAILED, ledger.get(0).phase());
        assertEquals(5, node.fake.reads.size());
        node.fake.reads.forEach(read -> assertEquals(String.valueOf(512L << 20), read.getValue().get("max_memory_usage"), read.getKey()));
        node.fake.reads.stream().filter(read -> read.getKey().contains("GROUP BY"))
                .forEach(read -> assertEquals(String.valueOf(128L << 20), read.getValue().get("max_bytes_before_external_group_by"), read.getKey()));
    }

    @Test
    void anOldTableHoldingVersionsOfAnIdIsCountedByDistinctIdAndComparedByItsLastVersion() {
        Node node = new Node(Map.of("new ids", digest("verify new", 10, 10, "77", 0), "old stream", digest("verify old", 12, 12, "99", 0),
                "old ids", digest("verify old", 12, 10, "77", 2),
                "new values", values("verify new values", 10, "5"), "old versions", values("verify old values", 10, "5")));
        SliceVerify.Result r = node.run(List.of(slice(false, 10)), new ArrayList<>(), 256L << 20);
        assertTrue(r.passed(), r.problems());
        assertEquals(List.of("new ids", "old stream", "old ids", "new values", "old versions"), node.asked,
                "the old table's extra rows are versions: its distinct ids agree, and its last versions' values are compared");
    }

    @Test
    void anIdTheNewTableHoldsTwiceFailsEvenWhenTheOldTableHoldsItTwiceToo() {
        Node node = new Node(Map.of("new ids", digest("verify new", 11, 10, "88", 1), "old stream", digest("verify old", 11, 11, "88", 0),
                "old ids", digest("verify old", 11, 10, "77", 1)));
        SliceVerify.Result r = node.run(List.of(slice(false, 10)), new ArrayList<>(), 256L << 20);
        assertFalse(r.passed());
        assertTrue(r.problems().contains("(1 held more than once)"), r.problems());
    }

    @Test
    void aSliceLargerThanTheBudgetIsReadInHashPiecesWhoseDigestsAddUpAsTheServerWrapsThem() {
        // 2^64 - 1 and 2 add up to 1 in UInt64, as sum() does on the server
        Node node = new Node(Map.of("old stream", digest("verify old", 20, 20, "1", 0)));
        List<String> pieces = new ArrayList<>();
        FakeClickHouse fake = new FakeClickHouse().answer(sql -> {
            if (sql.contains("uniqExact")) {
                pieces.add(sql.replaceAll(".*% (\\d+) = (\\d+).*", "$2/$1"));
                return digest("verify new", 10, 10, pieces.size() == 1 ? "18446744073709551615" : "2", 0);
            }
            return node.fake.connect("h", 1).table(sql);
        });
        long budget = 48L * 10; // 10 ids' sets a statement: a slice of 20 planned rows is read in 2 pieces
        SliceVerify.Result r = new SliceVerify(fake.connect("h", 1), SQL, budget, c -> { }, line -> { }, Clock.systemUTC())
                .run(List.of(slice(false, 20)));
        assertEquals(List.of("0/2", "1/2"), pieces);
        assertTrue(r.passed(), r.problems());
    }

    @Test
    void aResumedVerifyGoesOnAtTheSliceItStoppedAtAndAsksAgainAboutAFailedOne() {
        Node node = new Node(Map.of("new ids", digest("verify new", 10, 10, "77", 0), "old stream", digest("verify old", 10, 10, "77", 0)));
        SliceVerify.Slice done = new SliceVerify.Slice(ChunkState.planned(1, "202401", null, null, 10, 0).copied(10, "x").done(),
                "partition 202401", "a", false, false);
        SliceVerify.Slice failed = new SliceVerify.Slice(ChunkState.planned(2, "202402", null, null, 10, 0).copied(10, "x").failed("earlier"),
                "partition 202402", "b", false, false);
        List<ChunkState> ledger = new ArrayList<>();
        SliceVerify.Result r = node.run(List.of(done, failed), ledger, 256L << 20);
        assertTrue(r.passed(), r.problems());
        assertEquals(List.of("new ids", "old stream"), node.asked, "only the failed slice is read again");
        assertEquals(1, ledger.size());
        assertEquals(2, ledger.get(0).index());
        assertEquals(20, r.rows(), "the rows of the slice done before count too");
    }

    @Test
    void theCatchUpsRowsAreCheckedOnlyForIdsTheNewTableHoldsTwice() {
        Node node = new Node(Map.of("new ids", digest("verify new", 3, 2, "5", 1)));
        SliceVerify.Slice window = new SliceVerify.Slice(ChunkState.planned(9, "catch-up", null, null, 0, 0), "the catch-up's rows", "w", true, false);
        SliceVerify.Result r = node.run(List.of(window), new ArrayList<>(), 256L << 20);
        assertFalse(r.passed());
        assertEquals(List.of("new ids", "other"), node.asked, "no old table read; the doubled ids named");
        assertTrue(r.problems().contains("1 row(s) beyond its distinct ids"), r.problems());
    }
}

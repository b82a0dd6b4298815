package dev.chrunbook.chunks;

import dev.chrunbook.catalog.Catalog;
import dev.chrunbook.state.ChunkState;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How a node's partitions become chunks: each lane gets as many chunks of about equal size, none over the limits. */
class ChunkPlannerTest {
    private static final ChunkSql SQL = new ChunkSql("db", "src", "dst", List.of("`k`"), "toUInt64(k)", "", "");

    private static List<ChunkState> plan(List<Catalog.Partition> partitions, long maxRows, int parallel) {
        // a split partition's keys are 0..999 spread evenly: the cut at level l is 1000 l (what the server's quantiles would give)
        return new ChunkPlanner(SQL, new ChunkPlanner.Limits(maxRows, 0, parallel)).plan(partitions,
                (p, levels) -> levels.stream().map(l -> Math.round(l * 1000)).distinct().toList());
    }

    private static List<Catalog.Partition> uniform(int count, long rows) {
        List<Catalog.Partition> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(new Catalog.Partition(String.valueOf(1000 + i), rows, rows * 50, 3));
        }
        return out;
    }

    @Test
    void manySmallPartitionsMakeChunksThatShrinkSoTheLanesEndTogether() {
        List<ChunkState> chunks = plan(uniform(46, 109_141), 1_000_000, 2);
        assertTrue(chunks.stream().allMatch(c -> c.plannedRows() <= 1_000_000), sizes(chunks).toString());
        assertEquals(46, chunks.stream().mapToLong(c -> c.partitions().size()).sum(), "every partition in exactly one chunk");
        List<Long> sizes = sizes(chunks);
        assertTrue(sizes.get(0) > 800_000, "the first chunks are large: " + sizes);
        assertEquals(109_141, sizes.get(sizes.size() - 1), "the last chunk is one partition: " + sizes);
        assertTrue(idleAtTheEnd(chunks, 2) <= 109_141, "the lanes end within a partition of each other: " + sizes);
    }

    @Test
    void partitionsOfUnequalSizesAlsoEndTogetherOnFourLanes() {
        List<Catalog.Partition> days = new ArrayList<>();
        for (int i = 0; i < 90; i++) {
            long rows = 20_000 + (i * 7919L) % 60_000; // 20k..80k rows a day, in no order
            days.add(new Catalog.Partition(String.valueOf(20260101 + i), rows, rows * 80, 1 + i % 4));
        }
        List<ChunkState> chunks = plan(days, 0, 4);
        long total = days.stream().mapToLong(Catalog.Partition::rows).sum();
        assertEquals(total, chunks.stream().mapToLong(ChunkState::plannedRows).sum(), "all rows planned once");
        assertTrue(chunks.stream().allMatch(c -> c.plannedRows() <= Math.max(100_000, total / 8)), sizes(chunks).toString());
        assertTrue(idleAtTheEnd(chunks, 4) <= 2 * 80_000, "the lanes end within two days of each other: " + sizes(chunks));
    }

    /** The rows between the first and the last lane's end, the lanes taking the largest pending chunk first at one speed. */
    private static long idleAtTheEnd(List<ChunkState> chunks, int lanes) {
        long[] end = new long[lanes];
        chunks.stream().map(ChunkState::plannedRows).sorted(Comparator.reverseOrder()).forEach(rows -> {
            int first = 0;
            for (int i = 1; i < lanes; i++) {
                first = end[i] < end[first] ? i : first;
            }
            end[first] += rows;
        });
        return LongStream.of(end).max().orElseThrow() - LongStream.of(end).min().orElseThrow();
    }

    @Test
    void aHugePartitionAmongSmallOnesIsSplitIntoRangesNoLargerThanTheTarget() {
        List<Catalog.Partition> skewed = new ArrayList<>(uniform(10, 20_000));
        skewed.add(5, new Catalog.Partition("20260105", 3_000_000, 90_000_000, 40));
        List<ChunkState> chunks = plan(skewed, 1_000_000, 4);
        List<ChunkState> ranges = chunks.stream().filter(c -> c.partition().equals("20260105")).toList();
        assertTrue(ranges.size() >= 4, "split for 4 lanes: " + sizes(chunks));
        assertTrue(ranges.stream().allMatch(c -> c.plannedRows() <= 1_000_000));
        assertEquals(null, ranges.get(0).from(), "the first range is open below");
        assertEquals(null, ranges.get(ranges.size() - 1).to(), "the last range is open above");
        assertEquals(3_200_000, chunks.stream().mapToLong(ChunkState::plannedRows).sum(), "all rows planned once");
        assertTrue(ranges.get(0).plannedRows() > ranges.get(ranges.size() - 1).plannedRows(), "the ranges shrink: " + sizes(chunks));
    }

    @Test
    void aBillionRowPartitionOfTerabytesIsSplitWithEveryRangesBytesCountedRight() {
        List<Catalog.Partition> huge = List.of(new Catalog.Partition("202601", 2_000_000_000L, 4_000_000_000_000L, 90));
        List<ChunkState> chunks = plan(huge, 50_000_000, 2);
        assertTrue(chunks.size() > 40, sizes(chunks).toString());
        assertEquals(2_000_000_000L, chunks.stream().mapToLong(ChunkState::plannedRows).sum());
        assertTrue(chunks.stream().allMatch(c -> c.plannedBytes() == c.plannedRows() * 2_000), "2,000 bytes a row in every range: "
                + chunks.stream().map(ChunkState::plannedBytes).toList());
    }

    @Test
    void oneLaneAndATableUnderTheSmallestShareIsOneChunk() {
        List<ChunkState> chunks = plan(uniform(3, 10_000), 0, 1);
        assertEquals(1, chunks.size(), sizes(chunks).toString());
        assertEquals(List.of("1000", "1001", "1002"), chunks.get(0).partitions());
    }

    private static List<Long> sizes(List<ChunkState> chunks) {
        return chunks.stream().map(ChunkState::plannedRows).toList();
    }
}

package dev.chrunbook.chunks;

import dev.chrunbook.state.ChunkState;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How a node's partitions become chunks: each lane gets as many chunks of about equal size, none over the limits. */
class ChunkPlannerTest {
    private static final ChunkSql SQL = new ChunkSql("db", "src", "dst", List.of("`k`"), "toUInt64(k)", "", "");

    private static List<ChunkState> plan(List<ChunkPlanner.Partition> partitions, long maxRows, int parallel) {
        // a split partition is cut at k - 1 evenly spaced values (what the server's quantiles would give)
        return new ChunkPlanner(SQL, new ChunkPlanner.Limits(maxRows, 0, parallel)).plan(partitions,
                (p, k) -> LongStream.range(1, k).map(i -> i * 1000L).boxed().toList());
    }

    private static List<ChunkPlanner.Partition> uniform(int count, long rows) {
        List<ChunkPlanner.Partition> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(new ChunkPlanner.Partition(String.valueOf(1000 + i), rows, rows * 50, 3));
        }
        return out;
    }

    @Test
    void manySmallPartitionsMakeAMultipleOfParallelChunksOfAboutEqualSize() {
        List<ChunkState> chunks = plan(uniform(46, 109_141), 1_000_000, 2);
        assertEquals(0, chunks.size() % 2, "each of 2 lanes copies as many chunks: " + sizes(chunks));
        assertTrue(chunks.stream().allMatch(c -> c.plannedRows() <= 1_000_000), sizes(chunks).toString());
        long largest = chunks.stream().mapToLong(ChunkState::plannedRows).max().orElseThrow();
        long smallest = chunks.stream().mapToLong(ChunkState::plannedRows).min().orElseThrow();
        assertTrue(smallest * 2 >= largest, "no chunk left far smaller than the others: " + sizes(chunks));
        assertEquals(46, chunks.stream().mapToLong(c -> c.partitions().size()).sum(), "every partition in exactly one chunk");
    }

    @Test
    void aHugePartitionAmongSmallOnesIsSplitIntoRangesNoLargerThanTheTarget() {
        List<ChunkPlanner.Partition> skewed = new ArrayList<>(uniform(10, 20_000));
        skewed.add(5, new ChunkPlanner.Partition("20260105", 3_000_000, 90_000_000, 40));
        List<ChunkState> chunks = plan(skewed, 1_000_000, 4);
        List<ChunkState> ranges = chunks.stream().filter(c -> c.partition().equals("20260105")).toList();
        assertTrue(ranges.size() >= 4, "split for 4 lanes: " + sizes(chunks));
        assertTrue(ranges.stream().allMatch(c -> c.plannedRows() <= 1_000_000));
        assertEquals(null, ranges.get(0).from(), "the first range is open below");
        assertEquals(null, ranges.get(ranges.size() - 1).to(), "the last range is open above");
        assertEquals(3_200_000 - 3_000_000 % ranges.size(), chunks.stream().mapToLong(ChunkState::plannedRows).sum(),
                "all rows planned once (a range's planned rows are rounded down)");
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

package dev.chrunbook.chunks;

import dev.chrunbook.apply.Cancellations;
import dev.chrunbook.apply.StatementSender;
import dev.chrunbook.clickhouse.Table;
import dev.chrunbook.observe.ExecutionListener;
import dev.chrunbook.state.ChunkState;
import dev.chrunbook.state.ChunkState.Phase;
import dev.chrunbook.state.StateStore;
import dev.chrunbook.testing.FakeClickHouse;
import dev.chrunbook.testing.Fixtures;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.chrunbook.testing.Fixtures.NODE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The chunked copy against a node in memory: planning, the ledger, resume without re-sending, repair of a partition that differs. */
class ChunkedCopyTest {
    private static final String DEFINITION = "CREATE TABLE db.events_new (`id` UUID, `ts` DateTime, `v` String) ENGINE = "
            + "ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/db.events_new_r1', '{replica}', ts) PARTITION BY toYYYYMM(ts) ORDER BY (v, id)";

    @TempDir
    Path dir;
    private StateStore store;
    private final AtomicBoolean tampered = new AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicInteger chunkDiffers = new java.util.concurrent.atomic.AtomicInteger();
    private final AtomicBoolean cancelWhileVerifying = new AtomicBoolean();
    private final List<String> leftovers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final FakeClickHouse node = new FakeClickHouse().answer(this::answer);

    @BeforeEach
    void state() {
        store = StateStore.open(dir.resolve("state"), "rb", "20261201_000000_0001", Clock.systemUTC());
    }

    private Table answer(String sql) {
        if (sql.contains(" UNION ALL ")) { // two tables' fingerprints side by side: each half answered alone, led by its table
            List<List<String>> rows = new java.util.ArrayList<>();
            for (String half : sql.split(" UNION ALL ")) {
                var tagged = java.util.regex.Pattern.compile("^SELECT '([^']+)', (.*)$", java.util.regex.Pattern.DOTALL).matcher(half);
                assertTrue(tagged.matches(), half);
                List<String> row = new java.util.ArrayList<>(List.of(tagged.group(1)));
                row.addAll(answer("SELECT " + tagged.group(2)).rows().get(0));
                rows.add(row);
            }
            return new Table(List.of("t", "c", "u", "f"), rows);
        }
        if (sql.startsWith("SELECT name FROM system.tables")) { // chunk tables a killed run left behind
            return new Table(List.of("name"), leftovers.stream().map(List::of).toList());
        }
        if (sql.contains("create_table_query")) {
            return new Table(List.of("q"), List.of(List.of(DEFINITION)));
        }
        if (sql.contains("GROUP BY partition_id ORDER BY partition_id")) {
            return new Table(List.of("p", "rows", "bytes", "parts"), List.of(List.of("202401", "100", "1000", "2"),
                    List.of("202402", "300", "3000", "3")));
        }
        if (sql.contains("quantiles(")) {
            return new Table(List.of("q"), List.of(List.of("19755")));
        }
        if (sql.startsWith("SELECT count(), 0, toString") && sql.contains("FROM `db`.`events_new_chunk_202401")
                && chunkDiffers.getAndDecrement() > 0) { // the copy in the chunk's table lost rows
            if (cancelWhileVerifying.get()) {
                cancellations.cancelAll(); // the operator's Ctrl-C while that chunk is checked
            }
            return new Table(List.of("c", "u", "f"), List.of(List.of("99", "0", "5")));
        }
        if (sql.startsWith("SELECT count(), uniqExact") || sql.startsWith("SELECT count(), 0, toString")) {
            boolean target = sql.contains("FROM `db`.`events_new` ");
            return new Table(List.of("c", "u", "f"), List.of(target && tampered.get() && sql.contains("'202401'")
                    ? List.of("90", "90", "7") : List.of("100", "100", "123")));
        }
        if (sql.startsWith("SELECT count() FROM `db`.`events_new")) { // a chunk table's rows, and a partition's in the target
            return new Table(List.of("c"), List.of(List.of(sql.contains("WHERE") ? (sql.contains("202402") ? "200" : "100") : "100")));
        }
        return new Table(List.of("x"), List.of(List.of("0"))); // the throttle's counts: nothing holds
    }

    private Cancellations cancellations = new Cancellations(node);

    private ChunkedCopy.Result copy(boolean rerun) throws Exception {
        ChunkSql sql = new ChunkSql("db", "events", "events_new", List.of("`id`", "`ts`", "`v`"), "toDate(ts)", "id", "ts");
        Throttle throttle = new Throttle(dir.resolve("state").resolve(Throttle.PAUSE_FILE), "db", "events_new", 100, 300, 16, Optional.empty());
        ChunkedCopy.Spec spec = new ChunkedCopy.Spec(Fixtures.step("copy", "chunked-copy"), NODE, "20261201_000000_0001", sql, DEFINITION,
                new ChunkPlanner.Limits(150, 0), 2, Duration.ofSeconds(30), 2, throttle, Duration.ofMinutes(1), Map.of(), rerun);
        store.update("copy", NODE.id(), s -> s.startAttempt(Clock.systemUTC().instant()));
        return new ChunkedCopy(spec, store, node, new Fixtures.CountingSleeper(), new ExecutionListener() { },
                new StatementSender(cancellations, new Fixtures.CountingSleeper())).run();
    }

    private List<ChunkState> ledger() {
        return store.node("copy", NODE.id()).chunks();
    }

    @Test
    void partitionsArePlannedSplitWhenLargeCopiedVerifiedAndReplacedWhole() throws Exception {
        ChunkedCopy.Result r = copy(false);
        assertTrue(r.complete(), r.message());
        assertEquals(List.of("202401", "202402", "202402"), ledger().stream().map(ChunkState::partition).toList());
        assertEquals(List.of(Phase.DONE, Phase.DONE, Phase.DONE), ledger().stream().map(ChunkState::phase).toList());
        assertEquals(3, node.executed.size(), "one INSERT per chunk: " + node.executed);
        assertTrue(node.statements.contains("ALTER TABLE `db`.`events_new` REPLACE PARTITION ID '202401' FROM `db`.`events_new_chunk_202401_1`"),
                String.join("\n", node.statements));
        assertTrue(node.statements.contains("ALTER TABLE `db`.`events_new_chunk_202402` ATTACH PARTITION ID '202402' FROM `db`.`events_new_chunk_202402_2`"));
        assertTrue(node.statements.contains("ALTER TABLE `db`.`events_new` REPLACE PARTITION ID '202402' FROM `db`.`events_new_chunk_202402`"));
        assertTrue(node.statements.stream().anyMatch(s -> s.contains("toUInt64(toDate(ts)) >= 19755")), "the split partition's second range");
        assertTrue(node.statements.contains("DROP TABLE IF EXISTS `db`.`events_new_chunk_202402_3`"), "temporary tables cleaned up");
    }

    @Test
    void aChunkWhoseCopyFinishedWhileNoRunWatchedIsVerifiedNotCopiedAgain() throws Exception {
        assertTrue(copy(false).complete());
        String query = "chrunbook-20261201_000000_0001-copy-c1-10_0_0_7_8123-2-1";
        ChunkState first = ledger().get(0);
        // a crash right after the chunk's second copy was sent: the server finished it
        store.update("copy", NODE.id(), s -> s.withChunk(first.sending(query, Clock.systemUTC().instant())));
        node.knows(query, FakeClickHouse.Fate.FINISHED, 2, null);
        node.executed.clear();
        ChunkedCopy.Result r = copy(false);
        assertTrue(r.complete(), r.message());
        assertEquals(List.of(), node.executed, "nothing sent again");
        assertEquals(Phase.DONE, ledger().get(0).phase());
    }

    @Test
    void withRerunAPartitionThatDiffersInTheTargetIsCopiedAgainAndOnlyThatOne() throws Exception {
        assertTrue(copy(false).complete());
        node.executed.clear();
        tampered.set(true);
        ChunkedCopy.Result repaired = copy(true);
        assertTrue(repaired.complete(), repaired.message());
        assertEquals(1, node.executed.size(), "only the tampered partition's chunk was copied again: " + node.executed);
        assertEquals(List.of(2, 1, 1), ledger().stream().map(ChunkState::attempts).toList());
        assertTrue(node.statements.stream().filter(s -> s.contains("REPLACE PARTITION ID '202401'")).count() == 2,
                "its partition replaced again: " + node.statements);
    }

    @Test
    void chunkTablesLeftByARunKilledAfterItsPartitionsWentInAreDroppedByTheNextRun() throws Exception {
        assertTrue(copy(false).complete());
        // killed between marking the partitions done and dropping their tables: the ledger is done, the tables are there
        leftovers.addAll(List.of("events_new_chunk_202401_1", "events_new_chunk_202402", "events_new_chunk_202402_3", "events_other_chunk_1"));
        node.statements.clear();
        node.executed.clear();
        assertTrue(copy(false).complete());
        assertEquals(List.of(), node.executed, "nothing copied again");
        for (String t : List.of("events_new_chunk_202401_1", "events_new_chunk_202402", "events_new_chunk_202402_3")) {
            assertTrue(node.statements.contains("DROP TABLE IF EXISTS `db`.`" + t + "`"), t + " dropped: " + node.statements);
        }
        assertTrue(node.statements.stream().noneMatch(s -> s.contains("events_other_chunk_1")), "another table's are not ours");
    }

    private long copiesOf(String chunkTable) {
        return node.statements.stream().filter(s -> s.startsWith("INSERT INTO `db`.`" + chunkTable + "`")).count();
    }

    @Test
    void aChunkWhoseCopyDiffersFromTheSourceIsCopiedAgainAndThenPutIn() throws Exception {
        chunkDiffers.set(1);
        ChunkedCopy.Result r = copy(false);
        assertTrue(r.complete(), r.message());
        assertEquals(2, copiesOf("events_new_chunk_202401_1"), "copied again once: " + node.statements);
        assertEquals(2, copiesOf("events_new_chunk_202402_2") + copiesOf("events_new_chunk_202402_3"), "the others once each");
        assertTrue(ledger().stream().allMatch(c -> c.phase() == Phase.DONE), ledger().toString());
        assertEquals(2, ledger().stream().filter(c -> c.partition().equals("202401")).findFirst().orElseThrow().attempts());
    }

    @Test
    void aChunkThatKeepsDifferingFailsTheStepNamingItAfterItsRetries() throws Exception {
        chunkDiffers.set(100);
        ChunkedCopy.Result r = copy(false);
        assertTrue(!r.complete(), r.message());
        assertEquals(3, copiesOf("events_new_chunk_202401_1"), "1 copy + verify_retries 2");
        assertTrue(r.message().contains("partition 202401") && r.message().contains("after 3 copies")
                && r.message().contains("99 rows"), r.message());
        assertEquals(Phase.FAILED, ledger().stream().filter(c -> c.partition().equals("202401")).findFirst().orElseThrow().phase());
        assertTrue(ledger().stream().filter(c -> c.partition().equals("202402")).allMatch(c -> c.phase() == Phase.DONE),
                "the other partition's chunks are done: " + ledger());
    }

    @Test
    void aChunkThatDiffersWhileTheOperatorCancelsIsLeftPendingAndTheStepSaysCancelled() throws Exception {
        chunkDiffers.set(1);
        cancelWhileVerifying.set(true);
        ChunkedCopy.Result r = copy(false);
        assertTrue(!r.complete(), r.message());
        assertTrue(r.message().contains("cancelled by the operator") && !r.message().contains("copies"), r.message());
        assertEquals(Phase.PENDING, ledger().stream().filter(c -> c.partition().equals("202401")).findFirst().orElseThrow().phase(),
                "copied again by the next run, not failed: " + ledger());
        assertEquals(1, copiesOf("events_new_chunk_202401_1"), "not copied again after the cancel");
    }

    @Test
    void afterTheOperatorCancelledNoFurtherChunkIsSent() throws Exception {
        cancellations.cancelAll(); // Ctrl-C, cancel, while this node was between two chunks
        ChunkedCopy.Result r = copy(false);
        assertTrue(!r.complete(), r.message());
        assertEquals(List.of(), node.executed, "no chunk sent after the cancel");
        assertTrue(r.message().contains("cancelled by the operator") && r.message().contains("3 chunk(s) not copied"), r.message());
    }

    @Test
    void aPauseFileHoldsTheNextChunk() throws Exception {
        java.nio.file.Files.createDirectories(dir.resolve("state"));
        java.nio.file.Files.writeString(dir.resolve("state").resolve(Throttle.PAUSE_FILE), "");
        Throttle throttle = new Throttle(dir.resolve("state").resolve(Throttle.PAUSE_FILE), "db", "t", 0, 0, 0, Optional.empty());
        Optional<Throttle.Hold> held = throttle.holds(node.connect(NODE.host(), NODE.httpPort()));
        assertTrue(held.isPresent() && held.get().paused() && held.get().why().startsWith("paused by"), held.toString());
    }
}

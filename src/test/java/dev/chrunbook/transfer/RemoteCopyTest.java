package dev.chrunbook.transfer;

import dev.chrunbook.apply.Cancellations;
import dev.chrunbook.apply.StatementSender;
import dev.chrunbook.clickhouse.Table;
import dev.chrunbook.observe.ExecutionListener;
import dev.chrunbook.state.ChunkState;
import dev.chrunbook.state.StateStore;
import dev.chrunbook.testing.FakeClickHouse;
import dev.chrunbook.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The remote copy against a target node in memory: an operator's cancel stops it before its next
 * chunk; a lane sends its next copy while the last one is checked; a copy that differs from the
 * source is copied again, a bounded number of times.
 */
class RemoteCopyTest {
    private static final String DEFINITION = "CREATE TABLE tgt.events (`uuid` UUID, `ts` DateTime, `team` Int64) ENGINE = "
            + "ReplicatedMergeTree('/clickhouse/tables/{shard}/tgt.events', '{replica}') PARTITION BY toYYYYMM(ts) ORDER BY (team, ts)";
    @TempDir
    Path dir;

    @Test
    void afterTheOperatorCancelledNoChunkIsCopied() throws Exception {
        FakeClickHouse node = new FakeClickHouse().answer(sql -> sql.contains("AS chrunbook_day")
                ? new Table(List.of("team", "day", "rows"), List.of(List.of("4", "19730", "500"), List.of("4", "19731", "700")))
                : new Table(List.of("x"), List.of(List.of("0"))));
        RemoteSql sql = new RemoteSql("old", "src", "events", "tgt", "events", List.of("`uuid`", "`ts`", "`team`"), "team", List.of(4L),
                "ts", "2024-01-01 00:00:00", "2024-03-01 00:00:00", "uuid", "UUID", "toYYYYMM(ts)", "");
        StateStore store = StateStore.open(dir, "rb", "20261202_000000_0001", Clock.systemUTC());
        store.update("copy", Fixtures.NODE.id(), s -> s.startAttempt(Clock.systemUTC().instant()));
        RemoteCopy.Spec spec = new RemoteCopy.Spec(Fixtures.step("copy", "remote-copy"), Fixtures.NODE, "20261202_000000_0001", sql, 600,
                2, 3, Duration.ofSeconds(1), Map.of(), Optional.empty());
        Cancellations cancellations = new Cancellations(node);
        cancellations.cancelAll(); // Ctrl-C, cancel: nothing of this copy ran yet
        RemoteCopy.Result r = new RemoteCopy(spec, Placement.ownShard(Fixtures.NODE), store, node, new Fixtures.CountingSleeper(), new ExecutionListener() { },
                () -> "c1.x", DEFINITION, new StatementSender(cancellations, new Fixtures.CountingSleeper())).run();
        assertTrue(!r.complete(), r.message());
        assertTrue(r.message().contains("cancelled by the operator"), r.message());
        assertEquals(List.of(), node.executed, "no chunk copied");
        List<ChunkState> ledger = store.node("copy", Fixtures.NODE.id()).chunks();
        // planned (the 700-row day in two pieces of at most fetch_limit 600), none sent: the next run goes on from there
        assertEquals(3, ledger.size(), ledger.toString());
        assertTrue(ledger.stream().allMatch(c -> c.phase() == ChunkState.Phase.PENDING && c.attempts() == 0), ledger.toString());
    }

    /**
     * A target node of two one-day chunks (2024-01-08 and 2024-01-09, 500 rows each): the source's
     * fingerprint of a chunk is {@code source}, its chunk table's is {@code copied} (per copy, the
     * n-th copy's answer; the last repeats), and a chunk's rows are in the target once its table was
     * attached.
     */
    private static final class TwoDays {
        final FakeClickHouse node;
        final java.util.concurrent.atomic.AtomicInteger copiesOfFirst = new java.util.concurrent.atomic.AtomicInteger();
        volatile boolean firstCheckWaitedInVain;
        StateStore store;

        TwoDays(List<String> copiedFirst, boolean firstCheckWaitsForSecondCopy) {
            node = new FakeClickHouse();
            node.answer(sql -> {
                String day = sql.contains("toDate('2024-01-08')") ? "1" : "2";
                if (sql.contains("AS chrunbook_day")) {
                    return rows(List.of("4", "19730", "500"), List.of("4", "19731", "500"));
                }
                if (sql.startsWith("SELECT partition_id, sum(rows)")) {
                    return rows(List.of("202401", "500", "5000", "1"));
                }
                if (sql.startsWith("SELECT name FROM system.tables") || sql.contains("FROM system.tables")) { // chunk tables are not dropped here
                    return sql.startsWith("SELECT name") ? new Table(List.of("name"), List.of()) : rows(List.of("1"));
                }
                if (sql.contains("uniqExact") && sql.contains("FROM cluster(")) {
                    if (day.equals("1") && firstCheckWaitsForSecondCopy) {
                        firstCheckWaitedInVain = !waitFor(() -> node.statements.stream().anyMatch(s -> s.startsWith("INSERT INTO `tgt`.`events_remote_2`")));
                    }
                    return rows(List.of("500", "500", "s" + day));
                }
                if (sql.contains("uniqExact") && sql.contains("`events_remote_")) {
                    String print = day.equals("1") ? copiedFirst.get(Math.min(copiesOfFirst.get(), copiedFirst.size()) - 1) : "s2";
                    return rows(List.of("500", "500", print));
                }
                if (sql.contains("uniqExact") && sql.contains("FROM `tgt`.`events` ")) {
                    return attached(day) ? rows(List.of("500", "500", "s" + day)) : rows(List.of("0", "0", "0"));
                }
                if (sql.startsWith("SELECT count() FROM `tgt`.`events`")) {
                    return rows(List.of(attached(day) ? "500" : "0"));
                }
                return rows(List.of("0"));
            });
        }

        private boolean attached(String day) {
            return node.statements.stream().anyMatch(s -> s.contains("ATTACH PARTITION") && s.endsWith("`events_remote_" + day + "`"));
        }

        RemoteCopy.Result run(Path dir, int parallel, int retries) throws Exception {
            RemoteSql sql = new RemoteSql("old", "src", "events", "tgt", "events", List.of("`uuid`", "`ts`", "`team`"), "team", List.of(4L),
                    "ts", "2024-01-01 00:00:00", "2024-03-01 00:00:00", "uuid", "UUID", "toYYYYMM(ts)", "");
            store = StateStore.open(dir, "rb", "20261202_000000_0001", Clock.systemUTC());
            store.update("copy", Fixtures.NODE.id(), s -> s.startAttempt(Clock.systemUTC().instant()));
            RemoteCopy.Spec spec = new RemoteCopy.Spec(Fixtures.step("copy", "remote-copy"), Fixtures.NODE, "20261202_000000_0001", sql,
                    600, parallel, retries, Duration.ofMillis(1), Map.of(), Optional.empty());
            ExecutionListener counting = new ExecutionListener() {
                @Override
                public void statementStarted(dev.chrunbook.runbook.Step step, dev.chrunbook.Node n, String queryId, String sqlText) {
                    if (sqlText.contains("`events_remote_1`")) {
                        copiesOfFirst.incrementAndGet();
                    }
                }
            };
            return new RemoteCopy(spec, Placement.ownShard(Fixtures.NODE), store, node, new Fixtures.CountingSleeper(), counting, () -> "c1.x", DEFINITION,
                    new StatementSender(new Cancellations(node), new Fixtures.CountingSleeper())).run();
        }

        long insertsOf(String table) {
            return node.statements.stream().filter(s -> s.startsWith("INSERT INTO `tgt`.`" + table + "`")).count();
        }
    }

    private static Table rows(List<String>... rows) {
        return new Table(java.util.stream.IntStream.range(0, rows[0].size()).mapToObj(i -> "c" + i).toList(), List.of(rows));
    }

    private static boolean waitFor(java.util.function.BooleanSupplier done) {
        long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (System.nanoTime() < until) {
            if (done.getAsBoolean()) {
                return true;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
        }
        return false;
    }

    @Test
    void aLaneSendsItsNextCopyWhileTheLastOneIsCheckedAgainstTheSource() throws Exception {
        TwoDays target = new TwoDays(List.of("s1"), true);
        RemoteCopy.Result r = target.run(dir, 1, 3);
        assertTrue(r.complete(), r.message());
        assertTrue(!target.firstCheckWaitedInVain, "the source's fingerprint of the first chunk was read before the second chunk's copy was sent");
        assertEquals(1, target.insertsOf("events_remote_1"));
        assertEquals(1, target.insertsOf("events_remote_2"));
    }

    @Test
    void aChunkWhoseCopyDiffersFromTheSourceIsCopiedAgainAndThenAttached() throws Exception {
        TwoDays target = new TwoDays(List.of("other", "s1"), false);
        RemoteCopy.Result r = target.run(dir, 1, 3);
        assertTrue(r.complete(), r.message());
        assertEquals(2, target.insertsOf("events_remote_1"), "copied again after it differed");
        assertEquals(1, target.node.statements.stream().filter(s -> s.contains("ATTACH PARTITION") && s.endsWith("`events_remote_1`")).count());
    }

    @Test
    void aChunkThatKeepsDifferingFailsTheStepNamingItAfterItsCopies() throws Exception {
        TwoDays target = new TwoDays(List.of("other"), false);
        RemoteCopy.Result r = target.run(dir, 2, 2);
        assertTrue(!r.complete(), r.message());
        assertEquals(3, target.insertsOf("events_remote_1"), "retries 2: three copies in all");
        assertTrue(r.message().contains("the copy holds 500 rows, 500 ids, fingerprint other") && r.message().contains("after 3 copies"),
                r.message());
        assertEquals(0, target.node.statements.stream().filter(s -> s.contains("ATTACH PARTITION") && s.endsWith("`events_remote_1`")).count());
        List<ChunkState> ledger = target.store.node("copy", Fixtures.NODE.id()).chunks();
        assertEquals(List.of(ChunkState.Phase.FAILED, ChunkState.Phase.DONE), ledger.stream().map(ChunkState::phase).toList());
    }

    @Test
    void aVerifiedChunkWhoseAttachIsRefusedIsAttachedLaterWithoutBeingCopiedAgain() throws Exception {
        TwoDays target = new TwoDays(List.of("s1"), false);
        target.node.refuseOnce("ATTACH PARTITION ID '202401' FROM `tgt`.`events_remote_1`");
        RemoteCopy.Result r = target.run(dir, 1, 3);
        assertTrue(r.complete(), r.message());
        assertEquals(1, target.insertsOf("events_remote_1"), "verified once: attached from its table, not copied again");
        assertEquals(1, target.node.statements.stream().filter(s -> s.contains("ATTACH PARTITION") && s.endsWith("`events_remote_1`")).count(),
                "attached once, after the refusal");
    }
}

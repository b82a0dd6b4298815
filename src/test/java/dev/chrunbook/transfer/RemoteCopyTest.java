package dev.chrunbook.transfer;

import dev.chrunbook.apply.Cancellations;
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

/** The remote copy against a target node in memory: an operator's cancel stops it before its next chunk. */
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
        RemoteCopy.Result r = new RemoteCopy(spec, store, node, new Fixtures.CountingSleeper(), new ExecutionListener() { },
                () -> "c1.x", DEFINITION, cancellations).run();
        assertTrue(!r.complete(), r.message());
        assertTrue(r.message().contains("cancelled by the operator"), r.message());
        assertEquals(List.of(), node.executed, "no chunk copied");
        List<ChunkState> ledger = store.node("copy", Fixtures.NODE.id()).chunks();
        // planned (the 700-row day in two pieces of at most fetch_limit 600), none sent: the next run goes on from there
        assertEquals(3, ledger.size(), ledger.toString());
        assertTrue(ledger.stream().allMatch(c -> c.phase() == ChunkState.Phase.PENDING && c.attempts() == 0), ledger.toString());
    }
}

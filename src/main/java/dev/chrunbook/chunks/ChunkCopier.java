package dev.chrunbook.chunks;

import dev.chrunbook.apply.NodeContext;
import dev.chrunbook.clickhouse.ClickHouseClient;
import dev.chrunbook.clickhouse.QueryOutcome;
import dev.chrunbook.state.ChunkState;
import dev.chrunbook.state.StatementState;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Copies one chunk into its temporary table and verifies it there against the source: the same
 * count, distinct ids and fingerprint over the chunk's range (rows ingested before the copy began,
 * minus a margin, when the source keeps ingesting). A chunk whose statement was sent by an earlier
 * run is resolved on the server first: watched while it runs, verified when it finished.
 */
final class ChunkCopier {
    /** What a chunk came to: copied and verified (rows, fingerprint), or why not. */
    record Outcome(ChunkState chunk, String problem) {
        boolean copied() {
            return problem == null;
        }
    }

    private final ChunkSql sql;
    private final String targetDefinition;
    private final Duration margin;
    private final NodeContext context;

    ChunkCopier(ChunkSql sql, String targetDefinition, Duration margin, NodeContext context) {
        this.sql = sql;
        this.targetDefinition = targetDefinition;
        this.margin = margin;
        this.context = context;
    }

    /** The query id of a chunk's next copy statement. */
    String nextQueryId(ChunkState c) {
        return context.queryId(context.step().id() + "-c" + c.index(), c.attempts() + 1, 1);
    }

    /** Prepares the chunk's own temporary table, empty: what a redo starts from. */
    void freshTable(ClickHouseClient client, ChunkState c) {
        context.sender().housekeeping(client, sql.drop(sql.chunkTable(c)));
        context.sender().housekeeping(client, sql.create(targetDefinition, sql.chunkTable(c)));
    }

    /**
     * Sends the copy of a chunk marked as sending (its query id recorded) and waits for its answer.
     * A failure is recorded here; a success is recorded by {@link #logSuccess}, later.
     */
    QueryOutcome send(ClickHouseClient client, ChunkState sending) throws InterruptedException {
        String copy = sql.copy(sending, sql.chunkTable(sending));
        String queryId = sending.queryId();
        QueryOutcome outcome = context.sender().send(client, context.node(), queryId, copy, context.settings(),
                        () -> context.listener().statementStarted(context.step(), context.node(), queryId, copy), o -> { })
                .orElse(new QueryOutcome(QueryOutcome.State.FAILED, 0, 0, 0, "not sent: the run was cancelled by the operator"));
        if (outcome.state() != QueryOutcome.State.FINISHED) {
            logged(sending, outcome);
        }
        return outcome;
    }

    /**
     * Records a chunk's statement that the server answered without error, with the rows and duration
     * query_log has for it: done off the worker's path (a log flush costs a tenth of a second).
     */
    void logSuccess(ClickHouseClient client, ChunkState sent) throws InterruptedException {
        logged(sent, context.sender().logged(client, sent.queryId()));
    }

    /** Tells the listener (audit, progress) how a chunk's statement ended. */
    private void logged(ChunkState sending, QueryOutcome outcome) {
        boolean ok = outcome.state() == QueryOutcome.State.FINISHED;
        context.listener().statementFinished(context.step(), context.node(), StatementState.sent(sending.index(), sending.queryId(),
                        "chunk", sending.started()).finished(ok ? StatementState.Outcome.DONE : StatementState.Outcome.FAILED,
                        outcome.rowsRead(), outcome.rowsWritten(), outcome.durationMs(), context.clock().instant()), context.settings(),
                ok ? null : outcome.error());
    }

    /** What an earlier run's statement for this chunk came to, asked of the server. */
    QueryOutcome resolve(ClickHouseClient client, ChunkState copying) throws InterruptedException {
        return context.sender().reattach(client, context.node(), copying.queryId(),
                o -> context.listener().statementRunning(context.step(), context.node(), copying.queryId(), o));
    }

    /** The chunk's temporary table against the source, over the chunk's range. */
    Outcome verify(ClickHouseClient client, ChunkState c) {
        Instant before = c.started() == null ? null : c.started().minus(margin);
        Map<String, List<String>> both = sides(client.select(sql.fingerprints(sql.chunkTable(c), sql.source(), sql.where(c), before, false)));
        List<String> copied = both.get(sql.chunkTable(c));
        List<String> source = both.get(sql.source());
        if (copied.equals(source)) {
            return new Outcome(c.copied(Long.parseLong(copied.get(0)), copied.get(2)), null);
        }
        return new Outcome(c, c.label() + ": the copy holds " + describe(copied) + ", the source " + describe(source));
    }

    boolean cancelled(ChunkState c) {
        return c.queryId() != null && context.sender().wasCancelled(c.queryId());
    }

    /** The rows of {@link ChunkSql#fingerprints} by the table each is of. */
    static Map<String, List<String>> sides(List<List<String>> rows) {
        Map<String, List<String>> out = new java.util.HashMap<>();
        rows.forEach(r -> out.put(r.get(0), r.subList(1, r.size())));
        if (out.size() != 2) {
            throw new IllegalStateException("expected the fingerprints of two tables, got " + rows);
        }
        return out;
    }

    static String describe(List<String> fingerprint) {
        return fingerprint.get(0) + " rows, " + fingerprint.get(1) + " ids, fingerprint " + fingerprint.get(2);
    }
}

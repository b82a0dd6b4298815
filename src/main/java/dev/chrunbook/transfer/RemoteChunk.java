package dev.chrunbook.transfer;

import dev.chrunbook.Node;
import dev.chrunbook.SqlQuoting;
import dev.chrunbook.apply.QueryIds;
import dev.chrunbook.apply.Cancellations;
import dev.chrunbook.apply.QueryWatch;
import dev.chrunbook.chunks.ChunkSql;
import dev.chrunbook.clickhouse.ClickHouseClient;
import dev.chrunbook.clickhouse.ClickHouseException;
import dev.chrunbook.clickhouse.QueryInspector;
import dev.chrunbook.clickhouse.QueryOutcome;
import dev.chrunbook.observe.ExecutionListener;
import dev.chrunbook.runbook.Step;
import dev.chrunbook.state.ChunkState;
import dev.chrunbook.state.StatementState;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One chunk of a copy from another cluster, on a target node. The chunk's rows go first into a
 * table of its own (the target's definition without replication), are verified there against the
 * source, and are then attached to the target's partition with {@code ATTACH PARTITION ... FROM},
 * which adds them all or none. Before copying, the target's rows of the chunk's range are compared
 * with the source's: equal means an earlier run (or another state) already put them in, and nothing
 * is copied; none means copy; anything else stops the chunk, since copying would double rows.
 */
final class RemoteChunk {
    /** Rows, distinct ids and the sum of the ids' hashes. */
    record Print(long rows, long ids, String sum) {
        static Print of(List<String> row) {
            return new Print(Long.parseLong(row.get(0)), Long.parseLong(row.get(1)), row.get(2));
        }

        @Override
        public String toString() {
            return rows + " rows, " + ids + " ids, fingerprint " + sum;
        }
    }

    private final RemoteSql sql;
    private final ChunkSql tables;
    private final String targetDefinition;
    private final Map<String, String> settings;
    private final String runId;
    private final Step step;
    private final Node node;
    private final QueryWatch watch;
    private final ExecutionListener listener;
    private final Clock clock;
    private final Cancellations cancellations;

    RemoteChunk(RemoteSql sql, String targetDefinition, Map<String, String> settings, String runId, Step step, Node node,
                QueryWatch watch, ExecutionListener listener, Clock clock, Cancellations cancellations) {
        this.cancellations = cancellations;
        this.sql = sql;
        this.tables = new ChunkSql(sql.targetDatabase(), "", sql.target(), sql.columns(), "", sql.idColumn(), "");
        this.targetDefinition = targetDefinition;
        this.settings = settings;
        this.runId = runId;
        this.step = step;
        this.node = node;
        this.watch = watch;
        this.listener = listener;
        this.clock = clock;
    }

    String table(ChunkState c) {
        return sql.target() + "_remote_" + c.index();
    }

    Print source(ClickHouseClient client, ChunkState c) {
        return Print.of(client.select(sql.fingerprint(c.range(), null, true)).get(0));
    }

    Print target(ClickHouseClient client, ChunkState c) {
        return Print.of(client.select(sql.fingerprint(c.range(), sql.target(), false)).get(0));
    }

    long targetRows(ClickHouseClient client, ChunkState c) {
        return Long.parseLong(client.selectOne("SELECT count() FROM " + sql.qualified(sql.target()) + " WHERE "
                + sql.where(c.range(), false)));
    }

    Print copied(ClickHouseClient client, ChunkState c) {
        return Print.of(client.select(sql.fingerprint(c.range(), table(c), false)).get(0));
    }

    String nextQueryId(ChunkState c) {
        return QueryIds.of(runId, step.id() + "-c" + c.index(), node, c.attempts() + 1, 1);
    }

    /** Copies the chunk into its own empty table under the query id it was saved with; the outcome of that statement. */
    QueryOutcome copy(ClickHouseClient client, ChunkState sending) throws InterruptedException {
        client.execute(tables.drop(table(sending)), null, Map.of());
        client.execute(tables.create(targetDefinition, table(sending)), null, Map.of());
        String copy = sql.copy(sending.range(), table(sending));
        listener.statementStarted(step, node, sending.queryId(), copy);
        Instant sent = clock.instant();
        QueryOutcome outcome;
        cancellations.started(sending.queryId(), node); // an operator's cancel kills it
        try {
            client.execute(copy, sending.queryId(), settings);
            outcome = new QueryOutcome(QueryOutcome.State.FINISHED, 0, 0, Duration.between(sent, clock.instant()).toMillis(), null);
        } catch (ClickHouseException e) {
            outcome = e.connectionLost() ? watch.await(new QueryInspector(client), sending.queryId(), o -> { })
                    : new QueryOutcome(QueryOutcome.State.FAILED, 0, 0, 0, e.getMessage());
            if (outcome.state() == QueryOutcome.State.NOT_FOUND) {
                outcome = new QueryOutcome(QueryOutcome.State.FAILED, 0, 0, 0, "the connection broke before the server got it ("
                        + e.getMessage() + ")");
            }
        } finally {
            cancellations.ended(sending.queryId());
        }
        return outcome;
    }

    /** What an earlier run's copy statement came to: watched while the node still runs it. */
    QueryOutcome resolve(ClickHouseClient client, ChunkState copying) throws InterruptedException {
        return watch.await(new QueryInspector(client), copying.queryId(), o -> listener.statementRunning(step, node, copying.queryId(), o));
    }

    /** Tells the listener (audit, progress) how the chunk's copy ended, with the rows its table holds. */
    void logged(ChunkState sending, QueryOutcome outcome, long rows) {
        boolean ok = outcome.state() == QueryOutcome.State.FINISHED;
        listener.statementFinished(step, node, StatementState.sent(sending.index(), sending.queryId(), "chunk", sending.started())
                .finished(ok ? StatementState.Outcome.DONE : StatementState.Outcome.FAILED, rows, rows, outcome.durationMs(),
                        clock.instant()), settings, ok ? null : outcome.error());
    }

    /**
     * Attaches each partition of the chunk table to the target unless the target holds it already:
     * a partition whose rows of the chunk's range are not in the target is attached, one whose rows
     * all are is skipped (an earlier run attached it before it was stopped). Empty when done, else
     * the partition that holds some of them only. {@code fresh}: this run copied the chunk after it
     * found none of the range's rows in the target, so every partition is attached without a look
     * (the count after the attach checks them all at once).
     */
    java.util.Optional<String> attach(ClickHouseClient client, ChunkState c, boolean fresh) {
        List<List<String>> parts = client.select("SELECT partition_id, sum(rows) FROM system.parts WHERE active AND database = "
                + SqlQuoting.literal(sql.targetDatabase()) + " AND table = " + SqlQuoting.literal(table(c)) + " GROUP BY partition_id");
        for (List<String> p : parts) {
            String id = SqlQuoting.literal(p.get(0));
            long inTarget = fresh ? 0 : Long.parseLong(client.selectOne("SELECT count() FROM " + sql.qualified(sql.target()) + " WHERE "
                    + sql.where(c.range(), false) + " AND _partition_id = " + id));
            if (inTarget == 0) {
                client.execute(tables.attach(p.get(0), table(c), sql.target()), null, Map.of());
            } else if (inTarget != Long.parseLong(p.get(1))) {
                return java.util.Optional.of("partition " + p.get(0) + " of the target holds " + inTarget + " of the chunk's rows there, its"
                        + " table " + p.get(1));
            }
        }
        return java.util.Optional.empty();
    }

    boolean tableExists(ClickHouseClient client, ChunkState c) {
        return client.selectOne("SELECT count() FROM system.tables WHERE database = " + SqlQuoting.literal(sql.targetDatabase())
                + " AND name = " + SqlQuoting.literal(table(c))).equals("1");
    }

    /** Drops every chunk table of the target left by a run that was interrupted (this state's or another's); how many. */
    int dropLeftovers(ClickHouseClient client) {
        List<List<String>> left = client.select("SELECT name FROM system.tables WHERE database = " + SqlQuoting.literal(sql.targetDatabase())
                + " AND startsWith(name, " + SqlQuoting.literal(sql.target() + "_remote_") + ")");
        for (List<String> t : left) {
            client.execute(tables.drop(t.get(0)), null, Map.of());
        }
        return left.size();
    }

    void drop(ClickHouseClient client, ChunkState c) {
        client.execute(tables.drop(table(c)), null, Map.of());
    }
}

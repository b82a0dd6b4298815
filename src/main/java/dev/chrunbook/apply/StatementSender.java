package dev.chrunbook.apply;

import dev.chrunbook.Node;
import dev.chrunbook.Sleeper;
import dev.chrunbook.clickhouse.ClickHouseClient;
import dev.chrunbook.clickhouse.ClickHouseException;
import dev.chrunbook.clickhouse.QueryInspector;
import dev.chrunbook.clickhouse.QueryOutcome;

import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The one place a statement that changes a node is sent (ArchitectureTest keeps it so). A statement
 * with a query id is sent once: refused when the operator cancelled the run, recorded by the caller
 * before it leaves, registered so that a cancel kills it, and when the connection breaks, asked of
 * the server until it ends, never sent again. Every step kind and engine sends through it; what each
 * records of the outcome (a statement of the step, a chunk or a partition of a ledger) stays theirs.
 */
public final class StatementSender {
    private final Cancellations cancellations;
    private final QueryWatch watch;

    public StatementSender(Cancellations cancellations, Sleeper sleeper) {
        this.cancellations = cancellations;
        this.watch = new QueryWatch(sleeper);
    }

    /**
     * Sends {@code sql} under {@code queryId} and waits for its end.
     *
     * @param recordSent saves the query id as sent, after the cancel check and before the statement leaves:
     *                   a crash from then on finds it, and the next run asks the server instead of sending it again
     * @param running    told what the server reports while a statement whose answer was lost still runs
     * @return empty when nothing was sent because the run is being cancelled; otherwise FINISHED (rows and
     *         duration as chrunbook saw them; {@link #logged} asks query_log), or FAILED with the reason
     */
    public Optional<QueryOutcome> send(ClickHouseClient client, Node node, String queryId, String sql, Map<String, String> settings,
                                       Runnable recordSent, Consumer<QueryOutcome> running) throws InterruptedException {
        if (cancellations.stopping()) {
            return Optional.empty();
        }
        recordSent.run();
        long started = System.nanoTime();
        cancellations.started(queryId, node);
        try {
            client.execute(sql, queryId, settings);
            return Optional.of(new QueryOutcome(QueryOutcome.State.FINISHED, 0, 0, (System.nanoTime() - started) / 1_000_000, null));
        } catch (ClickHouseException e) {
            if (!e.connectionLost()) {
                if (cancellations.wasCancelled(queryId)) { // what it wrote before the kill, for the message that says so
                    QueryOutcome logged = new QueryInspector(client).lookup(queryId);
                    return Optional.of(new QueryOutcome(QueryOutcome.State.FAILED, logged.rowsRead(), logged.rowsWritten(),
                            logged.durationMs(), e.getMessage()));
                }
                return Optional.of(new QueryOutcome(QueryOutcome.State.FAILED, 0, 0, 0, e.getMessage()));
            }
            QueryOutcome watched = watch.await(new QueryInspector(client), queryId, running);
            if (watched.state() == QueryOutcome.State.NOT_FOUND) {
                watched = new QueryOutcome(QueryOutcome.State.FAILED, 0, 0, 0, "the connection broke (" + e.getMessage()
                        + ") and the statement never reached the server, so nothing of it ran: run the step again to send it");
            }
            return Optional.of(watched);
        } finally {
            cancellations.ended(queryId);
        }
    }

    /**
     * What became of a statement an earlier run sent under {@code queryId}: watched while the node still
     * runs it (a cancel kills it), NOT_FOUND when the node never got it.
     */
    public QueryOutcome reattach(ClickHouseClient client, Node node, String queryId, Consumer<QueryOutcome> running)
            throws InterruptedException {
        cancellations.started(queryId, node);
        try {
            return watch.await(new QueryInspector(client), queryId, running);
        } finally {
            cancellations.ended(queryId);
        }
    }

    /** The rows and duration query_log has for a statement the server answered without error. */
    public QueryOutcome logged(ClickHouseClient client, String queryId) throws InterruptedException {
        return watch.loggedSuccess(new QueryInspector(client), queryId);
    }

    /**
     * A statement on chrunbook's own scratch tables (a chunk's table, a sample), which a redo drops and
     * makes again: no query id, no record, a failure thrown. Sent while cancelling too: it cleans up.
     */
    public void housekeeping(ClickHouseClient client, String sql) {
        housekeeping(client, sql, Map.of());
    }

    /** The same with settings (a sample's insert carries the step's). */
    public void housekeeping(ClickHouseClient client, String sql, Map<String, String> settings) {
        client.execute(sql, null, settings);
    }

    /** Whether the operator cancelled the run: a step that loops or waits stops at its next turn. */
    public boolean stopping() {
        return cancellations.stopping();
    }

    public boolean wasCancelled(String queryId) {
        return cancellations.wasCancelled(queryId);
    }
}

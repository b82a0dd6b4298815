package dev.chrunbook.apply;

import dev.chrunbook.Sleeper;
import dev.chrunbook.clickhouse.QueryInspector;
import dev.chrunbook.clickhouse.QueryOutcome;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * What became of a statement sent under a query id, asked of the server: how a statement whose
 * answer was lost (a crash, a broken connection) is resolved without sending it twice.
 */
public final class QueryWatch {
    static final Duration POLL = Duration.ofSeconds(1);
    static final int LOG_RETRIES = 5;
    static final Duration LOG_RETRY_PAUSE = Duration.ofMillis(200);

    private final Sleeper sleeper;

    public QueryWatch(Sleeper sleeper) {
        this.sleeper = sleeper;
    }

    /**
     * Watches a query id until the node no longer runs it and its end is logged. A start without an
     * end is asked about a few more times: the end is written to query_log after the client's answer.
     */
    public QueryOutcome await(QueryInspector inspector, String queryId, Consumer<QueryOutcome> running) throws InterruptedException {
        QueryOutcome outcome = inspector.lookup(queryId);
        int unlogged = 0;
        while (outcome.state() == QueryOutcome.State.RUNNING
                || (outcome.state() == QueryOutcome.State.STARTED_ONLY && unlogged++ < LOG_RETRIES)) {
            if (outcome.state() == QueryOutcome.State.RUNNING) {
                running.accept(outcome);
            }
            sleeper.sleep(POLL);
            outcome = inspector.lookup(queryId);
        }
        return outcome;
    }

    /**
     * The server answered without error, so the statement ran; its rows come from query_log, whose
     * entry may be written a moment after the answer. Never turns a success into a failure.
     */
    public QueryOutcome loggedSuccess(QueryInspector inspector, String queryId) throws InterruptedException {
        for (int i = 0; i < LOG_RETRIES; i++) {
            QueryOutcome o = inspector.lookup(queryId);
            if (o.state() == QueryOutcome.State.FINISHED) {
                return o;
            }
            sleeper.sleep(LOG_RETRY_PAUSE);
        }
        return new QueryOutcome(QueryOutcome.State.FINISHED, 0, 0, 0, null);
    }
}

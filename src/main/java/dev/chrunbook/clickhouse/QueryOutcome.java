package dev.chrunbook.clickhouse;

/**
 * What a node says about a query id: still running, finished (with rows and duration from
 * system.query_log), failed (with the server's exception), or never seen.
 */
public record QueryOutcome(State state, long rowsRead, long rowsWritten, long durationMs, String error) {
    /** STARTED_ONLY: query_log has its start but no end, and it is not running (yet to be logged, or lost). */
    public enum State { RUNNING, FINISHED, FAILED, STARTED_ONLY, NOT_FOUND }

    public static QueryOutcome running(long read, long written, long elapsedMs) {
        return new QueryOutcome(State.RUNNING, read, written, elapsedMs, null);
    }

    public static QueryOutcome notFound() {
        return new QueryOutcome(State.NOT_FOUND, 0, 0, 0, null);
    }
}

package dev.chrunbook.state;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;

/**
 * One statement of a step on a node. Recorded as SENT before the statement leaves chrunbook, so a
 * crash afterwards is resolved from the server (system.processes, system.query_log), never by
 * sending it again blindly.
 *
 * @param status SENT, DONE or FAILED
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StatementState(int index, String queryId, String checksum, String status,
                             Long rowsRead, Long rowsWritten, Long durationMs, Instant sent, Instant ended) {
    public static final String SENT = "sent";
    public static final String DONE = "done";
    public static final String FAILED = "failed";

    public static StatementState sent(int index, String queryId, String checksum, Instant at) {
        return new StatementState(index, queryId, checksum, SENT, null, null, null, at, null);
    }

    public StatementState finished(String newStatus, Long read, Long written, Long duration, Instant at) {
        return new StatementState(index, queryId, checksum, newStatus, read, written, duration, sent, at);
    }
}

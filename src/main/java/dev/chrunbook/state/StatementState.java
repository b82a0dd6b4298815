package dev.chrunbook.state;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;

import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;

/**
 * One statement of a step on a node. Recorded as SENT before the statement leaves chrunbook, so a
 * crash afterwards is resolved from the server (system.processes, system.query_log), never by
 * sending it again blindly.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StatementState(int index, String queryId, String checksum, Outcome status,
                             Long rowsRead, Long rowsWritten, Long durationMs, Instant sent, Instant ended) {

    /** Where one statement stands; written in lower case in state.json. */
    public enum Outcome {
        SENT, DONE, FAILED;

        @JsonValue
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        @JsonCreator
        public static Outcome of(String label) {
            return Arrays.stream(values()).filter(o -> o.label().equals(label)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no statement status '" + label + "' (sent, done, failed)"));
        }
    }

    public static StatementState sent(int index, String queryId, String checksum, Instant at) {
        return new StatementState(index, queryId, checksum, Outcome.SENT, null, null, null, at, null);
    }

    public StatementState finished(Outcome newStatus, Long read, Long written, Long duration, Instant at) {
        return new StatementState(index, queryId, checksum, newStatus, read, written, duration, sent, at);
    }
}

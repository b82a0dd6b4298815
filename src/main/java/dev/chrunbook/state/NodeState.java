package dev.chrunbook.state;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One step on one node: status, attempts, timings, rows and each statement sent.
 *
 * @param failure     why it failed: {@link #STATEMENT_FAILED}, {@link #VERIFICATION_FAILED}; null otherwise
 * @param definitions the catalog definitions (create_table_query by database.table) this attempt's SQL was
 *                    rendered from: later renderings (drift check, reattach) use them, not what the catalog says now
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NodeState(Status status, int attempts, Instant started, Instant finished,
                        String error, String failure, String note, List<StatementState> statements,
                        Map<String, String> definitions) {
    public static final String STATEMENT_FAILED = "statement";
    public static final String VERIFICATION_FAILED = "verification";

    public static NodeState pending() {
        return new NodeState(Status.PENDING, 0, null, null, null, null, null, List.of(), Map.of());
    }

    public NodeState {
        statements = statements == null ? List.of() : List.copyOf(statements);
        definitions = definitions == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(definitions));
    }

    public NodeState startAttempt(Instant now) {
        return startAttempt(now, Map.of());
    }

    public NodeState startAttempt(Instant now, Map<String, String> readDefinitions) {
        return new NodeState(Status.RUNNING, attempts + 1, now, null, null, null, null, List.of(), readDefinitions);
    }

    public NodeState resume() {
        return new NodeState(Status.RUNNING, attempts, started, null, null, null, null, statements, definitions);
    }

    public NodeState withStatement(StatementState s) {
        List<StatementState> list = new ArrayList<>(statements);
        list.removeIf(x -> x.index() == s.index());
        list.add(s);
        list.sort((a, b) -> Integer.compare(a.index(), b.index()));
        return new NodeState(status, attempts, started, finished, error, failure, note, list, definitions);
    }

    public NodeState finish(Status newStatus, Instant now, String newError, String newNote) {
        return new NodeState(newStatus, attempts, started, now, newError,
                newError == null ? null : STATEMENT_FAILED, newNote, statements, definitions);
    }

    public NodeState failVerification(Instant now, String problems) {
        return new NodeState(Status.FAILED, attempts, started, now, problems, VERIFICATION_FAILED, null, statements, definitions);
    }

    /** Left running: a statement's fate is unknown (lost connection); the next run reattaches. */
    public NodeState detached(String why) {
        return new NodeState(Status.RUNNING, attempts, started, null, why, null, null, statements, definitions);
    }

    /** Pending again after a reset; attempts are kept so new query ids never collide with old ones. */
    public NodeState reset() {
        return new NodeState(Status.PENDING, attempts, null, null, null, null, "reset from " + status.label(), List.of(), Map.of());
    }

    public long rowsWritten() {
        return statements.stream().mapToLong(s -> s.rowsWritten() == null ? 0 : s.rowsWritten()).sum();
    }

    public Long durationMs() {
        return started != null && finished != null ? finished.toEpochMilli() - started.toEpochMilli() : null;
    }
}

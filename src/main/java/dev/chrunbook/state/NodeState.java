package dev.chrunbook.state;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** One step on one node: status, attempts, timings, rows and each statement sent. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NodeState(Status status, int attempts, Instant started, Instant finished,
                        String error, String note, List<StatementState> statements) {

    public static NodeState pending() {
        return new NodeState(Status.PENDING, 0, null, null, null, null, List.of());
    }

    public NodeState {
        statements = statements == null ? List.of() : List.copyOf(statements);
    }

    public NodeState startAttempt(Instant now) {
        return new NodeState(Status.RUNNING, attempts + 1, now, null, null, null, List.of());
    }

    public NodeState resume() {
        return new NodeState(Status.RUNNING, attempts, started, null, null, null, statements);
    }

    public NodeState withStatement(StatementState s) {
        List<StatementState> list = new ArrayList<>(statements);
        list.removeIf(x -> x.index() == s.index());
        list.add(s);
        list.sort((a, b) -> Integer.compare(a.index(), b.index()));
        return new NodeState(status, attempts, started, finished, error, note, list);
    }

    public NodeState finish(Status newStatus, Instant now, String newError, String newNote) {
        return new NodeState(newStatus, attempts, started, now, newError, newNote, statements);
    }

    public long rowsWritten() {
        return statements.stream().mapToLong(s -> s.rowsWritten() == null ? 0 : s.rowsWritten()).sum();
    }

    public Long durationMs() {
        return started != null && finished != null ? finished.toEpochMilli() - started.toEpochMilli() : null;
    }
}

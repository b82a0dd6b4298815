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
 * @param chunks      the ledger of a chunked copy: kept across attempts, so a new attempt redoes only what is not done
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NodeState(Status status, int attempts, Instant started, Instant finished,
                        String error, String failure, String note, List<StatementState> statements,
                        Map<String, String> definitions,
                        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<ChunkState> chunks) {
    public static final String STATEMENT_FAILED = "statement";
    public static final String VERIFICATION_FAILED = "verification";

    public static NodeState pending() {
        return new NodeState(Status.PENDING, 0, null, null, null, null, null, List.of(), Map.of(), List.of());
    }

    public NodeState {
        statements = statements == null ? List.of() : List.copyOf(statements);
        definitions = definitions == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(definitions));
        chunks = chunks == null ? List.of() : List.copyOf(chunks);
    }

    /** The ledger with one chunk replaced (by index), or the whole ledger when planned. */
    public NodeState withChunks(List<ChunkState> ledger) {
        return new NodeState(status, attempts, started, finished, error, failure, note, statements, definitions, ledger);
    }

    public NodeState withChunk(ChunkState c) {
        List<ChunkState> list = new ArrayList<>(chunks);
        list.replaceAll(x -> x.index() == c.index() ? c : x);
        return withChunks(list);
    }

    public NodeState startAttempt(Instant now) {
        return startAttempt(now, Map.of());
    }

    public NodeState startAttempt(Instant now, Map<String, String> readDefinitions) {
        return new NodeState(Status.RUNNING, attempts + 1, now, null, null, null, null, List.of(), readDefinitions, chunks);
    }

    public NodeState resume() {
        return new NodeState(Status.RUNNING, attempts, started, null, null, null, null, statements, definitions, chunks);
    }

    public NodeState withStatement(StatementState s) {
        List<StatementState> list = new ArrayList<>(statements);
        list.removeIf(x -> x.index() == s.index());
        list.add(s);
        list.sort((a, b) -> Integer.compare(a.index(), b.index()));
        return new NodeState(status, attempts, started, finished, error, failure, note, list, definitions, chunks);
    }

    public NodeState finish(Status newStatus, Instant now, String newError, String newNote) {
        return new NodeState(newStatus, attempts, started, now, newError,
                newError == null ? null : STATEMENT_FAILED, newNote, statements, definitions, chunks);
    }

    public NodeState failVerification(Instant now, String problems) {
        return new NodeState(Status.FAILED, attempts, started, now, problems, VERIFICATION_FAILED, null, statements, definitions, chunks);
    }

    /** Left running: a statement's fate is unknown (lost connection); the next run reattaches. */
    public NodeState detached(String why) {
        return new NodeState(Status.RUNNING, attempts, started, null, why, null, null, statements, definitions, chunks);
    }

    /** Pending again after a reset; attempts are kept so new query ids never collide with old ones. */
    public NodeState reset() {
        return new NodeState(Status.PENDING, attempts, null, null, null, null, "reset from " + status.label(), List.of(), Map.of(), List.of());
    }

    public long rowsWritten() {
        return statements.stream().mapToLong(s -> s.rowsWritten() == null ? 0 : s.rowsWritten()).sum()
                + chunks.stream().filter(c -> c.phase() == ChunkState.Phase.DONE && c.rows() != null).mapToLong(ChunkState::rows).sum();
    }

    public Long durationMs() {
        return started != null && finished != null ? finished.toEpochMilli() - started.toEpochMilli() : null;
    }
}

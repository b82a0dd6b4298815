package dev.chrunbook.observe;

import dev.chrunbook.state.StatementState;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chrunbook.runbook.Step;
import dev.chrunbook.Node;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The append-only {@code audit.jsonl} of a state dir: one line per statement that ended, with time,
 * node, step, query id, settings, duration and rows (from query_log), outcome and error. Holds no
 * credentials: settings are ClickHouse settings only.
 */
public final class AuditLog implements ExecutionListener {
    public static final String FILE = "audit.jsonl";

    private final Path file;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();

    public AuditLog(Path stateDir, Clock clock) {
        this.file = stateDir.resolve(FILE);
        this.clock = clock;
    }

    /** The state dir the log is in (other files of the run's observers go next to it). */
    public Path stateDir() {
        return file.getParent();
    }

    @Override
    public synchronized void statementFinished(Step step, Node node, StatementState st, Map<String, String> settings, String error) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", clock.instant().toString());
        line.put("step", step.id());
        line.put("node", node.id());
        line.put("query_id", st.queryId());
        line.put("checksum", st.checksum());
        line.put("settings", settings);
        line.put("sent", st.sent() == null ? null : st.sent().toString());
        line.put("duration_ms", st.durationMs());
        line.put("rows_read", st.rowsRead());
        line.put("rows_written", st.rowsWritten());
        line.put("outcome", st.status().label());
        line.put("error", error);
        append(line);
    }

    /** Appends one line (a statement, or a hook run) as JSON. */
    public synchronized void append(Map<String, Object> line) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, json.writeValueAsString(line) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            // the audit observes; the state is the record that decides what runs
            org.slf4j.LoggerFactory.getLogger(AuditLog.class).warn("cannot append to {}: {}", file, e.getMessage());
        }
    }
}

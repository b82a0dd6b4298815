package dev.chrunbook.observe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chrunbook.runbook.Step;
import dev.chrunbook.state.NodeState;
import dev.chrunbook.state.StatementState;
import dev.chrunbook.Node;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Newline-delimited JSON events for automation (run --json), on stderr: step_started,
 * statement_started, progress, statement_finished, waiting, node_finished. Every event has
 * "event" and "time"; fields are only ever added.
 */
public final class JsonEvents implements ExecutionListener, ProgressSink {
    private final PrintWriter out;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();

    public JsonEvents(PrintWriter out, Clock clock) {
        this.out = out;
        this.clock = clock;
    }

    @Override
    public void stepStarted(Step step, List<Node> nodes) {
        emit(event("step_started", step.id(), null).with("nodes", nodes.stream().map(Node::id).toList()));
    }

    @Override
    public void statementStarted(Step step, Node node, String queryId, String sql) {
        emit(event("statement_started", step.id(), node.id()).with("query_id", queryId));
    }

    @Override
    public void update(ProgressSnapshot s) {
        emit(event("progress", s.step(), s.node()).with("query_id", s.queryId()).with("unit", s.unit())
                .with("done", s.done()).with("total", s.total()).with("per_second", Math.round(s.perSecond()))
                .with("elapsed_s", s.elapsed().toSeconds()).with("eta_s", s.eta().map(d -> d.toSeconds()).orElse(null)));
    }

    @Override
    public void finished(String queryId) {
        // statement_finished carries the outcome
    }

    @Override
    public void statementFinished(Step step, Node node, StatementState st, Map<String, String> settings, String error) {
        emit(event("statement_finished", step.id(), node.id()).with("query_id", st.queryId()).with("status", st.status().label())
                .with("rows_read", st.rowsRead()).with("rows_written", st.rowsWritten()).with("duration_ms", st.durationMs())
                .with("error", error));
    }

    @Override
    public void waiting(Step step, Node node, String why) {
        emit(event("waiting", step.id(), node.id()).with("why", why.strip()));
    }

    @Override
    public void cursor(Step step, Node node, String token, String progress) {
        emit(event("cursor", step.id(), node.id()).with("cursor", token).with("progress", progress));
    }

    @Override
    public void nodeFinished(Step step, Node node, NodeState state) {
        emit(event("node_finished", step.id(), node.id()).with("status", state.status().label())
                .with("attempts", state.attempts()).with("error", state.error()));
    }

    private Fields event(String name, String step, String node) {
        Fields f = new Fields();
        f.with("event", name).with("time", clock.instant().toString()).with("step", step);
        return node == null ? f : f.with("node", node);
    }

    private synchronized void emit(Fields f) {
        try {
            out.println(json.writeValueAsString(f.map));
            out.flush();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final class Fields {
        final Map<String, Object> map = new LinkedHashMap<>();

        Fields with(String key, Object value) {
            if (value != null) {
                map.put(key, value);
            }
            return this;
        }
    }
}

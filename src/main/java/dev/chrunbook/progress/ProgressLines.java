package dev.chrunbook.progress;

import dev.chrunbook.clickhouse.QueryOutcome;
import dev.chrunbook.exec.ExecutionListener;
import dev.chrunbook.runbook.Step;
import dev.chrunbook.state.NodeState;
import dev.chrunbook.topology.Node;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Plain progress lines on stderr: one per event, safe for pipes and CI logs. */
public final class ProgressLines implements ExecutionListener {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final PrintWriter err;
    private final Clock clock;
    private final Map<String, Long> lastWait = new HashMap<>();

    public ProgressLines(PrintWriter err, Clock clock) {
        this.err = err;
        this.clock = clock;
    }

    @Override
    public synchronized void stepStarted(Step step, List<Node> nodes) {
        line("step " + step.id() + ": starting on " + nodes.size() + " node(s): "
                + String.join(", ", nodes.stream().map(Node::id).toList()));
    }

    @Override
    public synchronized void statementStarted(Step step, Node node, String queryId, String sql) {
        line(step.id() + " @ " + node.id() + ": " + firstWords(sql) + " [" + queryId + "]");
    }

    @Override
    public synchronized void statementRunning(Step step, Node node, String queryId, QueryOutcome p) {
        line(String.format("%s @ %s: running %.0f s, %,d rows read, %,d written [%s]", step.id(), node.id(),
                p.durationMs() / 1000.0, p.rowsRead(), p.rowsWritten(), queryId));
    }

    @Override
    public synchronized void waiting(Step step, Node node, String why) {
        // at most one line per node every 5 s: a wait can last minutes
        String key = step.id() + "@" + node.id();
        long now = clock.millis();
        Long last = lastWait.get(key);
        if (last == null || now - last >= 5000) {
            lastWait.put(key, now);
            line(step.id() + " @ " + node.id() + ": waiting - " + why.strip().replace("\n", "\n    "));
        }
    }

    @Override
    public synchronized void nodeFinished(Step step, Node node, NodeState state) {
        line(step.id() + " @ " + node.id() + ": " + state.status().label()
                + (state.error() != null ? " - " + state.error() : "")
                + (state.note() != null ? " - " + state.note() : ""));
    }

    private void line(String text) {
        err.println("[" + LocalTime.now(clock.withZone(ZoneOffset.UTC)).format(TIME) + "] " + text);
        err.flush();
    }

    private static String firstWords(String sql) {
        String one = sql.replaceAll("\\s+", " ").strip();
        return one.length() > 70 ? one.substring(0, 67) + "..." : one;
    }
}

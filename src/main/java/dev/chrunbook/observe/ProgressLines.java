package dev.chrunbook.observe;

import dev.chrunbook.runbook.Step;
import dev.chrunbook.state.NodeState;
import dev.chrunbook.Node;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Plain progress lines on stderr: one per event, and for running statements one status line per
 * node every few seconds. Safe for pipes and CI logs.
 */
public final class ProgressLines implements ExecutionListener, ProgressSink {
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
    public synchronized void update(ProgressSnapshot p) {
        if (throttled(p.queryId())) {
            return;
        }
        String of = p.total() > 0 ? String.format(" of %,d (%.0f%%)", p.total(), 100.0 * p.done() / p.total()) : "";
        line(String.format("%s @ %s: %,d%s %s, %,.0f %s/s, elapsed %s, ETA %s", p.step(), p.node(), p.done(), of, p.unit(),
                p.perSecond(), p.unit(), Durations.short_(p.elapsed()), p.eta().map(Durations::short_).orElse("?")));
    }

    @Override
    public void finished(String queryId) {
        lastWait.remove(queryId);
    }

    @Override
    public synchronized void waiting(Step step, Node node, String why) {
        if (!throttled(step.id() + "@" + node.id())) {
            line(step.id() + " @ " + node.id() + ": waiting - " + why.strip().replace("\n", "\n    "));
        }
    }

    @Override
    public synchronized void cursor(Step step, Node node, String token, String progress) {
        line(step.id() + " @ " + node.id() + ": cursor " + token + " (" + progress + ")");
    }

    /** At most one line per key every 5 s: waits and copies last minutes or hours. */
    private boolean throttled(String key) {
        long now = clock.millis();
        Long last = lastWait.get(key);
        if (last != null && now - last < 5000) {
            return true;
        }
        lastWait.put(key, now);
        return false;
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

package dev.chrunbook.observe;

import dev.chrunbook.Node;
import dev.chrunbook.clickhouse.QueryOutcome;
import dev.chrunbook.runbook.Step;
import dev.chrunbook.state.NodeState;
import dev.chrunbook.state.StatementState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Several listeners as one. A failing observer never stops the flow: what it throws is logged the
 * first time (later failures of the same observer at debug level) and the others are still told.
 */
public final class Listeners implements ExecutionListener {
    private static final Logger LOG = LoggerFactory.getLogger(Listeners.class);

    private final List<ExecutionListener> all;
    private final Set<ExecutionListener> failed = ConcurrentHashMap.newKeySet();

    public Listeners(List<ExecutionListener> all) {
        this.all = List.copyOf(all);
    }

    private void tell(Consumer<ExecutionListener> event) {
        for (ExecutionListener l : all) {
            try {
                event.accept(l);
            } catch (RuntimeException e) {
                if (failed.add(l)) {
                    LOG.warn("observer {} failed; the run goes on without what it would have shown ({})", l.getClass().getSimpleName(),
                            e.toString(), e);
                } else {
                    LOG.debug("observer {} failed again", l.getClass().getSimpleName(), e);
                }
            }
        }
    }

    @Override
    public void stepStarted(Step step, List<Node> nodes) {
        tell(l -> l.stepStarted(step, nodes));
    }

    @Override
    public void statementStarted(Step step, Node node, String queryId, String sql) {
        tell(l -> l.statementStarted(step, node, queryId, sql));
    }

    @Override
    public void statementFinished(Step step, Node node, StatementState statement, Map<String, String> settings, String error) {
        tell(l -> l.statementFinished(step, node, statement, settings, error));
    }

    @Override
    public void statementRunning(Step step, Node node, String queryId, QueryOutcome progress) {
        tell(l -> l.statementRunning(step, node, queryId, progress));
    }

    @Override
    public void waiting(Step step, Node node, String why) {
        tell(l -> l.waiting(step, node, why));
    }

    @Override
    public void progress(Step step, Node node, String line) {
        tell(l -> l.progress(step, node, line));
    }

    @Override
    public void cursor(Step step, Node node, String token, String progress) {
        tell(l -> l.cursor(step, node, token, progress));
    }

    @Override
    public void nodeFinished(Step step, Node node, NodeState state) {
        tell(l -> l.nodeFinished(step, node, state));
    }
}

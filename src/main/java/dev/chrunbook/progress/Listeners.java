package dev.chrunbook.progress;

import dev.chrunbook.clickhouse.QueryOutcome;
import dev.chrunbook.exec.ExecutionListener;
import dev.chrunbook.runbook.Step;
import dev.chrunbook.state.NodeState;
import dev.chrunbook.state.StatementState;
import dev.chrunbook.topology.Node;

import java.util.List;
import java.util.Map;

/** Several listeners as one; a failing observer never stops the flow. */
public final class Listeners implements ExecutionListener {
    private final List<ExecutionListener> all;

    public Listeners(List<ExecutionListener> all) {
        this.all = List.copyOf(all);
    }

    @Override
    public void stepStarted(Step step, List<Node> nodes) {
        all.forEach(l -> l.stepStarted(step, nodes));
    }

    @Override
    public void statementStarted(Step step, Node node, String queryId, String sql) {
        all.forEach(l -> l.statementStarted(step, node, queryId, sql));
    }

    @Override
    public void statementFinished(Step step, Node node, StatementState statement, Map<String, String> settings, String error) {
        all.forEach(l -> l.statementFinished(step, node, statement, settings, error));
    }

    @Override
    public void statementRunning(Step step, Node node, String queryId, QueryOutcome progress) {
        all.forEach(l -> l.statementRunning(step, node, queryId, progress));
    }

    @Override
    public void waiting(Step step, Node node, String why) {
        all.forEach(l -> l.waiting(step, node, why));
    }

    @Override
    public void nodeFinished(Step step, Node node, NodeState state) {
        all.forEach(l -> l.nodeFinished(step, node, state));
    }
}

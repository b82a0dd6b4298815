package dev.chrunbook.observe;

import dev.chrunbook.clickhouse.QueryOutcome;
import dev.chrunbook.runbook.Step;
import dev.chrunbook.state.NodeState;
import dev.chrunbook.state.StatementState;
import dev.chrunbook.Node;

import java.util.List;
import java.util.Map;

/** Observes the flow (progress lines, audit); the flow's correctness never depends on it. */
public interface ExecutionListener {
    ExecutionListener NONE = new ExecutionListener() {
    };

    default void stepStarted(Step step, List<Node> nodes) {
    }

    default void statementStarted(Step step, Node node, String queryId, String sql) {
    }

    /** A statement ended: done or failed, with rows and duration from query_log when known. */
    default void statementFinished(Step step, Node node, StatementState statement, Map<String, String> settings, String error) {
    }

    /** A statement sent earlier is still running on the node and is being watched. */
    default void statementRunning(Step step, Node node, String queryId, QueryOutcome progress) {
    }

    /** A step waits on a node: asserts still failing, lag above threshold... */
    default void waiting(Step step, Node node, String why) {
    }

    /**
     * A step's own account of how far it is on a node (chunks done, events sent): printed as waits
     * are, unless a listener tells the two apart (the live view, hooks).
     */
    default void progress(Step step, Node node, String line) {
        waiting(step, node, line);
    }

    /**
     * A copy or export moved its cursor: every row before {@code token} is in. Never held back, as
     * waits are: the last one printed is what an operator restarts from.
     */
    default void cursor(Step step, Node node, String token, String progress) {
    }

    default void nodeFinished(Step step, Node node, NodeState state) {
    }
}

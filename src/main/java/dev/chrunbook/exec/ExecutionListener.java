package dev.chrunbook.exec;

import dev.chrunbook.clickhouse.QueryOutcome;
import dev.chrunbook.runbook.Step;
import dev.chrunbook.state.NodeState;
import dev.chrunbook.topology.Node;

import java.util.List;

/** Observes the flow (progress lines, audit); the flow's correctness never depends on it. */
public interface ExecutionListener {
    ExecutionListener NONE = new ExecutionListener() {
    };

    default void stepStarted(Step step, List<Node> nodes) {
    }

    default void statementStarted(Step step, Node node, String queryId, String sql) {
    }

    /** A statement sent earlier is still running on the node and is being watched. */
    default void statementRunning(Step step, Node node, String queryId, QueryOutcome progress) {
    }

    /** A step waits on a node: asserts still failing, lag above threshold... */
    default void waiting(Step step, Node node, String why) {
    }

    default void nodeFinished(Step step, Node node, NodeState state) {
    }
}

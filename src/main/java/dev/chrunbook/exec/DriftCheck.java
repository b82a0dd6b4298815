package dev.chrunbook.exec;

import dev.chrunbook.ChrunbookException;
import dev.chrunbook.render.RenderedStatement;
import dev.chrunbook.render.SqlRenderer;
import dev.chrunbook.runbook.Runbook;
import dev.chrunbook.runbook.Step;
import dev.chrunbook.state.NodeState;
import dev.chrunbook.state.RunState;
import dev.chrunbook.state.StatementState;
import dev.chrunbook.state.Status;
import dev.chrunbook.topology.Node;
import dev.chrunbook.topology.Topology;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Compares what ran (checksums in the state) with what the runbook renders now. A template or var
 * changed after a statement ran means the cluster no longer matches the runbook: refuse.
 */
public final class DriftCheck {
    private DriftCheck() {
    }

    /** @param rerunning step ids whose done nodes will be re-executed anyway */
    public static void verify(Runbook runbook, Topology topology, SqlRenderer renderer, RunState state, Set<String> rerunning) {
        List<String> drifted = new ArrayList<>();
        for (Step step : runbook.steps()) {
            if (rerunning.contains(step.id()) || step.isCheck()) {
                continue;
            }
            for (Node node : topology.nodesFor(step.on())) {
                NodeState ns = state.node(step.id(), node.id());
                // failed or pending nodes start a new attempt with what renders now; only done and
                // interrupted ones must match what they ran
                if (ns.statements().isEmpty() || !(ns.status() == Status.DONE || ns.status() == Status.RUNNING)) {
                    continue;
                }
                List<RenderedStatement> now = step.kind().isBuiltIn()
                        ? List.of(KafkaStepRunner.fingerprint(renderer.renderParams(step, node)))
                        : renderer.render(step, node);
                for (StatementState ran : ns.statements()) {
                    boolean same = ran.index() <= now.size() && now.get(ran.index() - 1).checksum().equals(ran.checksum());
                    if (!same) {
                        drifted.add("step '" + step.id() + "' on " + node.id() + " statement " + ran.index());
                    }
                }
            }
        }
        if (!drifted.isEmpty()) {
            String first = drifted.get(0);
            String stepId = first.substring(first.indexOf('\'') + 1, first.indexOf('\'', first.indexOf('\'') + 1));
            throw ChrunbookException.stateConflict("the runbook now renders different SQL than what already ran: "
                    + String.join("; ", drifted) + ". Restore the runbook/vars that ran, or mark the step pending with: "
                    + "chrunbook reset " + runbook.file() + " --step " + stepId);
        }
    }
}

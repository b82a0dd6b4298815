package dev.chrunbook.plan;

import dev.chrunbook.ChrunbookException;
import dev.chrunbook.Node;
import dev.chrunbook.cluster.Topology;
import dev.chrunbook.kinds.Kinds;
import dev.chrunbook.render.RenderedStatement;
import dev.chrunbook.render.SqlRenderer;
import dev.chrunbook.runbook.Runbook;
import dev.chrunbook.runbook.Step;
import dev.chrunbook.state.NodeState;
import dev.chrunbook.state.RunState;
import dev.chrunbook.state.StatementState;
import dev.chrunbook.state.Status;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Compares what ran (checksums in the state) with what the runbook renders now. A template or var
 * changed after a statement ran means the cluster no longer matches the runbook: refuse.
 */
public final class DriftCheck {
    private final Runbook runbook;
    private final Topology topology;
    private final SqlRenderer renderer;
    private final Kinds kinds;

    public DriftCheck(Runbook runbook, Topology topology, SqlRenderer renderer, Kinds kinds) {
        this.runbook = runbook;
        this.topology = topology;
        this.renderer = renderer;
        this.kinds = kinds;
    }

    /** A statement that ran and that the runbook now renders differently (or no longer at all). */
    public record Drift(String step, String node, int statement) {
        @Override
        public String toString() {
            return "step '" + step + "' on " + node + " statement " + statement;
        }
    }

    /** @param rerunning step ids whose done nodes will be re-executed anyway */
    public List<Drift> find(RunState state, Set<String> rerunning) {
        List<Drift> drifted = new ArrayList<>();
        for (Step step : runbook.steps()) {
            if (!rerunning.contains(step.id())) {
                drifted.addAll(find(state, step));
            }
        }
        return drifted;
    }

    private List<Drift> find(RunState state, Step step) {
        List<Drift> drifted = new ArrayList<>();
        for (Node node : topology.nodesFor(step.on())) {
            NodeState ns = state.node(step.id(), node.id());
            // failed or pending nodes start a new attempt with what renders now; only done and
            // interrupted ones must match what they ran
            if (ns.statements().isEmpty() || !(ns.status() == Status.DONE || ns.status() == Status.RUNNING)) {
                continue;
            }
            Optional<List<RenderedStatement>> now = kinds.of(step).fingerprint(step, node, renderer);
            if (now.isEmpty()) {
                break; // a kind that reads anew each time is never held to what it ran
            }
            for (StatementState ran : ns.statements()) {
                List<RenderedStatement> current = now.get();
                if (ran.index() > current.size() || !current.get(ran.index() - 1).checksum().equals(ran.checksum())) {
                    drifted.add(new Drift(step.id(), node.id(), ran.index()));
                }
            }
        }
        return drifted;
    }

    /** Refuses (exit 3) when anything drifted, saying how to proceed. */
    public void refuse(RunState state, Set<String> rerunning) {
        refuse(find(state, rerunning));
    }

    /** The same for one step, at its turn in a run. */
    public void refuse(RunState state, Step step) {
        refuse(find(state, step));
    }

    private void refuse(List<Drift> drifted) {
        if (!drifted.isEmpty()) {
            throw ChrunbookException.stateConflict("the runbook now renders different SQL than what already ran: "
                    + String.join("; ", drifted.stream().map(Drift::toString).toList())
                    + ". Restore the runbook/vars that ran, or mark the step pending with: "
                    + "chrunbook reset " + runbook.file() + " --step " + drifted.get(0).step());
        }
    }
}

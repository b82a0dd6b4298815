package dev.chrunbook.run;

import dev.chrunbook.runbook.Step;
import dev.chrunbook.state.NodeState;

import java.util.Map;

/** How one step ended on the nodes this run touched (node id to state). */
public record StepResult(Step step, Map<String, NodeState> nodes, boolean alreadyDone) {
    public boolean complete() {
        return nodes.values().stream().allMatch(n -> n.status().complete());
    }
}

package dev.chrunbook.state;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything chrunbook remembers about one runbook: its name and file, the run_id fixed at the first
 * --execute and the state of each step on each node (step id, then node id).
 */
public record RunState(String runbook, String runId, Instant created, Map<String, Map<String, NodeState>> steps,
                       String runbookFile,
                       @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY)
                       Map<String, NodePlace> nodes) {

    public RunState(String runbook, String runId, Instant created, Map<String, Map<String, NodeState>> steps) {
        this(runbook, runId, created, steps, null, null);
    }

    public RunState(String runbook, String runId, Instant created, Map<String, Map<String, NodeState>> steps, String runbookFile) {
        this(runbook, runId, created, steps, runbookFile, null);
    }

    public RunState {
        Map<String, Map<String, NodeState>> copy = new LinkedHashMap<>();
        if (steps != null) {
            steps.forEach((k, v) -> copy.put(k, new LinkedHashMap<>(v)));
        }
        steps = copy;
        Map<String, NodePlace> places = new java.util.TreeMap<>();
        if (nodes != null) {
            nodes.forEach((k, v) -> {
                if (k != null && v != null) {
                    places.put(k, v);
                }
            });
        }
        nodes = java.util.Collections.unmodifiableMap(places);
    }

    /** The same, knowing where these nodes sit (shard, replica); earlier entries of other nodes stay. */
    public RunState withNodes(Map<String, NodePlace> places) {
        Map<String, NodePlace> all = new java.util.TreeMap<>(nodes);
        all.putAll(places);
        return new RunState(runbook, runId, created, steps, runbookFile, all);
    }

    public NodeState node(String step, String node) {
        return steps.getOrDefault(step, Map.of()).getOrDefault(node, NodeState.pending());
    }

    /** When the step first started on any of its nodes; empty if it has not. */
    public Optional<Instant> firstStart(String step) {
        return steps.getOrDefault(step, Map.of()).values().stream().map(NodeState::started)
                .filter(Objects::nonNull).min(Instant::compareTo);
    }

    /**
     * When the step last finished on all its nodes (the earliest node's end); empty while any node is
     * not complete, so that a check that failed on one shard is never taken for a clean one.
     */
    public Optional<Instant> lastFinish(String step) {
        Map<String, NodeState> nodes = steps.getOrDefault(step, Map.of());
        if (!nodes.values().stream().allMatch(n -> n.status().complete())) {
            return Optional.empty();
        }
        return nodes.values().stream().map(NodeState::finished).filter(Objects::nonNull).min(Instant::compareTo);
    }

    RunState with(String step, String node, NodeState state) {
        Map<String, Map<String, NodeState>> copy = new LinkedHashMap<>(steps);
        Map<String, NodeState> ofStep = new LinkedHashMap<>(copy.getOrDefault(step, Map.of()));
        ofStep.put(node, state);
        copy.put(step, ofStep);
        return new RunState(runbook, runId, created, copy, runbookFile, nodes);
    }
}

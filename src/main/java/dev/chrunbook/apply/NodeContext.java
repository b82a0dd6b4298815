package dev.chrunbook.apply;

import dev.chrunbook.Node;
import dev.chrunbook.observe.ExecutionListener;
import dev.chrunbook.runbook.Step;

import java.time.Clock;
import java.util.Map;

/**
 * What every engine that works a step on a node shares, passed as one: the run, the step, the node,
 * the settings its statements carry, who is told (audit, progress), the one way statements are sent,
 * and the clock.
 */
public record NodeContext(String runId, Step step, Node node, Map<String, String> settings, ExecutionListener listener,
                          StatementSender sender, Clock clock) {

    /** The query id of statement {@code index} of an attempt at {@code part} (the step, or a chunk or partition of it). */
    public String queryId(String part, int attempt, int index) {
        return QueryIds.of(runId, part, node, attempt, index);
    }

    public NodeContext withSettings(Map<String, String> newSettings) {
        return new NodeContext(runId, step, node, newSettings, listener, sender, clock);
    }
}

package dev.chrunbook.cli;

import dev.chrunbook.ChrunbookException;
import dev.chrunbook.state.NodeState;
import dev.chrunbook.state.RunState;
import dev.chrunbook.state.StateLock;
import dev.chrunbook.state.StateStore;
import dev.chrunbook.state.Status;
import dev.chrunbook.Node;
import dev.chrunbook.cluster.Topology;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** {@code chrunbook reset}: marks a step pending again on some or all nodes. Never touches the cluster's data. */
@Command(name = "reset", mixinStandardHelpOptions = true,
        description = {"Mark a step pending again (all its nodes, or --shard/--node). Changes only chrunbook's state:"
                + " it never drops or alters data.", "A node whose statement may still be running is refused: run again to reattach first."})
final class ResetCommand extends RunbookCommand {

    @Option(names = "--step", paramLabel = "ID", required = true, description = "The step to mark pending.")
    String step;
    @Mixin
    NodeFilter filter;

    @Override
    public Integer call() {
        Workspace ws = workspace();
        ws.runbook.step(step);
        RunState state = ws.state().orElseThrow(() -> ChrunbookException.invalidInput(
                "nothing to reset: no state in " + ws.stateDir + " (the runbook has not run with --execute)"));
        Topology topology = filter.shards.isEmpty() ? null : ws.topology("reset --shard");
        List<String> targets = new ArrayList<>();
        for (String id : state.steps().getOrDefault(step, java.util.Map.of()).keySet()) {
            boolean byNode = filter.node == null || id.equals(filter.node) || (topology != null && topology.node(filter.node).map(n -> n.id().equals(id)).orElse(false));
            boolean byShard = filter.shards.isEmpty() || topology.node(id).map(Node::shard).filter(filter.shards::contains).isPresent();
            if (byNode && byShard) {
                targets.add(id);
            }
        }
        try (StateLock lock = StateLock.acquire(ws.stateDir, Clock.systemUTC().instant())) {
            StateStore store = StateStore.open(ws.stateDir, ws.runbook.name(), state.runId(), Clock.systemUTC());
            for (String id : targets) {
                if (store.node(step, id).status() == Status.RUNNING) {
                    throw ChrunbookException.stateConflict("step '" + step + "' on " + id + " may still be running on the"
                            + " server; run again to reattach and finish it before resetting");
                }
            }
            for (String id : targets) {
                NodeState before = store.node(step, id);
                store.update(step, id, NodeState::reset);
                out().printf("step %s on %s: %s -> pending%n", step, id, before.status().label());
            }
        }
        if (targets.isEmpty()) {
            out().printf("step %s: no recorded node matches; nothing changed%n", step);
        }
        return 0;
    }
}

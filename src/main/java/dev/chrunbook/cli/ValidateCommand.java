package dev.chrunbook.cli;

import dev.chrunbook.plan.RunbookValidator;
import dev.chrunbook.plan.WorkPlanner;

import java.util.Map;
import java.util.Optional;
import dev.chrunbook.cluster.Topology;
import dev.chrunbook.cluster.TopologyResolver;
import picocli.CommandLine.Command;


/** {@code chrunbook validate}: static checks, no cluster needed. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = {"Check a runbook without touching a cluster: YAML and fields, templates render for every node,"
                + " vars defined, values safe to put into SQL.",
                "Renders against the nodes declared in --connection, or a made-up 2 shards x 2 replicas topology."})
final class ValidateCommand extends RunbookCommand {

    @Override
    public Integer call() {
        Workspace ws = workspace();
        Topology topology = ws.connection.filter(c -> c.seed().isEmpty())
                .map(c -> TopologyResolver.declared(c, ws.runbook.cluster()))
                .orElseGet(() -> Topology.synthetic(ws.runbook.cluster(), 2, 2));
        String runId = ws.runIdOrNew();
        // with --set, every step must render the same statements (in number and kind) as with the declared vars
        Optional<WorkPlanner> defaults = runbookArgs.overrides.isEmpty() ? Optional.empty()
                : Optional.of(ws.offlinePlanner(ws.kinds.loader().load(runbookArgs.file, Map.of()), topology, runId));
        WorkPlanner planner = ws.offlinePlanner(ws.runbook, topology, runId);
        RunbookValidator.Result r = new RunbookValidator(planner, ws.renderer(runId)).validate(defaults);
        out().printf("OK %s: %d steps, %d statements rendered for %d nodes%n",
                ws.runbook.file(), r.steps(), r.statements(), r.nodes());
        return 0;
    }
}

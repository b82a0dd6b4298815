package dev.chrunbook.cli;

import dev.chrunbook.ChrunbookException;
import dev.chrunbook.Node;
import dev.chrunbook.apply.NodeWork;
import dev.chrunbook.cluster.Topology;
import dev.chrunbook.kinds.Services;
import dev.chrunbook.kinds.StepKind;
import dev.chrunbook.plan.WorkPlanner;
import dev.chrunbook.runbook.Step;
import dev.chrunbook.state.RunState;
import dev.chrunbook.verify.NodeHealth;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@code chrunbook check}: the preflight, read-only, without touching the state. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Check that the cluster is ready for the runbook, changing nothing: every node reachable (its"
                + " version shown), its replicas healthy, and the runbook's leading check steps (its preflight) pass"
                + " on every node they target.", "Exit 4 with the problems per node when anything is off."})
final class CheckCommand extends RunbookCommand {
    @Option(names = "--step", paramLabel = "ID", description = "Run these check steps instead of the leading ones (repeatable).")
    List<String> steps = new ArrayList<>();

    @Override
    public Integer call() {
        Workspace ws = workspace();
        Topology topology = ws.topology("check");
        List<String> problems = new ArrayList<>();
        for (Node node : topology.nodes()) {
            NodeHealth.Result r = new NodeHealth(ws.connector("check")).check(node, ws.runbook.database());
            out().printf("%-22s shard %d, replica %s, ClickHouse %s: %s%n", node.id(), node.shard(), node.replicaName(),
                    r.version(), r.problems().isEmpty() ? "ok" : "PROBLEM");
            r.problems().ifPresent(p -> problems.add(node.id() + ": " + p));
        }
        Optional<RunState> state = ws.state();
        String runId = state.map(RunState::runId).orElseGet(Workspace::newRunId);
        WorkPlanner planner = ws.planner("check", runId, () -> state.orElse(null));
        Services.Probes probes = ws.probes("check");
        for (Step step : checkSteps(ws)) {
            StepKind kind = ws.kinds.of(step);
            for (NodeWork w : planner.render(step, topology.nodesFor(step.on()), false).values()) {
                StepKind.Verdict v = kind.check(w, probes);
                out().printf("%-22s %s: %s%n", v.where(), step.id(), v.problems().isEmpty() ? "ok" : "PROBLEM");
                v.problems().ifPresent(text -> problems.add(v.where() + " " + step.id() + ":\n" + text));
            }
        }
        if (!problems.isEmpty()) {
            problems.forEach(p -> out().println(p.strip()));
            out().flush();
            throw ChrunbookException.verificationFailed(problems.size() + " problem(s) above; nothing was changed. Fix them"
                    + " and check again before running the runbook");
        }
        out().println("ready: every node answers and every check passes");
        return 0;
    }

    /** The steps named with --step, or the runbook's leading preflight steps. */
    private List<Step> checkSteps(Workspace ws) {
        if (!steps.isEmpty()) {
            return steps.stream().map(ws.runbook::step).toList();
        }
        List<Step> leading = new ArrayList<>();
        for (Step s : ws.runbook.steps()) {
            if (!ws.kinds.of(s).preflight()) {
                break;
            }
            leading.add(s);
        }
        return leading;
    }
}

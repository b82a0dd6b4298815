package dev.chrunbook.cli;

import dev.chrunbook.apply.NodeWork;
import dev.chrunbook.kinds.Services;
import dev.chrunbook.kinds.StepKind;
import dev.chrunbook.plan.PlanRenderings;
import dev.chrunbook.plan.WorkPlanner;
import dev.chrunbook.runbook.Step;
import dev.chrunbook.state.RunState;
import dev.chrunbook.Node;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@code chrunbook plan}: the exact SQL per step and node; executes nothing. */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = "Print, step by step and node by node, the exact SQL that would run (macros, unique paths,"
                + " settings and query ids resolved). Executes nothing on any node; reads only the topology and the catalog"
                + " (system.clusters, system.macros, system.columns, system.tables).")
final class PlanCommand extends RunbookCommand {

    @Option(names = "--step", paramLabel = "ID", description = "Only these steps (repeatable).")
    List<String> steps = new ArrayList<>();
    @Mixin
    NodeFilter filter;

    @Override
    public Integer call() {
        Workspace ws = workspace();
        Optional<RunState> state = ws.state();
        String runId = state.map(RunState::runId).orElseGet(Workspace::newRunId);
        WorkPlanner planner = ws.planner("plan", runId, () -> state.orElse(null));
        List<Step> chosen = steps.isEmpty() ? ws.runbook.steps() : steps.stream().map(ws.runbook::step).toList();
        PlanPrinter printer = new PlanPrinter(out(), runId);
        printer.header(ws.runbook.name(), ws.runbook.cluster(), state.isEmpty(), planner.topology().form());
        PlanRenderings renderings = new PlanRenderings(planner);
        for (Step step : chosen) {
            List<Node> nodes = planner.nodes(step, filter.shards, filter.node());
            var rendered = renderings.render(step, nodes, false);
            if (rendered.isEmpty()) {
                out().printf("%n-- step %s: %s%n", step.id(), renderings.why());
                continue;
            }
            List<NodeWork> work = List.copyOf(rendered.get().values());
            printer.step(step, work.get(0).settings());
            printer.expect(expectations(planner, step, work));
            StepKind kind = ws.kinds.of(step);
            Services.Probes probes = ws.probes("plan");
            for (NodeWork w : work) {
                int attempt = state.map(s -> s.node(step.id(), w.node().id()).attempts()).orElse(0) + 1;
                printer.node(w, "", attempt);
                printer.preview(kind.preview(w, probes, state.map(s -> s.node(step.id(), w.node().id())).orElse(null)));
            }
            if (step.rollback() != null) {
                out().printf("%n-- rollback of %s, run only by: chrunbook rollback %s --step %s --execute%n", step.id(),
                        ws.runbook.file(), step.id());
                Step undo = step.rollbackStep();
                for (NodeWork w : planner.render(undo, planner.nodes(undo, filter.shards, filter.node()), true).values()) {
                    printer.node(w, "", 1);
                }
            }
        }
        printer.flush();
        return 0;
    }

    static java.util.Map<Node, String> expectations(WorkPlanner planner, Step step, java.util.Collection<NodeWork> work) {
        java.util.Map<Node, String> out = new java.util.LinkedHashMap<>();
        work.forEach(w -> out.put(w.node(), planner.expect(step, w.node())));
        return out;
    }
}

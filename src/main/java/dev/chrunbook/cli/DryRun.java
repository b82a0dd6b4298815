package dev.chrunbook.cli;

import dev.chrunbook.apply.NodeWork;
import dev.chrunbook.plan.PlanRenderings;
import dev.chrunbook.plan.RunOptions;
import dev.chrunbook.plan.WorkPlanner;
import dev.chrunbook.runbook.Step;
import dev.chrunbook.state.NodeState;
import dev.chrunbook.state.RunState;
import dev.chrunbook.state.StatementState;
import dev.chrunbook.cluster.Topology;

import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;

/** {@code run --dry-run}: what --execute would do now, given the state; executes nothing, writes nothing. */
final class DryRun {
    private final PrintWriter out;
    private final Workspace ws;
    private final Topology topology;

    DryRun(PrintWriter out, Workspace ws, Topology topology) {
        this.out = out;
        this.ws = ws;
        this.topology = topology;
    }

    int print(RunOptions options) {
        Optional<RunState> existing = ws.state();
        String runId = existing.map(RunState::runId).orElseGet(Workspace::newRunId);
        RunState state = existing.orElseGet(() -> new RunState(ws.runbook.name(), runId, null, null));
        WorkPlanner planner = ws.planner("run --dry-run", runId, () -> state);
        WorkPlanner.Selection selection = planner.prepare(options, state);
        List<Step> steps = selection.steps();
        PlanPrinter printer = new PlanPrinter(out, runId);
        printer.header(ws.runbook.name(), ws.runbook.cluster(), existing.isEmpty(), planner.topology().form());
        out.println("-- DRY RUN: nothing is executed; pass --execute instead of --dry-run to run this");
        if (steps.isEmpty()) {
            out.println("-- nothing to run: every selected step is done");
        }
        PlanRenderings renderings = new PlanRenderings(planner);
        for (Step step : steps) {
            var rendered = renderings.render(step, planner.nodes(step, options.shards(), options.node()), options.rerun());
            if (rendered.isEmpty()) {
                out.printf("%n-- step %s: %s%n", step.id(), renderings.why());
                continue;
            }
            var work = rendered.get();
            printer.step(step, work.values().iterator().next().settings());
            printer.expect(PlanCommand.expectations(planner, step, work.values()));
            for (NodeWork w : work.values()) {
                NodeState ns = state.node(step.id(), w.node().id());
                String action = action(ns, options.rerun());
                int attempt = ns.status() == dev.chrunbook.state.Status.RUNNING ? ns.attempts() : ns.attempts() + 1;
                if (ns.status().complete() && !options.rerun()) {
                    out.printf("%n-- node %s (shard %d): %s%n", w.node().id(), w.node().shard(), action);
                } else {
                    printer.node(w, action, attempt);
                    printer.preview(ws.kinds.of(step).preview(w, ws.probes("run --dry-run"), ns));
                }
            }
            if (step.confirm()) {
                out.printf("-- step %s needs confirmation (a typed yes, or --yes)%n", step.id());
            }
        }
        selection.pausedAt().ifPresent(p -> out.printf("%n-- then stops before step %s (pause_before): it starts only with"
                + " --step %s%n", p.id(), p.id()));
        printer.flush();
        return 0;
    }

    private static String action(NodeState ns, boolean rerun) {
        return switch (ns.status()) {
            case DONE, SKIPPED -> rerun ? "already " + ns.status().label() + "; --rerun executes it again as attempt "
                    + (ns.attempts() + 1) : "already " + ns.status().label() + ", nothing to do";
            case RUNNING -> "interrupted attempt " + ns.attempts() + ": statements "
                    + ns.statements().stream().filter(s -> s.status() == StatementState.Outcome.SENT).map(s -> "#" + s.index()).toList()
                    + " are looked up on the server (watched if running, never sent twice), then the rest run";
            case FAILED -> "failed before (" + ns.error() + "); retried as attempt " + (ns.attempts() + 1);
            case PENDING -> "would run";
        };
    }
}

package dev.chrunbook.run;

import dev.chrunbook.ChrunbookException;
import dev.chrunbook.Node;
import dev.chrunbook.apply.NodeWork;
import dev.chrunbook.kinds.Services;
import dev.chrunbook.kinds.StepKind;
import dev.chrunbook.plan.PlanRenderings;
import dev.chrunbook.plan.RunOptions;
import dev.chrunbook.plan.WorkPlanner;
import dev.chrunbook.render.RenderedStatement;
import dev.chrunbook.runbook.Step;
import dev.chrunbook.state.NodeState;
import dev.chrunbook.state.StateStore;
import dev.chrunbook.verify.ImpactReport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The main flow of {@code run --execute}: choose steps, check order and drift, render everything to
 * fail early, then for each step in turn: render it again from the catalog as it stands, confirm,
 * run it on its nodes in parallel, and stop at the first step that is not done.
 */
public final class Migrator {
    /** Present in the state dir: pause_before steps wait (e.g. during business hours). */
    public static final String HOLD_FILE = "HOLD";

    private final WorkPlanner planner;
    private final Services services;
    private final Confirmation confirmation;
    private final ImpactReport impact;
    private final CutoverGate gate;

    public Migrator(WorkPlanner planner, Services services, Confirmation confirmation, ImpactReport impact) {
        this(planner, services, confirmation, impact, CutoverGate.OPEN);
    }

    /** @param gate asked before a pause_before step (the cut-over) starts; a refusal stops the run with exit 4 */
    public Migrator(WorkPlanner planner, Services services, Confirmation confirmation, ImpactReport impact, CutoverGate gate) {
        this.planner = planner;
        this.services = services;
        this.confirmation = confirmation;
        this.impact = impact;
        this.gate = gate;
    }

    public RunResult run(RunOptions options) {
        StateStore store = services.store();
        WorkPlanner.Selection selection = planner.prepare(options, store.state());
        List<Step> steps = selection.steps();
        holdCheck(steps);
        // everything is rendered before anything is sent, only to fail early: a template, a parameter, a table
        // that nothing before it creates stops the run here. What runs is rendered again when its turn comes,
        // from the catalog as the earlier steps of this run left it (the schema gate reads what
        // materialized-columns just added), and held to what already ran on its nodes (drift)
        PlanRenderings renderings = new PlanRenderings(planner);
        for (Step step : steps) {
            renderings.render(step, planner.nodes(step, options.shards(), options.node()), options.rerun());
        }
        List<StepResult> results = new ArrayList<>();
        for (Step step : steps) {
            planner.refuseDrift(step, store.state(), options.rerun());
            Map<Node, NodeWork> rendered = planner.render(step, planner.nodes(step, options.shards(), options.node()), options.rerun());
            StepResult result = runStep(step, rendered, options);
            results.add(result);
            if (!result.complete()) {
                break;
            }
        }
        boolean stoppedEarly = results.size() < steps.size();
        return new RunResult(store.state().runId(), results, stoppedEarly ? Optional.empty() : selection.pausedAt());
    }

    /** A HOLD file in the state dir keeps every pause_before step from starting, even when named. */
    private void holdCheck(List<Step> steps) {
        Path hold = services.store().dir().resolve(HOLD_FILE);
        for (Step s : steps) {
            if (s.pauseBefore() && Files.exists(hold)) {
                throw ChrunbookException.stateConflict("step '" + s.id() + "' is held by " + hold
                        + "; nothing was executed. Remove that file when the cut-over may start");
            }
        }
    }

    private StepResult runStep(Step step, Map<Node, NodeWork> work, RunOptions options) {
        StateStore store = services.store();
        List<NodeWork> todo = work.values().stream()
                .filter(w -> options.rerun() || !store.node(step.id(), w.node().id()).status().complete())
                .toList();
        if (todo.isEmpty()) {
            Map<String, NodeState> states = new LinkedHashMap<>();
            work.keySet().forEach(n -> states.put(n.id(), store.node(step.id(), n.id())));
            return new StepResult(step, states, true);
        }
        List<Node> nodes = todo.stream().map(NodeWork::node).toList();
        if (step.confirm() && !confirmation.confirm(step, nodes, impact.describe(
                todo.stream().flatMap(w -> w.statements().stream().map(RenderedStatement::sql)).toList(), nodes))) {
            throw ChrunbookException.invalidInput("step '" + step.id() + "' not confirmed; nothing was executed."
                    + " Answer 'yes' at the prompt or pass --yes");
        }
        if (step.pauseBefore()) {
            gate.allow(step, nodes).ifPresent(why -> {
                throw ChrunbookException.verificationFailed("step '" + step.id() + "' is blocked: " + why
                        + "; nothing was executed. Fix what the hook checks, then run the step again");
            });
        }
        services.listener().stepStarted(step, nodes);
        StepKind kind = planner.kinds().of(step);
        int threads = Math.max(1, options.parallel() > 0 ? Math.min(options.parallel(), todo.size()) : todo.size());
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "chrunbook-" + step.id());
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<NodeState>> futures = new ArrayList<>();
            for (NodeWork w : todo) {
                futures.add(pool.submit(() -> kind.apply(w, services)));
            }
            Map<String, NodeState> states = new LinkedHashMap<>();
            for (int i = 0; i < todo.size(); i++) {
                states.put(todo.get(i).node().id(), futures.get(i).get());
            }
            return new StepResult(step, states, false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ChrunbookException.stepFailed("interrupted while step '" + step.id() + "' ran; statements may still"
                    + " run on the nodes: run again to reattach");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }
}

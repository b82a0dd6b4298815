package dev.chrunbook.run;

import dev.chrunbook.ChrunbookException;
import dev.chrunbook.Node;
import dev.chrunbook.apply.NodeWork;
import dev.chrunbook.kinds.Kinds;
import dev.chrunbook.kinds.Services;
import dev.chrunbook.plan.WorkPlanner;
import dev.chrunbook.render.RenderedStatement;
import dev.chrunbook.runbook.Runbook;
import dev.chrunbook.runbook.Step;
import dev.chrunbook.state.NodeState;
import dev.chrunbook.state.RunState;
import dev.chrunbook.state.StateStore;
import dev.chrunbook.state.Status;
import dev.chrunbook.verify.ImpactReport;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code chrunbook rollback}: runs a done step's compensating SQL (its {@code rollback:} template) on
 * the step's nodes, then marks the step, and the checks after it, pending again. Refused while any
 * later step that changes the cluster has started: undo from the last one first.
 */
public final class Rollback {
    private final WorkPlanner planner;
    private final Services services;
    private final Confirmation confirmation;
    private final ImpactReport impact;

    public Rollback(WorkPlanner planner, Services services, Confirmation confirmation, ImpactReport impact) {
        this.planner = planner;
        this.services = services;
        this.confirmation = confirmation;
        this.impact = impact;
    }

    /**
     * The later step that keeps {@code step} from being rolled back: one that changes the cluster and has
     * started, unless it says it keeps the rollback open (keeps_rollback). Empty when the rollback may run.
     */
    public static Optional<Step> blocker(Runbook runbook, RunState state, Kinds kinds, Step step) {
        for (Step later : runbook.steps().subList(runbook.indexOf(step) + 1, runbook.steps().size())) {
            boolean started = state != null && state.steps().getOrDefault(later.id(), Map.of()).values().stream()
                    .anyMatch(n -> n.status() != Status.PENDING);
            if (started && kinds.of(later).changesCluster() && !later.keepsRollback()) {
                return Optional.of(later);
            }
        }
        return Optional.empty();
    }

    /** The compensating SQL per node, for plan, dry-run and the run itself; reads no state. */
    public static Map<Node, NodeWork> render(WorkPlanner planner, Step step) {
        if (step.rollback() == null) {
            throw ChrunbookException.invalidInput("step '" + step.id() + "' has no rollback: template in "
                    + planner.runbook().file());
        }
        Step undo = step.rollbackStep();
        return planner.render(undo, planner.nodes(undo, List.of(), Optional.empty()), true);
    }

    public StepResult run(Step step) {
        Runbook runbook = planner.runbook();
        StateStore store = services.store();
        if (!planner.complete(step, store.state())) {
            throw ChrunbookException.stateConflict("step '" + step.id() + "' is not done on all its nodes: there is"
                    + " nothing to roll back (see: chrunbook status " + runbook.file() + ")");
        }
        blocker(runbook, store.state(), planner.kinds(), step).ifPresent(later -> {
            throw ChrunbookException.stateConflict("step '" + later.id() + "' after '" + step.id()
                    + "' has already run; undo it first, or finish forward");
        });
        Map<Node, NodeWork> work = render(planner, step);
        List<String> sql = work.values().stream().flatMap(w -> w.statements().stream().map(RenderedStatement::sql)).toList();
        List<Node> nodes = List.copyOf(work.keySet());
        if (!confirmation.confirm(step.rollbackStep(), nodes, impact.describe(sql, nodes))) {
            throw ChrunbookException.invalidInput("rollback of '" + step.id() + "' not confirmed; nothing was executed");
        }
        Map<String, NodeState> states = new LinkedHashMap<>();
        for (NodeWork w : work.values()) {
            states.put(w.node().id(), planner.kinds().of(w.step()).apply(w, services));
        }
        StepResult result = new StepResult(step.rollbackStep(), states, false);
        if (result.complete()) {
            for (Step s : runbook.steps().subList(runbook.indexOf(step), runbook.steps().size())) {
                store.state().steps().getOrDefault(s.id(), Map.of()).keySet()
                        .forEach(node -> store.update(s.id(), node, NodeState::reset));
            }
        }
        return result;
    }
}

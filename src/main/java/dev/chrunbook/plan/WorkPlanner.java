package dev.chrunbook.plan;

import dev.chrunbook.apply.NodeWork;

import dev.chrunbook.ChrunbookException;
import dev.chrunbook.kinds.Kinds;
import dev.chrunbook.kinds.StepKind;
import dev.chrunbook.render.SqlRenderer;
import dev.chrunbook.runbook.Runbook;
import dev.chrunbook.runbook.Step;
import dev.chrunbook.state.RunState;
import dev.chrunbook.Node;
import dev.chrunbook.cluster.Topology;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides what a run touches: which steps (explicit, up to, all, or the next pending one), which
 * nodes of each (target, --shard, --node), rendered in full before anything is sent.
 */
public final class WorkPlanner {
    private final Runbook runbook;
    private final Topology topology;
    private final SqlRenderer renderer;
    private final Kinds kinds;

    public WorkPlanner(Runbook runbook, Topology topology, SqlRenderer renderer, Kinds kinds) {
        this.runbook = runbook;
        this.topology = topology;
        this.renderer = renderer;
        this.kinds = kinds;
    }

    /**
     * The steps a run with these options covers, in runbook order, and the step it stopped short of
     * because it is marked pause_before (such a step starts only when named with --step).
     */
    public Selection steps(RunOptions options, RunState state) {
        if (!options.steps().isEmpty()) {
            return new Selection(options.steps().stream().map(runbook::step).distinct()
                    .sorted((a, b) -> Integer.compare(runbook.indexOf(a), runbook.indexOf(b))).toList(), Optional.empty());
        }
        Optional<Step> next = runbook.steps().stream().filter(s -> !complete(s, state)).findFirst();
        if (next.isEmpty()) {
            return new Selection(List.of(), Optional.empty());
        }
        int from = runbook.indexOf(next.get());
        List<Step> chosen;
        if (options.to().isPresent()) {
            int to = runbook.indexOf(runbook.step(options.to().get()));
            chosen = to < from ? List.of() : runbook.steps().subList(from, to + 1);
        } else {
            chosen = options.all() ? runbook.steps().subList(from, runbook.steps().size()) : List.of(next.get());
        }
        for (int i = 0; i < chosen.size(); i++) {
            if (chosen.get(i).pauseBefore()) {
                return new Selection(List.copyOf(chosen.subList(0, i)), Optional.of(chosen.get(i)));
            }
        }
        return new Selection(List.copyOf(chosen), Optional.empty());
    }

    /**
     * What both {@code run --execute} and {@code --dry-run} check before anything else: the selection,
     * step order, and that what already ran still renders the same (drift).
     */
    public Selection prepare(RunOptions options, RunState state) {
        Selection selection = steps(options, state);
        checkOrder(selection.steps(), state);
        Set<String> rerunning = new HashSet<>();
        if (options.rerun()) {
            selection.steps().forEach(s -> rerunning.add(s.id()));
        }
        new DriftCheck(runbook, topology, renderer, kinds).refuse(state, rerunning);
        return selection;
    }

    /**
     * Refuses (exit 3) when {@code step}, rendered now, differs from what already ran on its nodes: asked
     * again at the step's turn, since the steps before it in the same run may have changed the catalog.
     */
    public void refuseDrift(Step step, RunState state, boolean rerun) {
        if (!rerun) {
            new DriftCheck(runbook, topology, renderer, kinds).refuse(state, step);
        }
    }

    /** @param pausedAt the pause_before step the selection stopped short of */
    public record Selection(List<Step> steps, Optional<Step> pausedAt) {
    }

    /** The nodes of {@code step} after the --shard/--node filters; an empty selection is an input error. */
    public List<Node> nodes(Step step, List<Integer> shards, Optional<String> node) {
        List<Node> all = topology.nodesFor(step.on());
        for (int shard : shards) {
            if (topology.nodes().stream().noneMatch(n -> n.shard() == shard)) {
                throw ChrunbookException.invalidInput("--shard " + shard + ": the cluster has shards 1 to "
                        + topology.nodes().get(topology.nodes().size() - 1).shard());
            }
        }
        List<Node> chosen = new ArrayList<>();
        for (Node n : all) {
            if ((shards.isEmpty() || shards.contains(n.shard())) && (node.isEmpty() || n.matches(node.get()))) {
                chosen.add(n);
            }
        }
        if (chosen.isEmpty()) {
            throw ChrunbookException.invalidInput("step '" + step.id() + "' (" + step.on().yamlName() + ") runs on "
                    + String.join(", ", all.stream().map(n -> n.id() + " (shard " + n.shard() + ")").toList())
                    + "; the --shard/--node filter selects none of them");
        }
        return chosen;
    }

    /** Renders every node's work (statements, settings, asserts, parameters); input errors surface here, before execution. */
    public Map<Node, NodeWork> render(Step step, List<Node> nodes, boolean rerun) {
        Map<String, String> settings = new LinkedHashMap<>(runbook.settings());
        settings.putAll(step.settings());
        step.timeout().ifPresent(t -> settings.putIfAbsent("max_execution_time", String.valueOf(Math.max(1, t.toSeconds()))));
        Map<String, String> fixed = Collections.unmodifiableMap(settings);
        StepKind kind = kinds.of(step);
        Map<Node, NodeWork> work = new LinkedHashMap<>();
        for (Node n : nodes) {
            work.put(n, kind.work(step, n, renderer, fixed, rerun));
        }
        return work;
    }

    /** A step may only run once every earlier step is complete on all its nodes. */
    public void checkOrder(List<Step> steps, RunState state) {
        if (steps.isEmpty()) {
            return;
        }
        int first = runbook.indexOf(steps.get(0));
        for (Step earlier : runbook.steps().subList(0, first)) {
            if (!complete(earlier, state)) {
                throw ChrunbookException.stateConflict("step '" + steps.get(0).id() + "' comes after '" + earlier.id()
                        + "', which is not done on all its nodes; run it first: chrunbook run " + runbook.file()
                        + " --step " + earlier.id() + " --execute");
            }
        }
    }

    public boolean complete(Step step, RunState state) {
        return topology.nodesFor(step.on()).stream()
                .allMatch(n -> state != null && state.node(step.id(), n.id()).status().complete());
    }

    /** What the step's {@code expect} says of it on that node ("" when it says nothing). */
    public String expect(Step step, Node node) {
        return renderer.renderExpect(step, node);
    }

    public Topology topology() {
        return topology;
    }

    public Kinds kinds() {
        return kinds;
    }

    public Runbook runbook() {
        return runbook;
    }
}

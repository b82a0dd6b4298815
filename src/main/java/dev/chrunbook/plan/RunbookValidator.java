package dev.chrunbook.plan;

import dev.chrunbook.apply.NodeWork;

import dev.chrunbook.ddl.OnCluster;
import dev.chrunbook.ChrunbookException;
import dev.chrunbook.render.RenderedStatement;
import dev.chrunbook.render.SqlRenderer;
import dev.chrunbook.runbook.Runbook;
import dev.chrunbook.runbook.Step;
import dev.chrunbook.runbook.Target;
import dev.chrunbook.Node;
import dev.chrunbook.cluster.Topology;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Static checks of a runbook: every step renders on every node it targets, and says what it must. */
public final class RunbookValidator {

    private final Runbook runbook;
    private final Topology topology;
    private final SqlRenderer renderer;
    private final WorkPlanner planner;

    public RunbookValidator(WorkPlanner planner, SqlRenderer renderer) {
        this.runbook = planner.runbook();
        this.topology = planner.topology();
        this.renderer = renderer;
        this.planner = planner;
    }

    public record Result(int steps, int nodes, int statements) {
    }

    public Result validate() {
        return validate(Optional.empty());
    }

    /**
     * @param defaults the same runbook rendered with its declared vars only, when --set overrode some: a
     *                 var must not change how many statements a step renders or what kind they are
     */
    public Result validate(Optional<WorkPlanner> defaults) {
        int statements = 0;
        for (Step step : runbook.steps()) {
            if (step.hasStatements() && renderer.rendersNothing(step)) {
                throw ChrunbookException.invalidInput(runbook.file() + ":" + step.line() + ": step '" + step.id()
                        + "' has an empty " + (step.sql() != null ? "sql:" : "template " + step.template()) + "; give it SQL or remove it");
            }
            List<Node> nodes = topology.nodesFor(step.on());
            Map<Node, NodeWork> work = planner.render(step, nodes, false);
            Map<Node, NodeWork> declared = defaults.isPresent() ? defaults.get().render(step, nodes, false) : Map.of();
            for (Node node : nodes) {
                List<RenderedStatement> rendered = renderer.render(step, node);
                onCluster(step, rendered);
                if (step.rollback() != null) {
                    onCluster(step.rollbackStep(), renderer.render(step.rollbackStep(), node));
                }
                if (defaults.isPresent()) {
                    sameShape(step, node, shape(declared.get(node)), shape(work.get(node)));
                }
                statements += rendered.size();
            }
        }
        return new Result(runbook.steps().size(), topology.nodes().size(), statements);
    }

    private void onCluster(Step step, List<RenderedStatement> rendered) {
        if (step.on() != Target.CLUSTER_ONCE) {
            return;
        }
        for (RenderedStatement s : rendered) {
            // an INSERT or SELECT on one node reaches the cluster through Distributed tables or cluster()
            if (!Set.of("INSERT", "SELECT", "WITH").contains(keyword(s)) && !OnCluster.present(s.sql())) {
                throw ChrunbookException.invalidInput(runbook.file() + ":" + step.line() + ": step '" + step.id()
                        + "' is on: cluster-once but its statement lacks ON CLUSTER (it would run on one node only): "
                        + abbreviate(s.sql()) + ". Add ON CLUSTER ${cluster} or use on: first-node");
            }
        }
    }

    /** An override that adds, removes or changes the kind of a statement is SQL coming in through a var. */
    private void sameShape(Step step, Node node, List<String> a, List<String> b) {
        if (!a.equals(b)) {
            throw ChrunbookException.invalidInput(runbook.file() + ":" + step.line() + ": --set changes what step '" + step.id()
                    + "' renders on " + node.id() + ": " + a.size() + " statement(s) " + a + " with the declared vars, " + b.size()
                    + " " + b + " with the overrides; a var may change values, not add, remove or turn statements into others");
        }
    }

    /** The leading keyword of each statement and assert of a node's work. */
    private static List<String> shape(NodeWork work) {
        List<String> out = new ArrayList<>();
        work.statements().forEach(s -> out.add(keyword(s.sql())));
        work.asserts().forEach(a -> out.add(keyword(a)));
        return out;
    }

    private static String keyword(RenderedStatement s) {
        return keyword(s.sql());
    }

    private static String keyword(String text) {
        String sql = text.stripLeading();
        int end = 0;
        while (end < sql.length() && Character.isLetter(sql.charAt(end))) {
            end++;
        }
        return sql.substring(0, end).toUpperCase(java.util.Locale.ROOT);
    }

    private static String abbreviate(String sql) {
        String one = sql.replaceAll("\\s+", " ");
        return one.length() > 80 ? one.substring(0, 77) + "..." : one;
    }
}

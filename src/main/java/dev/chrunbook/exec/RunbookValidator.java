package dev.chrunbook.exec;

import dev.chrunbook.ChrunbookException;
import dev.chrunbook.render.RenderedStatement;
import dev.chrunbook.render.SqlRenderer;
import dev.chrunbook.runbook.Runbook;
import dev.chrunbook.runbook.Step;
import dev.chrunbook.runbook.Target;
import dev.chrunbook.topology.Node;
import dev.chrunbook.topology.Topology;

import java.util.List;
import java.util.regex.Pattern;

/** Static checks of a runbook: every step renders on every node it targets, and says what it must. */
public final class RunbookValidator {
    private static final Pattern ON_CLUSTER = Pattern.compile("\\bON\\s+CLUSTER\\b", Pattern.CASE_INSENSITIVE);

    private final Runbook runbook;
    private final Topology topology;
    private final SqlRenderer renderer;

    public RunbookValidator(Runbook runbook, Topology topology, SqlRenderer renderer) {
        this.runbook = runbook;
        this.topology = topology;
        this.renderer = renderer;
    }

    public record Result(int steps, int nodes, int statements) {
    }

    public Result validate() {
        int statements = 0;
        for (Step step : runbook.steps()) {
            for (Node node : topology.nodesFor(step.on())) {
                List<RenderedStatement> rendered = renderer.render(step, node);
                renderer.renderCheck(step, node);
                renderer.renderAsserts(step, node);
                if (step.kind().isKafka()) {
                    KafkaStepRunner.checkParams(step, renderer.renderParams(step, node));
                }
                if (step.on() == Target.CLUSTER_ONCE) {
                    for (RenderedStatement s : rendered) {
                        if (!ON_CLUSTER.matcher(s.sql()).find()) {
                            throw ChrunbookException.invalidInput(runbook.file() + ":" + step.line() + ": step '" + step.id()
                                    + "' is on: cluster-once but its statement lacks ON CLUSTER (it would run on one node only): "
                                    + abbreviate(s.sql()) + ". Add ON CLUSTER ${cluster} or use on: first-node");
                        }
                    }
                }
                statements += rendered.size();
            }
        }
        return new Result(runbook.steps().size(), topology.nodes().size(), statements);
    }

    private static String abbreviate(String sql) {
        String one = sql.replaceAll("\\s+", " ");
        return one.length() > 80 ? one.substring(0, 77) + "..." : one;
    }
}

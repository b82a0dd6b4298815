package dev.chrunbook.cli;

import dev.chrunbook.ddl.Derivation;
import dev.chrunbook.ddl.SchemaDiff;
import dev.chrunbook.apply.NodeWork;
import dev.chrunbook.apply.QueryIds;
import dev.chrunbook.render.RenderedStatement;
import dev.chrunbook.runbook.Step;
import dev.chrunbook.Node;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Prints steps, nodes and the exact SQL with query ids, as plan and run --dry-run show them. */
final class PlanPrinter {
    private final PrintWriter out;
    private final String runId;

    PlanPrinter(PrintWriter out, String runId) {
        this.out = out;
        this.runId = runId;
    }

    void header(String runbook, String cluster, boolean newRunId, dev.chrunbook.ClusterForm form) {
        out.printf("-- runbook %s, cluster %s, run_id %s%s%n", runbook, cluster, runId,
                newRunId ? " (new: fixed at the first --execute)" : "");
        out.printf("-- cluster form: %s%n", form.describe());
    }

    void step(Step step, Map<String, String> settings) {
        out.printf("%n-- ===== step %s (on: %s%s)%s%n", step.id(), step.on().yamlName(),
                step.confirm() ? ", needs confirmation" : "",
                step.description().isBlank() ? "" : " " + step.description().strip());
        if (!settings.isEmpty()) {
            out.printf("-- settings: %s%n", settings.entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", ")));
        }
    }

    /** The step's expect text: once when every node says the same, else under each node's name. */
    void expect(Map<Node, String> byNode) {
        List<String> distinct = byNode.values().stream().filter(t -> !t.isEmpty()).distinct().toList();
        if (distinct.size() == 1 && byNode.values().stream().allMatch(distinct.get(0)::equals)) {
            out.printf("-- expect: %s%n", distinct.get(0));
        } else if (!distinct.isEmpty()) {
            byNode.forEach((node, text) -> out.printf("-- expect on %s: %s%n", node.id(), text.isEmpty() ? "(nothing said)" : text));
        }
    }

    void node(NodeWork work, String action, int attempt) {
        Node node = work.node();
        out.printf("%n-- node %s (shard %d, replica %s)%s%n", node.id(), node.shard(), node.replicaName(),
                action.isEmpty() ? "" : ": " + action);
        work.check().ifPresent(c -> out.printf("-- skipped when this returns a truthy value: %s%n", oneLine(c)));
        work.params().forEach((k, v) -> out.printf("-- %s.%s = %s%n", work.step().body().paramsBlock(), k, v));
        for (String a : work.asserts()) {
            out.printf("-- must return no rows:%n%s;%n", a);
        }
        List<RenderedStatement> statements = work.statements();
        for (int i = 0; i < statements.size(); i++) {
            Derivation.of(statements.get(i).sql(), work.definitions()).ifPresent(this::derivation);
            out.printf("-- query_id %s%n%s;%n", QueryIds.of(runId, work.step().id(), node, attempt, i + 1), statements.get(i).sql());
        }
    }

    /** What a kind shows of its work besides statements (a chunked copy's chunks). */
    void preview(List<String> lines) {
        lines.forEach(l -> out.printf("-- %s%n", l));
    }

    /** A CREATE built from a catalog definition: what differs from it (the ZooKeeper path always does). */
    private void derivation(Derivation.Report r) {
        if (r.differences().isEmpty()) {
            out.printf("-- as %s is defined on this node, but for its name and ZooKeeper path%n", r.from());
            return;
        }
        out.printf("-- as %s is defined on this node, except:%n", r.from());
        for (SchemaDiff.Difference d : r.differences()) {
            out.printf("--   %s: %s -> %s%n", d.what(), d.source().isEmpty() ? "(none)" : oneLine(d.source()),
                    d.target().isEmpty() ? "(added later or none)" : oneLine(d.target()));
        }
    }

    private static String oneLine(String sql) {
        return sql.replaceAll("\\s+", " ");
    }

    void flush() {
        out.flush();
    }
}

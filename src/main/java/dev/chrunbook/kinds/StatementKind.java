package dev.chrunbook.kinds;

import dev.chrunbook.Node;
import dev.chrunbook.apply.NodeWork;
import dev.chrunbook.clickhouse.ClickHouseClient;
import dev.chrunbook.render.SqlRenderer;
import dev.chrunbook.runbook.DurationText;
import dev.chrunbook.runbook.Step;
import dev.chrunbook.runbook.YamlFields;
import dev.chrunbook.verify.AssertChecker;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** What the kinds whose SQL the runbook renders share: a template or inline SQL, asserts and their wait, a check. */
abstract class StatementKind implements StepKind {
    private static final Set<String> KEYS = Set.of("template", "sql", "assert", "wait", "check", "drop_unknown_settings");

    @Override
    public Set<String> keys() {
        return KEYS;
    }

    @Override
    public Step.Body read(YamlFields s, String id) {
        String template = s.optionalString("template", null);
        String sql = s.optionalString("sql", null);
        List<String> asserts = s.scalarList("assert");
        if (template != null && sql != null) {
            throw s.errorAt("sql", "step '" + id + "' needs exactly one of 'template' (a file) or 'sql' (inline)");
        }
        requireBody(s, id, template != null || sql != null, !asserts.isEmpty());
        if (template != null && (template.contains("..") || template.startsWith("/"))) {
            throw s.errorAt("template", "step '" + id + "': template must be a file name in the runbook's folder or templates/, not '" + template + "'");
        }
        return new Step.Body(template, sql, List.copyOf(asserts), DurationText.field(s, id, "wait"), s.optionalString("check", null),
                s.optionalBoolean("drop_unknown_settings", false), null, Map.of());
    }

    /** Refuses a step that lacks what this kind needs. */
    abstract void requireBody(YamlFields s, String id, boolean hasSql, boolean hasAsserts);

    @Override
    public NodeWork work(Step step, Node node, SqlRenderer renderer, Map<String, String> settings, boolean rerun) {
        return new NodeWork(step, node, renderer.render(step, node), settings, renderer.renderCheck(step, node),
                renderer.renderAsserts(step, node), Map.of(), rerun, renderer.definitionsRead(step, node));
    }

    /** Runs the step's asserts once, read-only. */
    @Override
    public Verdict check(NodeWork work, Services.Probes probes) {
        try (ClickHouseClient client = probes.connector().connect(work.node().host(), work.node().httpPort())) {
            Optional<String> problems = new AssertChecker(probes.sleeper()).check(client, work.asserts(), Optional.empty(), (a, t) -> { });
            return new Verdict(work.node().id(), problems);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Verdict(work.node().id(), Optional.of("interrupted"));
        }
    }
}

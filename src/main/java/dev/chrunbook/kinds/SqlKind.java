package dev.chrunbook.kinds;

import dev.chrunbook.Node;
import dev.chrunbook.apply.NodeWork;
import dev.chrunbook.render.RenderedStatement;
import dev.chrunbook.render.SqlRenderer;
import dev.chrunbook.runbook.Step;
import dev.chrunbook.runbook.YamlFields;
import dev.chrunbook.state.NodeState;

import java.util.List;
import java.util.Optional;

/** {@code kind: sql} (the default): runs its SQL statements on each node, after its asserts, checkpointing each one. */
final class SqlKind extends StatementKind {
    static final String NAME = Step.SQL_KIND;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    void requireBody(YamlFields s, String id, boolean hasSql, boolean hasAsserts) {
        if (!hasSql) {
            throw s.errorAt("id", "step '" + id + "' needs exactly one of 'template' (a file) or 'sql' (inline)"
                    + (hasAsserts ? "" : ", or 'assert:' queries for a check step"));
        }
    }

    @Override
    public Optional<List<RenderedStatement>> fingerprint(Step step, Node node, SqlRenderer renderer) {
        return Optional.of(renderer.render(step, node));
    }

    @Override
    public NodeState apply(NodeWork work, Services services) {
        return services.applier().apply(work, false);
    }

    @Override
    public boolean preflight() {
        return false;
    }

    @Override
    public boolean changesCluster() {
        return true;
    }
}

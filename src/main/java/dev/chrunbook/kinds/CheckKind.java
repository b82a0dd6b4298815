package dev.chrunbook.kinds;

import dev.chrunbook.Node;
import dev.chrunbook.apply.NodeWork;
import dev.chrunbook.render.RenderedStatement;
import dev.chrunbook.render.SqlRenderer;
import dev.chrunbook.runbook.Step;
import dev.chrunbook.runbook.YamlFields;
import dev.chrunbook.state.NodeState;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code kind: check}: only queries whose rows are problems (its statements and its asserts); fails
 * with exit 4 when any row comes back. It reads the catalog anew each time and is never held to
 * what it rendered before.
 */
final class CheckKind extends StatementKind {
    static final String NAME = "check";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    void requireBody(YamlFields s, String id, boolean hasSql, boolean hasAsserts) {
        if (!hasAsserts && !hasSql) {
            throw s.errorAt("id", "step '" + id + "' (kind check) needs queries: 'assert:', 'sql' or 'template'");
        }
    }

    @Override
    public NodeWork work(Step step, Node node, SqlRenderer renderer, Map<String, String> settings, boolean rerun) {
        SqlRenderer fresh = renderer.unpinned();
        List<String> asserts = new ArrayList<>(fresh.renderAsserts(step, node));
        // a check step's statements are queries whose rows are problems, not SQL to apply
        fresh.render(step, node).forEach(s -> asserts.add(s.sql()));
        return new NodeWork(step, node, List.of(), settings, fresh.renderCheck(step, node), List.copyOf(asserts), Map.of(),
                rerun, Map.of());
    }

    @Override
    public Optional<List<RenderedStatement>> fingerprint(Step step, Node node, SqlRenderer renderer) {
        return Optional.empty();
    }

    /** Asks again on every attempt, a resumed one too: nothing of it was sent. */
    @Override
    public NodeState apply(NodeWork work, Services services) {
        return services.applier().apply(work, true);
    }

    @Override
    public boolean preflight() {
        return true;
    }

    @Override
    public boolean changesCluster() {
        return false;
    }
}

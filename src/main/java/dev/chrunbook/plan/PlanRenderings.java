package dev.chrunbook.plan;

import dev.chrunbook.apply.NodeWork;
import dev.chrunbook.render.MissingObjectException;

import dev.chrunbook.ChrunbookException;
import dev.chrunbook.runbook.Step;
import dev.chrunbook.Node;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Renders steps in runbook order for plan, dry-run and run. A step built from a table that is not there
 * yet is shown as "rendered when it runs" when an earlier step's SQL names that table (creates or
 * renames it); a table nothing creates is an error naming it and the node.
 */
public final class PlanRenderings {
    private final WorkPlanner planner;
    private final StringBuilder earlierSql = new StringBuilder();
    private String why = "";

    public PlanRenderings(WorkPlanner planner) {
        this.planner = planner;
    }

    /** The step's work, or empty with {@link #why} set when it can only be rendered when its turn comes. */
    public Optional<Map<Node, NodeWork>> render(Step step, List<Node> nodes, boolean rerun) {
        try {
            Map<Node, NodeWork> work = planner.render(step, nodes, rerun);
            work.values().forEach(w -> w.statements().forEach(s -> earlierSql.append(s.sql()).append('\n')));
            return Optional.of(work);
        } catch (ChrunbookException e) {
            Optional<MissingObjectException> missing = MissingObjectException.in(e);
            if (missing.isPresent() && earlierSql.indexOf(missing.get().quotedName()) >= 0) {
                why = missing.get().quotedName() + " does not exist yet; an earlier step creates it, so this step is rendered when it runs";
                return Optional.empty();
            }
            throw e;
        }
    }

    public String why() {
        return why;
    }
}

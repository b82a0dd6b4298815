package dev.chrunbook.kinds;

import dev.chrunbook.Node;
import dev.chrunbook.apply.NodeWork;
import dev.chrunbook.render.RenderedStatement;
import dev.chrunbook.render.SqlRenderer;
import dev.chrunbook.runbook.Step;
import dev.chrunbook.runbook.StepFields;
import dev.chrunbook.state.NodeState;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a step does, one class per kind: the YAML fields it reads ({@link StepFields}), its work
 * on a node, the fingerprint drift is judged by, how it applies (reattach included), and its part
 * in {@code check} and {@code rollback}. Planner, validator, drift check, check command and rollback
 * ask the kind; none of them branches on which kind it is. A new kind is a class registered in
 * {@link Kinds}.
 */
public interface StepKind extends StepFields {

    /**
     * The step's work on one node, rendered in full before anything is sent: input errors (a template,
     * a parameter) surface here.
     *
     * @param settings the ClickHouse settings its statements are sent with (runbook's, then the step's)
     */
    NodeWork work(Step step, Node node, SqlRenderer renderer, Map<String, String> settings, boolean rerun);

    /**
     * What the checksums a node recorded for this step are compared with; empty when the step is not
     * held to what it ran (it only reads, and reads anew each time).
     */
    Optional<List<RenderedStatement>> fingerprint(Step step, Node node, SqlRenderer renderer);

    /** Runs the work on its node, resolving first what an earlier, interrupted run left behind. */
    NodeState apply(NodeWork work, Services services);

    /** What the step finds wrong, changing nothing ({@code chrunbook check}). */
    Verdict check(NodeWork work, Services.Probes probes);

    /**
     * What plan and dry-run show of a node's work besides its statements (a chunked copy's chunks),
     * read-only; {@code state} is the node's state when the step ran before.
     */
    default List<String> preview(NodeWork work, Services.Probes probes, NodeState state) {
        return List.of();
    }

    /**
     * What {@code estimate} sizes of a node's work: the table the step copies, or rewrites in place, in
     * bulk. Empty for the kinds whose cost does not grow with a table ({@link #bulky} says which).
     */
    default Optional<Bulk> bulk(NodeWork work) {
        return Optional.empty();
    }

    /** Whether {@link #bulk} says something for this kind: {@code estimate} renders only those steps. */
    default boolean bulky() {
        return false;
    }

    /** The Kafka consumer groups a node's work names, for the dashboard's lag view; none for most kinds. */
    default List<Group> consumerGroups(NodeWork work) {
        return List.of();
    }

    /** Whether {@link #consumerGroups} says something for this kind: the dashboard renders only those steps. */
    default boolean namesGroups() {
        return false;
    }

    /** @param role whose group it is, as the dashboard shows it ("main ingestion", "step catch-up-lag") */
    record Group(String brokers, String topic, String group, String role) {
    }

    /** @param copies the table is copied into another (else rewritten where it is, as a dedupe does) */
    record Bulk(String table, boolean copies) {
    }

    /** A step of this kind may open the runbook as part of its preflight (what {@code check} runs by default). */
    boolean preflight();

    /**
     * It changes the cluster: a started step of this kind blocks rolling back the steps before it. One
     * that does not (a check, a verify, a wait on lag) may be run round after round ({@code run --repeat}).
     */
    boolean changesCluster();

    /**
     * The outcome of {@link #check}.
     *
     * @param where    the node or service the check ran against, as shown
     * @param problems empty when all is well
     */
    record Verdict(String where, Optional<String> problems) {
    }
}

package dev.chrunbook.kinds;

import dev.chrunbook.Node;
import dev.chrunbook.apply.NodeWork;
import dev.chrunbook.apply.QueryIds;
import dev.chrunbook.clickhouse.ClickHouseException;
import dev.chrunbook.kafka.KafkaException;
import dev.chrunbook.render.RenderedStatement;
import dev.chrunbook.render.SqlRenderer;
import dev.chrunbook.runbook.RunbookLoader;
import dev.chrunbook.runbook.Step;
import dev.chrunbook.runbook.YamlFields;
import dev.chrunbook.state.NodeState;
import dev.chrunbook.state.StateStore;
import dev.chrunbook.state.StatementState;
import dev.chrunbook.state.Status;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the kinds chrunbook does itself share: parameters in one YAML block, declared once with their
 * types and defaults ({@link ParamBlock}; FreeMarker text, rendered per node and checked before
 * anything runs), a fingerprint of them for drift, and the lifecycle of an attempt ({@link #apply}).
 * A kind says what it does ({@link #run}), not how it is recorded.
 */
abstract class BuiltInKind implements StepKind {

    private final ParamBlock block;

    /** @param block the YAML block the parameters live in: its keys, types, defaults and required keys */
    BuiltInKind(ParamBlock block) {
        this.block = block;
    }

    /** Input errors the types alone do not catch (validate, plan, run), before anything runs. */
    void checkParams(Step step, ParamBlock.Values values) {
    }

    /** The block as declared (KindsTest holds the JSON Schema to it). */
    ParamBlock block() {
        return block;
    }

    /** A node's parameters, checked against their types, to build the kind's settings record from. */
    ParamBlock.Values values(NodeWork work) {
        return block.read(work.step(), work.params());
    }

    @Override
    public Set<String> keys() {
        return Set.of(block.name());
    }

    @Override
    public Step.Body read(YamlFields s, String id) {
        YamlFields fields = s.nested(block.name());
        if (fields == null) {
            throw s.errorAt("kind", "step '" + id + "' (kind " + name() + ") needs a '" + block.name() + ":' block with "
                    + String.join(", ", block.requiredKeys()));
        }
        fields.onlyKeys(block.keys());
        block.requiredKeys().forEach(fields::requiredString);
        return Step.Body.ofParams(block.name(), RunbookLoader.ordered(fields.scalarMap(null)));
    }

    @Override
    public NodeWork work(Step step, Node node, SqlRenderer renderer, Map<String, String> settings, boolean rerun) {
        Map<String, String> params = renderer.renderParams(step, node);
        checkParams(step, block.read(step, params));
        return new NodeWork(step, node, List.of(), settings, Optional.empty(), List.of(), params, rerun, Map.of());
    }

    @Override
    public Optional<List<RenderedStatement>> fingerprint(Step step, Node node, SqlRenderer renderer) {
        return Optional.of(List.of(fingerprint(drifting(renderer.renderParams(step, node)))));
    }

    /** Those of {@code params} named in {@code keys}, in that order: what a kind's drift fingerprint covers. */
    static Map<String, String> only(Map<String, String> params, List<String> keys) {
        Map<String, String> kept = new java.util.LinkedHashMap<>();
        for (String key : keys) {
            if (params.containsKey(key)) {
                kept.put(key, params.get(key));
            }
        }
        return kept;
    }

    /** The parameters a change of which means the step did something else: all of them, unless a kind says otherwise. */
    Map<String, String> drifting(Map<String, String> params) {
        return params;
    }

    /** What a built-in step "ran", for drift detection: its rendered parameters in key order. */
    static RenderedStatement fingerprint(Map<String, String> params) {
        return RenderedStatement.of(new TreeMap<>(params).toString());
    }

    @Override
    public Verdict check(NodeWork work, Services.Probes probes) {
        return new Verdict(work.node().id(), Optional.empty());
    }

    @Override
    public boolean preflight() {
        return false;
    }

    /**
     * The lifecycle every built-in kind shares, written once: the attempt started (or the interrupted one
     * resumed), the kind's {@link #run}, its {@link Outcome} recorded and the listener told. A server or
     * Kafka error ends the node failed, naming the step and node; an interrupt leaves the state as it
     * is for the next run.
     */
    @Override
    public final NodeState apply(NodeWork work, Services services) {
        StateStore store = services.store();
        store.update(work.step().id(), work.node().id(),
                s -> s.status() == Status.RUNNING ? s.resume() : s.startAttempt(store.clock().instant()));
        Outcome ran;
        try {
            ran = run(work, services);
        } catch (ClickHouseException e) {
            ran = Outcome.failed("step '" + work.step().id() + "' on " + work.node().id() + ": " + e.getMessage());
        } catch (KafkaException e) {
            ran = Outcome.failed("Kafka: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return store.node(work.step().id(), work.node().id());
        }
        Outcome outcome = ran;
        if (outcome.kind() == Outcome.Kind.DONE) {
            recordDone(store, work, outcome.rows());
        }
        java.time.Instant now = store.clock().instant();
        NodeState end = store.update(work.step().id(), work.node().id(), s -> switch (outcome.kind()) {
            case DONE -> s.finish(Status.DONE, now, null, outcome.message());
            case REFUSED -> s.failVerification(now, outcome.message());
            case FAILED, CANCELLED -> s.finish(Status.FAILED, now, outcome.message(), null);
        });
        services.listener().nodeFinished(work.step(), work.node(), end);
        return end;
    }

    /** The kind's work on a node, from a started (or resumed) attempt to what it came to. */
    abstract Outcome run(NodeWork work, Services services) throws InterruptedException;

    /**
     * What a built-in step "ran", kept as its one statement: the fingerprint of its parameters (for
     * drift) and a count (offsets committed, lag, rows compared).
     */
    private void recordDone(StateStore store, NodeWork work, long rows) {
        String checksum = fingerprint(drifting(work.params())).checksum();
        int attempt = store.node(work.step().id(), work.node().id()).attempts();
        String id = QueryIds.of(store.state().runId(), work.step().id(), work.node(), attempt, 1);
        Instant at = store.clock().instant();
        store.update(work.step().id(), work.node().id(),
                s -> s.withStatement(StatementState.sent(1, id, checksum, at).finished(StatementState.Outcome.DONE, null, rows, null, at)));
    }
}

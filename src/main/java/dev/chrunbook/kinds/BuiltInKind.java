package dev.chrunbook.kinds;

import dev.chrunbook.ChrunbookException;
import dev.chrunbook.Node;
import dev.chrunbook.apply.NodeWork;
import dev.chrunbook.apply.QueryIds;
import dev.chrunbook.render.RenderedStatement;
import dev.chrunbook.render.SqlRenderer;
import dev.chrunbook.runbook.DurationText;
import dev.chrunbook.runbook.RunbookLoader;
import dev.chrunbook.runbook.Step;
import dev.chrunbook.runbook.YamlFields;
import dev.chrunbook.state.NodeState;
import dev.chrunbook.state.StateStore;
import dev.chrunbook.state.StatementState;
import dev.chrunbook.state.Status;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the kinds chrunbook does itself share: parameters in one YAML block (FreeMarker text,
 * rendered per node and checked before anything runs), a fingerprint of them for drift, and the
 * record of what they "ran".
 */
abstract class BuiltInKind implements StepKind {

    private final String block;
    private final Set<String> paramKeys;
    private final List<String> required;

    /**
     * @param block     the YAML block the parameters live in
     * @param paramKeys the keys the block may hold
     * @param required  the keys it must hold
     */
    BuiltInKind(String block, Set<String> paramKeys, List<String> required) {
        this.block = block;
        this.paramKeys = paramKeys;
        this.required = required;
    }

    /** Input errors in the rendered parameters (validate, plan, run), before anything runs. */
    abstract void checkParams(Step step, Map<String, String> params);

    @Override
    public Set<String> keys() {
        return Set.of(block);
    }

    @Override
    public Step.Body read(YamlFields s, String id) {
        YamlFields fields = s.nested(block);
        if (fields == null) {
            throw s.errorAt("kind", "step '" + id + "' (kind " + name() + ") needs a '" + block + ":' block with "
                    + String.join(", ", required));
        }
        fields.onlyKeys(paramKeys);
        required.forEach(fields::requiredString);
        return Step.Body.ofParams(block, RunbookLoader.ordered(fields.scalarMap(null)));
    }

    @Override
    public NodeWork work(Step step, Node node, SqlRenderer renderer, Map<String, String> settings, boolean rerun) {
        Map<String, String> params = renderer.renderParams(step, node);
        checkParams(step, params);
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

    /** A new attempt, or the interrupted one resumed. */
    static void start(NodeWork work, StateStore store) {
        store.update(work.step().id(), work.node().id(),
                s -> s.status() == Status.RUNNING ? s.resume() : s.startAttempt(store.clock().instant()));
    }

    /**
     * What a built-in step "ran", kept as its one statement: the fingerprint of its parameters (for
     * drift) and a count (offsets committed, lag, rows compared).
     */
    void recordDone(StateStore store, NodeWork work, long rows) {
        String checksum = fingerprint(drifting(work.params())).checksum();
        int attempt = store.node(work.step().id(), work.node().id()).attempts();
        String id = QueryIds.of(store.state().runId(), work.step().id(), work.node(), attempt, 1);
        Instant at = store.clock().instant();
        store.update(work.step().id(), work.node().id(),
                s -> s.withStatement(StatementState.sent(1, id, checksum, at).finished(StatementState.Outcome.DONE, null, rows, null, at)));
    }

    static NodeState finish(NodeWork work, Services services, NodeState state) {
        services.listener().nodeFinished(work.step(), work.node(), state);
        return state;
    }

    static Duration duration(String text, Duration fallback) {
        if (text == null || text.isBlank()) {
            return fallback;
        }
        return DurationText.parse(text).orElseThrow(() -> ChrunbookException.invalidInput(
                "'" + text + "' is not a duration like 90s, 30m or 2h"));
    }

    /** Each of {@code keys} of the rendered parameters, when present, is a whole number. */
    void checkWholeNumbers(Step step, Map<String, String> params, List<String> keys) {
        for (String key : keys) {
            String v = params.get(key);
            if (v != null && !v.matches("\\d{1,18}")) {
                throw ChrunbookException.invalidInput("step '" + step.id() + "' " + block + "." + key + ": '" + v + "' is not a whole number");
            }
        }
    }

    /** A whole-number parameter (checked by {@link #checkWholeNumbers}), or the fallback when absent. */
    static long number(Map<String, String> params, String key, long fallback) {
        String v = params.get(key);
        return v == null || v.isBlank() ? fallback : Long.parseLong(v);
    }

    /** Each of {@code keys} of the rendered parameters, when present, is a duration. */
    void checkDurations(Step step, Map<String, String> params, List<String> keys) {
        for (String key : keys) {
            try {
                duration(params.get(key), Duration.ZERO);
            } catch (ChrunbookException e) {
                throw ChrunbookException.invalidInput("step '" + step.id() + "' " + block + "." + key + ": " + e.getMessage());
            }
        }
    }
}

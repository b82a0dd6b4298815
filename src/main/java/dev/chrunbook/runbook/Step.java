package dev.chrunbook.runbook;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One step of a runbook: what it does (the name of its kind), the nodes it runs on, the rails
 * around it, and the fields its kind read ({@link Body}).
 *
 * @param expect      FreeMarker text, rendered per node, that plan and dry-run print under the step: what it
 *                    will do on this topology and what to expect of it (the cut-over and its pause); "" for none
 * @param kind        the name of its kind (sql, check, kafka-lag, ...); its behaviour lives in dev.chrunbook.kinds
 * @param pauseBefore the step does not start under --to/--all or as the next pending step: only when named with --step
 * @param vars        values for this step's templates only, over the runbook's vars
 * @param rollback    template file of the compensating SQL ({@code chrunbook rollback}); null when none
 * @param line        1-based line of the step in the runbook file, for messages
 */
public record Step(
        String id,
        String description,
        String expect,
        String kind,
        Target on,
        Map<String, String> settings,
        boolean confirm,
        boolean pauseBefore,
        Optional<Duration> timeout,
        Map<String, Object> vars,
        String rollback,
        boolean keepsRollback,
        int line,
        Body body) {

    /** The kind whose SQL a compensating step runs. */
    public static final String SQL_KIND = "sql";

    /**
     * The fields a step's kind reads from its YAML.
     *
     * @param template     template file name, resolved in the runbook's folder, then in templates/; null when inline
     * @param sql          inline FreeMarker SQL; null when a template file is named or the step has none
     * @param asserts      queries run first on each node; every row they return is a problem (exit 4)
     * @param waitFor      keep re-running the asserts until they return no rows, for at most this long
     * @param check        optional SQL whose truthy first value means the step's effect already exists
     * @param dropUnknownSettings send only the settings the node's server knows (system.settings)
     * @param paramsBlock  the YAML block a built-in kind's parameters come from (kafka, replicas); null when none
     * @param params       parameters of built-in kinds, FreeMarker text
     */
    public record Body(String template, String sql, List<String> asserts, Optional<Duration> waitFor, String check,
                       boolean dropUnknownSettings, String paramsBlock, Map<String, String> params) {

        public static Body ofTemplate(String template) {
            return new Body(template, null, List.of(), Optional.empty(), null, false, null, Map.of());
        }

        public static Body ofParams(String block, Map<String, String> params) {
            return new Body(null, null, List.of(), Optional.empty(), null, false, block, params);
        }
    }

    public String template() {
        return body.template();
    }

    public String sql() {
        return body.sql();
    }

    public List<String> asserts() {
        return body.asserts();
    }

    public Optional<Duration> waitFor() {
        return body.waitFor();
    }

    public String check() {
        return body.check();
    }

    public boolean dropUnknownSettings() {
        return body.dropUnknownSettings();
    }

    public Map<String, String> params() {
        return body.params();
    }

    /** The FreeMarker source name used in error messages and the template cache. */
    public String sourceName() {
        return template() != null ? template() : "step '" + id + "' (inline sql)";
    }

    /** The compensating step: the rollback template run on this step's nodes, with its own state and query ids. */
    public Step rollbackStep() {
        return new Step(id + "-rollback", "undo " + id, "", SQL_KIND, on, settings, true, false, timeout, vars, null, false, line,
                Body.ofTemplate(rollback));
    }

    public boolean hasStatements() {
        return template() != null || sql() != null;
    }
}

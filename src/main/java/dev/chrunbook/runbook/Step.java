package dev.chrunbook.runbook;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One step of a runbook: what it does (kind), its SQL (a template file or inline), the nodes it
 * runs on and the rails around it.
 *
 * @param template     template file name, resolved in the runbook's folder, then in templates/; null when inline
 * @param sql          inline FreeMarker SQL; null when a template file is named or the step has none
 * @param asserts      queries run first on each node; every row they return is a problem (exit 4)
 * @param waitFor      keep re-running the asserts until they return no rows, for at most this long
 * @param check        optional SQL whose truthy first value means the step's effect already exists
 * @param pauseBefore  the step does not start under --to/--all or as the next pending step: only when named with --step
 * @param dropUnknownSettings send only the settings the node's server knows (system.settings)
 * @param params       parameters of built-in kinds (kafka-*), FreeMarker text
 * @param vars         values for this step's templates only, over the runbook's vars
 * @param rollback     template file of the compensating SQL ({@code chrunbook rollback}); null when none
 * @param line         1-based line of the step in the runbook file, for messages
 */
public record Step(
        String id,
        String description,
        StepKind kind,
        String template,
        String sql,
        Target on,
        Map<String, String> settings,
        List<String> asserts,
        Optional<Duration> waitFor,
        String check,
        boolean confirm,
        boolean pauseBefore,
        Optional<Duration> timeout,
        boolean dropUnknownSettings,
        Map<String, String> params,
        Map<String, Object> vars,
        String rollback,
        int line) {

    /** True for steps whose rendered statements are queries to check rather than SQL to apply. */
    public boolean isCheck() {
        return kind == StepKind.CHECK;
    }

    /** The FreeMarker source name used in error messages and the template cache. */
    public String sourceName() {
        return template != null ? template : "step '" + id + "' (inline sql)";
    }

    /** The compensating step: the rollback template run on this step's nodes, with its own state and query ids. */
    public Step rollbackStep() {
        return new Step(id + "-rollback", "undo " + id, StepKind.SQL, rollback, null, on, settings, List.of(),
                Optional.empty(), null, true, false, timeout, false, Map.of(), vars, null, line);
    }

    public boolean hasStatements() {
        return template != null || sql != null;
    }
}

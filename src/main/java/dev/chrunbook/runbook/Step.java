package dev.chrunbook.runbook;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * One step of a runbook: SQL (a template file or inline) and the nodes it runs on.
 *
 * @param template template file name, resolved in the runbook's folder, then in templates/; null when inline
 * @param sql      inline FreeMarker SQL; null when a template file is named
 * @param check    optional SQL whose truthy first value means the step's effect already exists
 * @param line     1-based line of the step in the runbook file, for messages
 */
public record Step(
        String id,
        String description,
        String template,
        String sql,
        Target on,
        Map<String, String> settings,
        String check,
        boolean confirm,
        Optional<Duration> timeout,
        int line) {

    /** The FreeMarker source name used in error messages and the template cache. */
    public String sourceName() {
        return template != null ? template : "step '" + id + "' (inline sql)";
    }
}

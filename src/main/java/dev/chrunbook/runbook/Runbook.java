package dev.chrunbook.runbook;

import dev.chrunbook.ChrunbookException;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A loaded, validated runbook.
 *
 * @param vars     values visible to every template (after --set overrides)
 * @param settings default per-query ClickHouse settings of every step
 * @param file     the YAML file it came from; its folder is searched first for templates
 */
public record Runbook(
        String name,
        String cluster,
        String database,
        Map<String, Object> vars,
        Map<String, String> settings,
        List<Step> steps,
        Path file,
        List<Hook> hooks) {

    public Runbook(String name, String cluster, String database, Map<String, Object> vars, Map<String, String> settings,
                   List<Step> steps, Path file) {
        this(name, cluster, database, vars, settings, steps, file, List.of());
    }

    public Step step(String id) {
        return steps.stream().filter(s -> s.id().equals(id)).findFirst()
                .orElseThrow(() -> ChrunbookException.invalidInput(
                        "no step '" + id + "' in " + file + " (steps: " + stepIds() + ")"));
    }

    public int indexOf(Step step) {
        return steps.indexOf(step);
    }

    public String stepIds() {
        return String.join(", ", steps.stream().map(Step::id).toList());
    }

    public Path folder() {
        Path parent = file.toAbsolutePath().getParent();
        return parent != null ? parent : Path.of(".");
    }
}

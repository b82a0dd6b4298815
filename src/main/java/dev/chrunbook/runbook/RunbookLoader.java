package dev.chrunbook.runbook;

import dev.chrunbook.ChrunbookException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a runbook YAML file into a {@link Runbook}, rejecting anything malformed with file:line. */
public final class RunbookLoader {
    /** Names the engine puts into every template's model; a var may not shadow them. */
    public static final Set<String> RESERVED_NAMES =
            Set.of("node", "runbook", "run_id", "cluster", "database", "step", "settings",
                    "ident", "lit", "sql", "table_columns", "step_started", "step_finished", "free_disk_bytes",
                    "server_setting", "staging_table", "added_later", "mirror", "table_clause", "schema_differences",
                    "remember_definition");

    private static final Set<String> TOP_KEYS =
            Set.of("name", "description", "cluster", "database", "vars", "settings", "steps");
    private static final Set<String> STEP_KEYS =
            Set.of("id", "description", "kind", "template", "sql", "on", "settings", "assert", "wait", "check", "confirm",
                    "timeout", "drop_unknown_settings", "kafka", "replicas", "vars", "pause_before", "rollback");
    private static final Set<String> REPLICA_KEYS = Set.of("table", "ingested_column", "before_step_start", "margin", "timeout");
    private static final Set<String> KAFKA_KEYS =
            Set.of("brokers", "topic", "group", "at_step_start", "past_step_start", "margin", "max_lag", "stable_for", "timeout", "must_exist", "must_not_exist");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern STEP_ID = Pattern.compile("[a-z0-9][a-z0-9_-]*");
    private static final Pattern SETTING = Pattern.compile("[a-z][a-z0-9_]*");
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

    public Runbook load(Path file, Map<String, String> overrides) {
        YamlFields top = YamlFields.parse(file).onlyKeys(TOP_KEYS);
        String name = matching(top, "name", NAME, "letters, digits, '_', '.', '-'");
        String cluster = matching(top, "cluster", IDENTIFIER, "a ClickHouse cluster name as in system.clusters");
        String database = matching(top, "database", IDENTIFIER, "a plain identifier");
        Map<String, Object> vars = vars(top, overrides);
        Map<String, String> settings = settings(top);
        List<YamlFields> stepNodes = top.mappingList("steps");
        if (stepNodes.isEmpty()) {
            throw top.errorAt("steps", "a runbook needs at least one step under 'steps:'");
        }
        List<Step> steps = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (YamlFields s : stepNodes) {
            Step step = step(s);
            if (!ids.add(step.id())) {
                throw s.errorAt("id", "duplicate step id '" + step.id() + "': step ids must be unique");
            }
            steps.add(step);
        }
        return new Runbook(name, cluster, database, vars, settings, List.copyOf(steps), file);
    }

    private static Step step(YamlFields s) {
        s.onlyKeys(STEP_KEYS);
        String id = matching(s, "id", STEP_ID, "lower-case letters, digits, '-', '_'");
        String template = s.optionalString("template", null);
        String sql = s.optionalString("sql", null);
        List<String> asserts = s.scalarList("assert");
        if (template != null && sql != null) {
            throw s.errorAt("sql", "step '" + id + "' needs exactly one of 'template' (a file) or 'sql' (inline)");
        }
        StepKind kind = kind(s, id, template != null || sql != null, !asserts.isEmpty());
        if (template != null && (template.contains("..") || template.startsWith("/"))) {
            throw s.errorAt("template", "step '" + id + "': template must be a file name in the runbook's folder or templates/, not '" + template + "'");
        }
        String onValue = s.requiredString("on");
        Target on = Target.fromYaml(onValue).orElseThrow(() -> s.errorAt("on",
                "step '" + id + "': unknown on: '" + onValue + "' (allowed: " + Target.allowed() + ")"));
        Map<String, String> settings = s.scalarMap("settings");
        checkSettingNames(s, settings);
        Map<String, String> params = Map.of();
        if (kind == StepKind.REPLICAS_AGREE) {
            YamlFields replicas = s.nested("replicas");
            if (replicas == null) {
                throw s.errorAt("kind", "step '" + id + "' (kind replicas-agree) needs a 'replicas:' block with table,"
                        + " ingested_column and before_step_start");
            }
            replicas.onlyKeys(REPLICA_KEYS);
            for (String required : List.of("table", "ingested_column", "before_step_start")) {
                replicas.requiredString(required);
            }
            params = ordered(replicas.scalarMap(null));
        } else if (s.has("replicas")) {
            throw s.errorAt("replicas", "step '" + id + "': a 'replicas:' block needs kind: replicas-agree");
        }
        if (kind.isKafka()) {
            YamlFields kafka = s.nested("kafka");
            if (kafka == null) {
                throw s.errorAt("kind", "step '" + id + "' (kind " + kind.yamlName() + ") needs a 'kafka:' block with brokers, topic and its group(s)");
            }
            kafka.onlyKeys(KAFKA_KEYS);
            for (String required : kind == StepKind.KAFKA_GROUPS ? List.of("brokers", "topic") : List.of("brokers", "topic", "group")) {
                kafka.requiredString(required);
            }
            params = ordered(kafka.scalarMap(null));
        } else if (s.has("kafka")) {
            throw s.errorAt("kafka", "step '" + id + "': a 'kafka:' block needs kind: kafka-offsets, kafka-lag or kafka-groups");
        }
        return new Step(id, s.optionalString("description", ""), kind, template, sql, on, ordered(settings),
                List.copyOf(asserts), duration(s, id, "wait"), s.optionalString("check", null),
                s.optionalBoolean("confirm", false), s.optionalBoolean("pause_before", false), duration(s, id, "timeout"),
                s.optionalBoolean("drop_unknown_settings", false), params, stepVars(s, id), rollback(s, id), s.line());
    }

    private static StepKind kind(YamlFields s, String id, boolean hasSql, boolean hasAsserts) {
        String value = s.optionalString("kind", null);
        StepKind kind;
        if (value == null) {
            kind = hasSql || !hasAsserts ? StepKind.SQL : StepKind.CHECK;
        } else {
            kind = StepKind.fromYaml(value).orElseThrow(() -> s.errorAt("kind",
                    "step '" + id + "': unknown kind '" + value + "' (allowed: " + StepKind.allowed() + ")"));
        }
        if (kind == StepKind.SQL && !hasSql) {
            throw s.errorAt("id", "step '" + id + "' needs exactly one of 'template' (a file) or 'sql' (inline)"
                    + (hasAsserts ? "" : ", or 'assert:' queries for a check step"));
        }
        if (kind == StepKind.CHECK && !hasAsserts && !hasSql) {
            throw s.errorAt("id", "step '" + id + "' (kind check) needs queries: 'assert:', 'sql' or 'template'");
        }
        if (kind.isBuiltIn() && (hasSql || hasAsserts)) {
            throw s.errorAt("kind", "step '" + id + "' (kind " + kind.yamlName() + ") takes no sql, template or assert");
        }
        return kind;
    }

    private static String rollback(YamlFields s, String id) {
        String file = s.optionalString("rollback", null);
        if (file != null && (file.contains("..") || file.startsWith("/"))) {
            throw s.errorAt("rollback", "step '" + id + "': rollback must be a template file name, not '" + file + "'");
        }
        return file;
    }

    private static Map<String, Object> stepVars(YamlFields s, String id) {
        Map<String, Object> vars = s.valueMap("vars");
        for (String key : vars.keySet()) {
            if (!IDENTIFIER.matcher(key).matches() || RESERVED_NAMES.contains(key)) {
                throw s.errorAt("vars", "step '" + id + "': var name '" + key + "' must be a plain identifier and not reserved");
            }
        }
        return Map.copyOf(vars);
    }

    private static Optional<Duration> duration(YamlFields f, String id, String key) {
        String text = f.optionalString(key, null);
        if (text == null) {
            return Optional.empty();
        }
        return Optional.of(parseDuration(text).orElseThrow(() -> f.errorAt(key,
                "step '" + id + "': " + key + " '" + text + "' is not a duration like 90s, 30m or 2h")));
    }

    private static Map<String, Object> vars(YamlFields top, Map<String, String> overrides) {
        Map<String, Object> vars = top.valueMap("vars");
        for (String key : vars.keySet()) {
            if (!IDENTIFIER.matcher(key).matches()) {
                throw top.errorAt("vars", "var name '" + key + "' must be a plain identifier (letters, digits, '_')");
            }
            if (RESERVED_NAMES.contains(key)) {
                throw top.errorAt("vars", "var name '" + key + "' is reserved (built-in: "
                        + String.join(", ", RESERVED_NAMES.stream().sorted().toList()) + ")");
            }
        }
        Map<String, Object> merged = new LinkedHashMap<>(vars);
        overrides.forEach((k, v) -> {
            if (!vars.containsKey(k)) {
                throw ChrunbookException.invalidInput("--set " + ChrunbookException.shown(k) + ": no such var in " + top.file()
                        + " (vars: " + String.join(", ", vars.keySet()) + "); declare it under 'vars:' first");
            }
            merged.put(k, typed(k, vars.get(k), v));
        });
        return merged;
    }

    /** An override keeps the declared var's type: a number stays a number, a boolean a boolean. */
    private static Object typed(String key, Object declared, String value) {
        String shown = ChrunbookException.shown(value);
        try {
            if (declared instanceof Long) {
                if (!value.matches("-?[0-9]{1,18}")) {
                    throw new NumberFormatException();
                }
                return Long.parseLong(value);
            }
            if (declared instanceof Double) {
                if (!value.matches("-?[0-9]{1,18}(\\.[0-9]{1,18})?")) {
                    throw new NumberFormatException();
                }
                return Double.parseDouble(value);
            }
        } catch (NumberFormatException e) {
            throw ChrunbookException.invalidInput("--set " + key + "=" + shown + ": var '" + key + "' is a decimal number");
        }
        if (declared instanceof Boolean) {
            if (!value.equals("true") && !value.equals("false")) {
                throw ChrunbookException.invalidInput("--set " + key + "=" + shown + ": var '" + key + "' is true or false");
            }
            return Boolean.parseBoolean(value);
        }
        return value;
    }

    private static Map<String, String> settings(YamlFields top) {
        Map<String, String> settings = top.scalarMap("settings");
        checkSettingNames(top, settings);
        return ordered(settings);
    }

    /** Read-only, in the order the file gives them: plan output follows the runbook. */
    private static <V> Map<String, V> ordered(Map<String, V> map) {
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    private static void checkSettingNames(YamlFields where, Map<String, String> settings) {
        settings.forEach((k, v) -> {
            if (!SETTING.matcher(k).matches()) {
                throw where.errorAt("settings", "setting name '" + k + "' is not a ClickHouse setting name");
            }
            if (v == null || v.isEmpty()) {
                throw where.errorAt("settings", "setting '" + k + "' needs a value");
            }
        });
    }

    private static String matching(YamlFields f, String key, Pattern p, String expected) {
        String v = f.requiredString(key);
        if (!p.matcher(v).matches()) {
            throw f.errorAt(key, "field '" + key + "' is '" + v + "', expected " + expected);
        }
        return v;
    }

    public static Optional<Duration> parseDuration(String text) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches() || m.group(1).length() > 9) {
            return Optional.empty(); // more than 9 digits is no duration anyone means
        }
        long n = Long.parseLong(m.group(1));
        return Optional.of(switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        });
    }
}

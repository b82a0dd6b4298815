package dev.chrunbook.runbook;

import dev.chrunbook.ChrunbookException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads a runbook YAML file into a {@link Runbook}, rejecting anything malformed with file:line. */
public final class RunbookLoader {
    private static final Set<String> TOP_KEYS =
            Set.of("name", "description", "cluster", "database", "vars", "settings", "steps", "hooks");
    /** The keys every step has; the rest belong to its kind. */
    private static final Set<String> COMMON_KEYS =
            Set.of("id", "description", "expect", "kind", "on", "settings", "confirm", "timeout", "vars", "pause_before", "rollback", "keeps_rollback");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern STEP_ID = Pattern.compile("[a-z0-9][a-z0-9_-]*");
    private static final Pattern SETTING = Pattern.compile("[a-z][a-z0-9_]*");

    private final StepCatalog kinds;
    private final Set<String> stepKeys = new HashSet<>(COMMON_KEYS);

    public RunbookLoader(StepCatalog kinds) {
        this.kinds = kinds;
        kinds.all().forEach(k -> stepKeys.addAll(k.keys()));
    }

    private static final Set<String> HOOK_KEYS = Set.of("on", "command", "url", "url_env", "url_file", "timeout", "required");

    /** The runbook's hooks: each names its events and one of command or url / url_env / url_file. */
    private static List<Hook> hooks(YamlFields top) {
        List<Hook> out = new ArrayList<>();
        for (YamlFields h : top.mappingList("hooks")) {
            h.onlyKeys(HOOK_KEYS);
            List<String> events = h.scalarList("on");
            if (events.isEmpty()) {
                throw h.errorAt("on", "a hook needs 'on:' with one or more of " + String.join(", ", Hook.EVENTS));
            }
            for (String e : events) {
                if (!Hook.EVENTS.contains(e)) {
                    throw h.errorAt("on", "hook event '" + e + "' is not one of " + String.join(", ", Hook.EVENTS));
                }
            }
            List<String> command = h.has("command") ? h.scalarList("command") : List.of();
            String url = h.optionalString("url", null);
            String urlEnv = h.optionalString("url_env", null);
            String urlFile = h.optionalString("url_file", null);
            long targets = (command.isEmpty() ? 0 : 1) + (url == null ? 0 : 1) + (urlEnv == null ? 0 : 1) + (urlFile == null ? 0 : 1);
            if (targets != 1) {
                throw h.errorAt(command.isEmpty() ? "on" : "command", "a hook runs one thing: give exactly one of command (a list:"
                        + " the program and its arguments), url, url_env or url_file (a Slack webhook's address is a secret: url_env or url_file)");
            }
            if (url != null && !url.matches("https?://\\S+")) {
                throw h.errorAt("url", "'" + url + "' is not an http(s) URL");
            }
            String timeoutText = h.optionalString("timeout", "10s");
            Duration timeout = DurationText.parse(timeoutText)
                    .orElseThrow(() -> h.errorAt("timeout", "'" + timeoutText + "' is not a duration (like 10s, 2m)"));
            boolean required = h.optionalBoolean("required", false);
            if (required && events.stream().noneMatch(e -> e.startsWith("before_"))) {
                throw h.errorAt("required", "only a before_* hook can be required: it blocks its step when it fails;"
                        + " the others only report");
            }
            out.add(new Hook(Set.copyOf(events), command, url, urlEnv, urlFile, timeout, required, h.line()));
        }
        return List.copyOf(out);
    }

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
        return new Runbook(name, cluster, database, vars, settings, List.copyOf(steps), file, hooks(top));
    }

    private Step step(YamlFields s) {
        s.onlyKeys(stepKeys);
        String id = matching(s, "id", STEP_ID, "lower-case letters, digits, '-', '_'");
        StepFields kind = kind(s, id);
        for (String key : s.keys()) {
            if (!COMMON_KEYS.contains(key) && !kind.keys().contains(key)) {
                throw s.errorAt(key, "step '" + id + "' (kind " + kind.name() + ") takes no '" + key + "'; it is a field of kind "
                        + String.join(", ", kinds.all().stream().filter(k -> k.keys().contains(key)).map(StepFields::name).toList()));
            }
        }
        Step.Body body = kind.read(s, id);
        String onValue = s.requiredString("on");
        Target on = Target.fromYaml(onValue).orElseThrow(() -> s.errorAt("on",
                "step '" + id + "': unknown on: '" + onValue + "' (allowed: " + Target.allowed() + ")"));
        Map<String, String> settings = s.scalarMap("settings");
        checkSettingNames(s, settings);
        return new Step(id, s.optionalString("description", ""), s.optionalString("expect", ""), kind.name(), on, ordered(settings),
                s.optionalBoolean("confirm", false), s.optionalBoolean("pause_before", false),
                DurationText.field(s, id, "timeout"), stepVars(s, id), rollback(s, id), s.optionalBoolean("keeps_rollback", false),
                s.line(), body);
    }

    private StepFields kind(YamlFields s, String id) {
        String value = s.optionalString("kind", null);
        if (value == null) {
            return kinds.inferred(s);
        }
        return kinds.named(value).orElseThrow(() -> s.errorAt("kind", "step '" + id + "': unknown kind '" + value
                + "' (allowed: " + String.join(", ", kinds.all().stream().map(StepFields::name).toList()) + ")"));
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
            if (!IDENTIFIER.matcher(key).matches() || TemplateNames.RESERVED.contains(key)) {
                throw s.errorAt("vars", "step '" + id + "': var name '" + key + "' must be a plain identifier and not reserved");
            }
        }
        return Map.copyOf(vars);
    }

    private static Map<String, Object> vars(YamlFields top, Map<String, String> overrides) {
        Map<String, Object> vars = top.valueMap("vars");
        for (String key : vars.keySet()) {
            if (!IDENTIFIER.matcher(key).matches()) {
                throw top.errorAt("vars", "var name '" + key + "' must be a plain identifier (letters, digits, '_')");
            }
            if (TemplateNames.RESERVED.contains(key)) {
                throw top.errorAt("vars", "var name '" + key + "' is reserved (built-in: "
                        + String.join(", ", TemplateNames.RESERVED.stream().sorted().toList()) + ")");
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
    public static <V> Map<String, V> ordered(Map<String, V> map) {
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
}

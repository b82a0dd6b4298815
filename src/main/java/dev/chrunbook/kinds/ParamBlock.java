package dev.chrunbook.kinds;

import dev.chrunbook.ChrunbookException;
import dev.chrunbook.runbook.DurationText;
import dev.chrunbook.runbook.Step;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A built-in kind's YAML block, declared once: each key with its type and its default, or required.
 * The loader takes its keys and required ones from here, validate/plan/run check each node's rendered
 * values against the types here, {@link Values} gives each kind's settings record its values with
 * the defaults here, and KindsTest holds the JSON Schema to it. A default is written nowhere else.
 */
final class ParamBlock {
    /** How a value is read. */
    enum Type { TEXT, WHOLE, DURATION, FLAG }

    /** One key: its type, its default (null: none), and whether the block must hold it. */
    record Param(String key, Type type, String fallback, boolean required) {
    }

    private final String name;
    private final Map<String, Param> params = new LinkedHashMap<>();

    private ParamBlock(String name) {
        this.name = name;
    }

    static ParamBlock named(String name) {
        return new ParamBlock(name);
    }

    private ParamBlock add(String key, Type type, String fallback, boolean required) {
        if (params.putIfAbsent(key, new Param(key, type, fallback, required)) != null) {
            throw new IllegalStateException(name + "." + key + " declared twice");
        }
        return this;
    }

    /** Text the block must hold. */
    ParamBlock required(String key) {
        return add(key, Type.TEXT, null, true);
    }

    /** Text, absent unless given. */
    ParamBlock text(String key) {
        return add(key, Type.TEXT, null, false);
    }

    ParamBlock text(String key, String fallback) {
        return add(key, Type.TEXT, fallback, false);
    }

    /** A whole number (0 and up). */
    ParamBlock whole(String key, long fallback) {
        return add(key, Type.WHOLE, String.valueOf(fallback), false);
    }

    /** A whole number, absent unless given. */
    ParamBlock whole(String key) {
        return add(key, Type.WHOLE, null, false);
    }

    /** A duration like 90s, 30m or 2h. */
    ParamBlock duration(String key, String fallback) {
        return add(key, Type.DURATION, fallback, false);
    }

    ParamBlock flag(String key, boolean fallback) {
        return add(key, Type.FLAG, String.valueOf(fallback), false);
    }

    /** The same keys, with those named required here too (the Kafka kinds share a block but not what each needs). */
    ParamBlock requiring(List<String> keys) {
        ParamBlock copy = new ParamBlock(name);
        params.values().forEach(p -> copy.params.put(p.key(), new Param(p.key(), p.type(), p.fallback(), p.required() || keys.contains(p.key()))));
        return copy;
    }

    /** A block of the same name with the same keys, to declare more on (a kind whose block extends another's). */
    ParamBlock copy() {
        ParamBlock copy = new ParamBlock(name);
        copy.params.putAll(params);
        return copy;
    }

    String name() {
        return name;
    }

    Set<String> keys() {
        return Collections.unmodifiableSet(params.keySet());
    }

    List<String> requiredKeys() {
        return params.values().stream().filter(Param::required).map(Param::key).toList();
    }

    List<Param> params() {
        return List.copyOf(params.values());
    }

    /**
     * A node's rendered values, checked: every whole number and duration given parses, or the step is
     * refused (exit 2) naming the block, the key and the value.
     */
    Values read(Step step, Map<String, String> rendered) {
        for (Map.Entry<String, String> e : rendered.entrySet()) {
            Param p = params.get(e.getKey());
            String v = e.getValue();
            if (p == null || v == null || v.isBlank()) {
                continue;
            }
            String where = "step '" + step.id() + "' " + name + "." + p.key() + ": '" + v + "' is not ";
            if (p.type() == Type.WHOLE && !v.matches("\\d{1,18}")) {
                throw ChrunbookException.invalidInput(where + "a whole number");
            }
            if (p.type() == Type.DURATION && DurationText.parse(v).isEmpty()) {
                throw ChrunbookException.invalidInput(where + "a duration like 90s, 30m or 2h");
            }
            if (p.type() == Type.FLAG && !v.equals("true") && !v.equals("false")) {
                throw ChrunbookException.invalidInput(where + "true or false");
            }
        }
        return new Values(this, rendered);
    }

    /** The values of one node's block, each read by its declared type with its declared default. */
    static final class Values {
        private final ParamBlock block;
        private final Map<String, String> rendered;

        private Values(ParamBlock block, Map<String, String> rendered) {
            this.block = block;
            this.rendered = rendered;
        }

        private Optional<String> raw(String key, Type type) {
            Param p = block.params.get(key);
            if (p == null || p.type() != type) {
                throw new IllegalStateException(block.name + "." + key + " is not declared as " + type);
            }
            String v = rendered.get(key);
            return Optional.ofNullable(v == null || v.isBlank() ? p.fallback() : v);
        }

        Optional<String> optional(String key) {
            return raw(key, Type.TEXT);
        }

        String text(String key) {
            return optional(key).orElse(null);
        }

        long whole(String key) {
            return raw(key, Type.WHOLE).map(Long::parseLong).orElse(0L);
        }

        Optional<Long> optionalWhole(String key) {
            return raw(key, Type.WHOLE).map(Long::parseLong);
        }

        Duration duration(String key) {
            return raw(key, Type.DURATION).flatMap(DurationText::parse).orElse(Duration.ZERO);
        }

        Optional<Duration> optionalDuration(String key) {
            return raw(key, Type.DURATION).flatMap(DurationText::parse);
        }

        boolean flag(String key) {
            return raw(key, Type.FLAG).map(Boolean::parseBoolean).orElse(false);
        }

        /** A comma-separated list, trimmed, empties dropped. */
        List<String> list(String key) {
            List<String> out = new ArrayList<>();
            for (String s : optional(key).orElse("").split(",")) {
                if (!s.isBlank()) {
                    out.add(s.strip());
                }
            }
            return out;
        }
    }
}

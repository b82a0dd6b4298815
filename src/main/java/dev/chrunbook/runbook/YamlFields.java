package dev.chrunbook.runbook;

import dev.chrunbook.ChrunbookException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Typed access to a YAML mapping that keeps line numbers, so every complaint about a runbook or
 * connection file names file:line and the field. Shared by the runbook and connection loaders.
 */
public final class YamlFields {
    /** The largest runbook or connection file read: larger ones are refused before parsing. */
    static final int MAX_BYTES = 1024 * 1024;

    private final Path file;
    private final MappingNode node;
    private final Map<String, NodeTuple> byKey = new LinkedHashMap<>();

    private YamlFields(Path file, MappingNode node) {
        this.file = file;
        this.node = node;
        for (NodeTuple t : node.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode key)) {
                throw error(t.getKeyNode(), "keys must be plain names");
            }
            if (byKey.put(key.getValue(), t) != null) {
                throw error(key, "duplicate key '" + key.getValue() + "'");
            }
        }
    }

    /** Parses a whole file whose top level must be a mapping. */
    public static YamlFields parse(Path file) {
        String text = InputFiles.text(file, MAX_BYTES);
        Node root;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            options.setMaxAliasesForCollections(20);
            options.setNestingDepthLimit(40);
            options.setAllowRecursiveKeys(false);
            options.setCodePointLimit(MAX_BYTES);
            java.util.Iterator<Node> documents = new Yaml(options).composeAll(new java.io.StringReader(text)).iterator();
            root = documents.hasNext() ? documents.next() : null;
            if (documents.hasNext()) {
                throw ChrunbookException.invalidInput(file + ": holds more than one YAML document ('---'); keep one");
            }
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() != null ? e.getProblemMark().getLine() + 1 : 0;
            throw ChrunbookException.invalidInput(file + ":" + line + ": invalid YAML: " + e.getProblem());
        } catch (ChrunbookException e) {
            throw e;
        } catch (RuntimeException e) {
            // SnakeYAML's limits (aliases, nesting, size) and recursion end here
            throw ChrunbookException.invalidInput(file + ": invalid YAML: " + ChrunbookException.shown(String.valueOf(e.getMessage()))
                    + " (aliases, nesting and size are limited)");
        } catch (StackOverflowError e) {
            throw ChrunbookException.invalidInput(file + ": invalid YAML: nested too deep");
        }
        if (root == null) {
            throw ChrunbookException.invalidInput(file + ":1: the file is empty");
        }
        if (!(root instanceof MappingNode m)) {
            throw ChrunbookException.invalidInput(file + ":" + line(root) + ": the top level must be a mapping of fields");
        }
        return new YamlFields(file, m);
    }

    public Path file() {
        return file;
    }

    public int line() {
        return line(node);
    }

    /** Rejects keys outside {@code allowed}: a typo must not be silently ignored. */
    public YamlFields onlyKeys(Set<String> allowed) {
        for (Map.Entry<String, NodeTuple> e : byKey.entrySet()) {
            if (!allowed.contains(e.getKey())) {
                throw error(e.getValue().getKeyNode(), "unknown field '" + e.getKey() + "' (allowed: "
                        + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        }
        return this;
    }

    /** The keys of this mapping, in file order. */
    public Set<String> keys() {
        return Collections.unmodifiableSet(byKey.keySet());
    }

    public boolean has(String key) {
        return byKey.containsKey(key);
    }

    public String requiredString(String key) {
        String v = optionalString(key, null);
        if (v == null || v.isBlank()) {
            throw ChrunbookException.invalidInput(file + ":" + line() + ": missing required field '" + key + "'");
        }
        return v;
    }

    public String optionalString(String key, String fallback) {
        NodeTuple t = byKey.get(key);
        if (t == null) {
            return fallback;
        }
        return scalar(key, t.getValueNode());
    }

    public boolean optionalBoolean(String key, boolean fallback) {
        NodeTuple t = byKey.get(key);
        if (t == null) {
            return fallback;
        }
        String v = scalar(key, t.getValueNode());
        return switch (v) {
            case "true", "yes" -> true;
            case "false", "no" -> false;
            default -> throw error(t.getValueNode(), "field '" + key + "' must be true or false, not '" + v + "'");
        };
    }

    public int optionalInt(String key, int fallback) {
        NodeTuple t = byKey.get(key);
        if (t == null) {
            return fallback;
        }
        String v = scalar(key, t.getValueNode());
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw error(t.getValueNode(), "field '" + key + "' must be a whole number, not '" + v + "'");
        }
    }

    /** A mapping of plain scalar values, e.g. settings; a null key means this mapping itself. */
    public Map<String, String> scalarMap(String key) {
        Map<String, String> out = new LinkedHashMap<>();
        NodeTuple t = key == null ? null : byKey.get(key);
        if (key != null && t == null) {
            return out;
        }
        YamlFields m = key == null ? this : mapping(key, t.getValueNode());
        for (Map.Entry<String, NodeTuple> e : m.byKey.entrySet()) {
            out.put(e.getKey(), m.scalar(key == null ? e.getKey() : key + "." + e.getKey(), e.getValue().getValueNode()));
        }
        return out;
    }

    /** A list of plain values, or a single value taken as a list of one. */
    public List<String> scalarList(String key) {
        NodeTuple t = byKey.get(key);
        List<String> out = new ArrayList<>();
        if (t == null) {
            return out;
        }
        if (t.getValueNode() instanceof SequenceNode seq) {
            int i = 0;
            for (Node item : seq.getValue()) {
                out.add(scalar(key + "[" + i++ + "]", item));
            }
        } else {
            out.add(scalar(key, t.getValueNode()));
        }
        return out;
    }

    /** A mapping of arbitrary values (scalars, lists, maps), e.g. template vars. */
    public Map<String, Object> valueMap(String key) {
        NodeTuple t = byKey.get(key);
        if (t == null) {
            return new LinkedHashMap<>();
        }
        YamlFields m = mapping(key, t.getValueNode());
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, NodeTuple> e : m.byKey.entrySet()) {
            out.put(e.getKey(), plain(e.getValue().getValueNode()));
        }
        return out;
    }

    public YamlFields nested(String key) {
        NodeTuple t = byKey.get(key);
        return t == null ? null : mapping(key, t.getValueNode());
    }

    /** A list whose items are mappings; a missing key gives an empty list. */
    public List<YamlFields> mappingList(String key) {
        NodeTuple t = byKey.get(key);
        List<YamlFields> out = new ArrayList<>();
        if (t == null) {
            return out;
        }
        if (!(t.getValueNode() instanceof SequenceNode seq)) {
            throw error(t.getValueNode(), "field '" + key + "' must be a list");
        }
        int i = 0;
        for (Node item : seq.getValue()) {
            out.add(mapping(key + "[" + i++ + "]", item));
        }
        return out;
    }

    /** An input error pointing at the value of {@code key}. */
    public ChrunbookException errorAt(String key, String message) {
        NodeTuple t = byKey.get(key);
        return error(t == null ? node : t.getValueNode(), message);
    }

    private YamlFields mapping(String key, Node value) {
        if (!(value instanceof MappingNode m)) {
            throw error(value, "field '" + key + "' must be a mapping (key: value lines)");
        }
        return new YamlFields(file, m);
    }

    private String scalar(String key, Node value) {
        if (!(value instanceof ScalarNode s)) {
            throw error(value, "field '" + key + "' must be a single value, not a list or mapping");
        }
        return Tag.NULL.equals(s.getTag()) ? null : s.getValue();
    }

    private Object plain(Node value) {
        return plain(value, 0);
    }

    private Object plain(Node value, int depth) {
        if (depth > 20) {
            throw error(value, "a var nests deeper than 20 levels (or an alias refers to itself)");
        }
        if (value instanceof ScalarNode s) {
            if (Tag.NULL.equals(s.getTag())) {
                throw error(s, "a var must have a value (write \"\" for an empty string)");
            }
            if (Tag.INT.equals(s.getTag()) || Tag.FLOAT.equals(s.getTag())) {
                return number(s);
            }
            if (Tag.BOOL.equals(s.getTag())) {
                return Boolean.parseBoolean(s.getValue());
            }
            return s.getValue();
        }
        if (value instanceof SequenceNode seq) {
            return seq.getValue().stream().map(v -> plain(v, depth + 1)).toList();
        }
        MappingNode m = (MappingNode) value;
        Map<String, Object> out = new LinkedHashMap<>();
        for (NodeTuple t : m.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode key)) {
                throw error(t.getKeyNode(), "keys must be plain names");
            }
            out.put(key.getValue(), plain(t.getValueNode(), depth + 1));
        }
        return out;
    }

    private static final java.util.regex.Pattern DECIMAL = java.util.regex.Pattern.compile("[-+]?(0|[1-9][0-9]{0,17})");
    private static final java.util.regex.Pattern FRACTION = java.util.regex.Pattern.compile("[-+]?[0-9]{1,18}\\.[0-9]{1,18}([eE][-+]?[0-9]{1,3})?");

    /** Numbers as a reader expects them: decimal, at most 18 digits; no 0x1F, 1:30, .inf or .nan. */
    private Object number(ScalarNode s) {
        String v = s.getValue().replace("_", "");
        if (DECIMAL.matcher(v).matches()) {
            return Long.parseLong(v);
        }
        if (FRACTION.matcher(v).matches()) {
            return Double.parseDouble(v);
        }
        throw error(s, "the number " + ChrunbookException.shown(s.getValue()) + " is not a plain decimal number of at most 18 digits;"
                + " quote it to make it text");
    }

    private ChrunbookException error(Node at, String message) {
        return ChrunbookException.invalidInput(file + ":" + line(at) + ": " + message);
    }

    private static int line(Node n) {
        return n.getStartMark() == null ? 0 : n.getStartMark().getLine() + 1;
    }
}

package dev.chrunbook.render;

import dev.chrunbook.ddl.CreateQuery;
import dev.chrunbook.ddl.DdlException;
import dev.chrunbook.ddl.Fragment;
import dev.chrunbook.ddl.SchemaDiff;
import dev.chrunbook.ddl.StagingDerivation;
import dev.chrunbook.Node;
import dev.chrunbook.SqlQuoting;
import freemarker.template.TemplateBooleanModel;
import freemarker.template.TemplateHashModelEx;
import freemarker.template.TemplateMethodModelEx;
import freemarker.template.TemplateModel;
import freemarker.template.TemplateModelException;
import freemarker.template.TemplateModelIterator;
import freemarker.template.TemplateNumberModel;
import freemarker.template.TemplateScalarModel;
import freemarker.template.TemplateSequenceModel;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Template functions that build SQL from the cluster's own definitions (system.tables): the
 * staging table derived from the source, mirrors of the ingestion objects, a clause of a table,
 * and the differences between two tables. Offline they render a placeholder that says so.
 */
final class DefinitionFunctions {
    private static final Set<String> STAGING_KEYS = Set.of("name", "zookeeper_path", "order_by", "primary_key", "sample_by",
            "partition_by", "version_column", "if_not_exists", "on_cluster", "settings", "materialized");
    private static final Set<String> MIRROR_KEYS = Set.of("name", "on_cluster", "if_not_exists", "target", "replace_table",
            "distributed_table", "settings", "select", "from_step");

    private final NodeFacts facts;
    private final Node node;
    private final String stepId;

    /** @param stepId the step whose definitions are kept in the state; null reads the catalog as it is now (check steps) */
    DefinitionFunctions(NodeFacts facts, Node node, String stepId) {
        this.facts = facts;
        this.node = node;
        this.stepId = stepId;
    }

    void register(Map<String, Object> model) {
        model.put("staging_table", fn("staging_table(database, source, {name: ..., zookeeper_path: ..., order_by: ...})", 3, a -> {
            Map<String, Object> spec = hash(a.get(2), STAGING_KEYS, "staging_table");
            // runbook fragments are checked before anything is read, so validate refuses them too
            StagingDerivation.Spec derivation = new StagingDerivation.Spec(text(a.get(0)), required(spec, "name"),
                    optional(spec, "zookeeper_path"), fragment(spec, "order_by"), fragment(spec, "primary_key"),
                    fragment(spec, "sample_by"), fragment(spec, "partition_by"), optional(spec, "version_column"),
                    settings(spec.get("settings")), recompute(optional(spec, "materialized")));
            Optional<CreateQuery> source = read(text(a.get(0)), text(a.get(1)));
            String onCluster = optional(spec, "on_cluster");
            if (source.isEmpty()) {
                return placeholder(text(a.get(0)), derivation.name(), onCluster, text(a.get(1)));
            }
            StagingDerivation.Result r = StagingDerivation.derive(source.get(), derivation);
            return markup(r.staging().sql(Boolean.TRUE.equals(spec.get("if_not_exists")), onCluster));
        }));
        model.put("added_later", fn("added_later(database, source, 'copy'|'recompute'[, target])", 3, 4, a -> {
            List<Map<String, Object>> out = new ArrayList<>();
            Optional<CreateQuery> source = read(text(a.get(0)), text(a.get(1)));
            // with a target, what it holds already is left out: a rerun after some of the ALTERs went through
            // adds only the rest (judged from the target's definition at the step's turn, kept with the attempt)
            Set<String> present = new HashSet<>();
            if (a.size() == 4 && source.isPresent()) {
                try {
                    read(text(a.get(0)), text(a.get(3))).ifPresent(t -> t.elements().forEach(e -> present.add(e.kind() + " " + e.name())));
                } catch (MissingObjectException e) {
                    // a target an earlier step creates holds nothing yet: plan shows every ALTER
                }
            }
            if (source.isPresent()) {
                // what is left for later does not depend on the new table's name, path or keys
                StagingDerivation.Result r = StagingDerivation.derive(source.get(), new StagingDerivation.Spec(text(a.get(0)),
                        "later", "/later", null, null, null, null, null, Map.of(), recompute(text(a.get(2)))));
                for (StagingDerivation.AddedLater e : r.later()) {
                    if (present.contains(e.kind().toUpperCase(java.util.Locale.ROOT) + " " + e.name())) {
                        continue;
                    }
                    out.add(Map.of("kind", e.kind(), "name", e.name(), "sql", markup(e.sql()), "after", e.after()));
                }
            }
            return out;
        }));
        model.put("mirror", fn("mirror(database, table, {name: ..., on_cluster: ..., target: ..., settings: {...}})", 3, a -> {
            String db = text(a.get(0));
            Map<String, Object> spec = hash(a.get(2), MIRROR_KEYS, "mirror");
            if (spec.get("select") != null && !text(spec.get("select")).isBlank()) {
                Fragment.check("select", text(spec.get("select")));
            }
            Optional<CreateQuery> q = spec.get("from_step") == null ? read(db, text(a.get(1)))
                    : facts.definition(text(spec.get("from_step")), node, db, text(a.get(1))).map(CreateQuery::parse);
            String onCluster = optional(spec, "on_cluster");
            if (q.isEmpty()) {
                return placeholder(db, required(spec, "name"), onCluster, text(a.get(1)));
            }
            CreateQuery m = q.get().withName(db, required(spec, "name"));
            if (spec.get("target") != null) {
                m = m.withTarget(db, text(spec.get("target")));
            }
            if (spec.get("replace_table") instanceof Map<?, ?> r) {
                for (Map.Entry<?, ?> e : r.entrySet()) {
                    m = m.withTableReplaced(db, e.getKey().toString(), e.getValue().toString());
                }
            }
            if (spec.get("distributed_table") != null) {
                m = m.withEngine(m.engine().withDistributedTable(text(spec.get("distributed_table"))));
            }
            if (spec.get("select") != null && !text(spec.get("select")).isBlank()) {
                m = m.withClause("AS", Fragment.check("select", text(spec.get("select"))));
            }
            if (spec.get("settings") instanceof Map<?, ?> settings) {
                for (Map.Entry<?, ?> e : settings.entrySet()) {
                    Object v = e.getValue();
                    m = m.withSetting(e.getKey().toString(), v instanceof Number n ? n.toString() : SqlQuoting.literal(String.valueOf(v)));
                }
            }
            return markup(m.sql(Boolean.TRUE.equals(spec.get("if_not_exists")), onCluster));
        }));
        model.put("table_exists", fn("table_exists(database, table)", 2, a -> facts.exists(stepId, node, text(a.get(0)), text(a.get(1)))));
        model.put("column_names", fn("column_names(database, table)", 2, a -> {
            List<String> names = new ArrayList<>();
            read(text(a.get(0)), text(a.get(1))).ifPresent(q -> q.columns().forEach(c -> names.add(c.name())));
            return names;
        }));
        model.put("remember_definition", fn("remember_definition(database, table)", 2, a -> {
            read(text(a.get(0)), text(a.get(1)));
            return "";
        }));
        model.put("table_clause", fn("table_clause(database, table, 'PARTITION BY')", 3, a -> {
            String keyword = text(a.get(2));
            return read(text(a.get(0)), text(a.get(1))).flatMap(q -> q.clause(keyword)).orElse("");
        }));
        model.put("schema_differences", fn("schema_differences(database, source, target, ['ORDER BY', ...])", 4, a -> {
            List<Map<String, Object>> out = new ArrayList<>();
            Optional<CreateQuery> x = read(text(a.get(0)), text(a.get(1)));
            Optional<CreateQuery> y = read(text(a.get(0)), text(a.get(2)));
            if (x.isPresent() && y.isPresent()) {
                // what staging_table changes by itself (a projection mode current servers need) is declared too
                Set<String> declared = new HashSet<>(StagingDerivation.OWN_CHANGES);
                for (Object d : list(a.get(3))) {
                    declared.add(String.valueOf(d));
                }
                for (SchemaDiff.Difference d : SchemaDiff.compare(x.get(), y.get(), declared)) {
                    out.add(Map.of("what", d.what(), "source", d.source(), "target", d.target()));
                }
            }
            return out;
        }));
    }

    private Optional<CreateQuery> read(String database, String table) {
        return facts.definition(stepId, node, database, table).map(CreateQuery::parse);
    }

    /** 'copy' (the default: MATERIALIZED values copied as data) or 'recompute' (computed again from today's expressions). */
    private static boolean recompute(String mode) throws TemplateModelException {
        if (mode == null || mode.equals("copy")) {
            return false;
        }
        if (mode.equals("recompute")) {
            return true;
        }
        throw new TemplateModelException("materialized: '" + mode + "' is neither 'copy' (keep the stored values) nor 'recompute'");
    }

    /** A staging table's settings: name to a number, or to text that is quoted as a literal. */
    private static Map<String, String> settings(Object arg) throws TemplateModelException {
        Object v = unwrap(arg);
        if (v == null) {
            return Map.of();
        }
        if (!(v instanceof Map<?, ?> m)) {
            throw new TemplateModelException("staging_table(...): 'settings' must be a hash like {\"index_granularity\": 8192}");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            String key = e.getKey().toString();
            if (!key.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new TemplateModelException("staging_table(...): setting name '" + key + "' is not a name");
            }
            Object value = e.getValue();
            out.put(key, value instanceof Number n ? n.toString() : SqlQuoting.literal(String.valueOf(value)));
        }
        return out;
    }

    private static Object placeholder(String db, String name, String onCluster, String from) {
        return markup("CREATE TABLE " + SqlQuoting.identifier(db) + "." + SqlQuoting.identifier(name)
                + (onCluster == null ? "" : " ON CLUSTER " + SqlQuoting.identifier(onCluster))
                + " /* definition derived from " + db + "." + from + " as each node's catalog has it */");
    }

    private static Object markup(String sql) {
        try {
            return SqlOutputFormat.INSTANCE.fromMarkup(sql);
        } catch (TemplateModelException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String fragment(Map<String, Object> spec, String key) {
        String v = optional(spec, key);
        return v == null ? null : Fragment.check(key, v);
    }

    private static String optional(Map<String, Object> spec, String key) {
        Object v = spec.get(key);
        return v == null ? null : String.valueOf(v);
    }

    private static String required(Map<String, Object> spec, String key) throws TemplateModelException {
        String v = optional(spec, key);
        if (v == null || v.isBlank()) {
            throw new TemplateModelException("'" + key + "' is required");
        }
        return v;
    }

    private interface Body {
        Object apply(List<?> args) throws TemplateModelException;
    }

    private static TemplateMethodModelEx fn(String signature, int arity, Body body) {
        return fn(signature, arity, arity, body);
    }

    private static TemplateMethodModelEx fn(String signature, int min, int max, Body body) {
        return args -> {
            if (args.size() < min || args.size() > max) {
                throw new TemplateModelException(signature + " takes " + (min == max ? String.valueOf(min) : min + " or " + max) + " arguments");
            }
            try {
                return body.apply(args);
            } catch (DdlException e) {
                throw new TemplateModelException(signature.substring(0, signature.indexOf('(')) + ": " + e.getMessage());
            }
        };
    }

    private static Map<String, Object> hash(Object arg, Set<String> allowed, String fn) throws TemplateModelException {
        Object v = unwrap(arg);
        if (!(v instanceof Map<?, ?> m)) {
            throw new TemplateModelException(fn + "(...): the last argument must be a hash like {\"name\": ...}");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!allowed.contains(e.getKey().toString())) {
                throw new TemplateModelException(fn + "(...): unknown key '" + e.getKey() + "'; known: " + new java.util.TreeSet<>(allowed));
            }
            out.put(e.getKey().toString(), e.getValue());
        }
        return out;
    }

    private static List<?> list(Object arg) throws TemplateModelException {
        Object v = unwrap(arg);
        if (v instanceof List<?> l) {
            return l;
        }
        throw new TemplateModelException("expected a list like ['ORDER BY']");
    }

    private static String text(Object arg) throws TemplateModelException {
        Object v = unwrap(arg);
        if (v instanceof String || v instanceof Number) {
            return v.toString();
        }
        throw new TemplateModelException("expected text, got " + (v == null ? "nothing" : v.getClass().getSimpleName()));
    }

    /** FreeMarker values as plain Java values: text, numbers, booleans, lists and maps, nothing else. */
    private static Object unwrap(Object m) throws TemplateModelException {
        if (m == null) {
            return null;
        }
        if (m instanceof String || m instanceof Number || m instanceof Boolean || m instanceof Map || m instanceof List) {
            return m;
        }
        if (m instanceof TemplateScalarModel s) {
            return s.getAsString();
        }
        if (m instanceof TemplateNumberModel n) {
            return n.getAsNumber();
        }
        if (m instanceof TemplateBooleanModel b) {
            return b.getAsBoolean();
        }
        if (m instanceof TemplateHashModelEx h) {
            Map<String, Object> out = new LinkedHashMap<>();
            TemplateModelIterator keys = h.keys().iterator();
            while (keys.hasNext()) {
                String k = ((TemplateScalarModel) keys.next()).getAsString();
                out.put(k, unwrap(h.get(k)));
            }
            return out;
        }
        if (m instanceof TemplateSequenceModel seq) {
            List<Object> out = new ArrayList<>();
            for (int i = 0; i < seq.size(); i++) {
                out.add(unwrap(seq.get(i)));
            }
            return out;
        }
        if (m instanceof TemplateModel) {
            throw new TemplateModelException("cannot use a " + m.getClass().getSimpleName() + " here");
        }
        return m;
    }
}

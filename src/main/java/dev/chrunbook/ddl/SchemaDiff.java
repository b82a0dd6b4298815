package dev.chrunbook.ddl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Compares two table definitions part by part: engine family and parameters, columns (each in
 * full: type, default kind and expression, codec, comment, TTL, and their order), indices,
 * projections, constraints, and every clause and setting. The ZooKeeper path and replica name
 * always differ; the clauses named as declared changes may differ too.
 */
public final class SchemaDiff {
    private SchemaDiff() {
    }

    /** One difference: what, and its text in each definition ("" where absent). */
    public record Difference(String what, String source, String target) {
    }

    /**
     * @param declared clauses the migration changes on purpose: ORDER BY, PRIMARY KEY, SAMPLE BY, PARTITION BY,
     *                 "version", or "setting NAME"
     */
    public static List<Difference> compare(CreateQuery source, CreateQuery target, Set<String> declared) {
        List<Difference> out = new ArrayList<>();
        Engine a = source.engine();
        Engine b = target.engine();
        same(out, "engine", a.family(), b.family());
        List<String> pa = a.params();
        List<String> pb = b.params();
        if (declared.contains("version") && a.family().equals("ReplacingMergeTree")) {
            pa = pa.isEmpty() ? pa : pa.subList(1, pa.size());
            pb = pb.isEmpty() ? pb : pb.subList(1, pb.size());
        }
        same(out, "engine parameters", normalized(pa), normalized(pb));
        Map<String, TableElement> ea = byKey(source.elements());
        Map<String, TableElement> eb = byKey(target.elements());
        Set<String> keys = new LinkedHashSet<>(ea.keySet());
        keys.addAll(eb.keySet());
        for (String k : keys) {
            TableElement x = ea.get(k);
            TableElement y = eb.get(k);
            same(out, k, x == null ? "" : x.normalized(), y == null ? "" : y.normalized());
        }
        List<String> oa = source.columns().stream().map(TableElement::name).filter(eb::containsKey).toList();
        List<String> ob = target.columns().stream().map(TableElement::name).filter(ea::containsKey).toList();
        same(out, "column order", String.join(", ", oa), String.join(", ", ob));
        Set<String> clauses = new LinkedHashSet<>();
        source.clauses().forEach(c -> clauses.add(c.keyword()));
        target.clauses().forEach(c -> clauses.add(c.keyword()));
        for (String c : clauses) {
            if (c.equals("ENGINE") || declared.contains(c)) {
                continue;
            }
            if (c.equals("SETTINGS")) {
                Map<String, String> sa = settings(source);
                Map<String, String> sb = settings(target);
                Set<String> names = new LinkedHashSet<>(sa.keySet());
                names.addAll(sb.keySet());
                names.stream().filter(n -> !declared.contains("setting " + n))
                        .forEach(n -> same(out, "setting " + n, sa.getOrDefault(n, ""), sb.getOrDefault(n, "")));
            } else {
                same(out, c, clauseText(source, c), clauseText(target, c));
            }
        }
        return out;
    }

    private static Map<String, TableElement> byKey(List<TableElement> elements) {
        Map<String, TableElement> m = new LinkedHashMap<>();
        elements.forEach(e -> m.put(e.kind().name().toLowerCase(java.util.Locale.ROOT) + " " + e.name(), e));
        return m;
    }

    private static Map<String, String> settings(CreateQuery q) {
        Map<String, String> m = new LinkedHashMap<>();
        q.clauses().stream().filter(c -> c.keyword().equals("SETTINGS")).findFirst().ifPresent(c -> {
            for (List<Token> s : SqlLexer.splitTopLevel(c.body(), ',')) {
                List<Token> nb = s.stream().filter(t -> !t.isBlank()).toList();
                if (!nb.isEmpty()) {
                    m.put(nb.get(0).name(), Normalizer.of(nb.subList(Math.min(2, nb.size()), nb.size())));
                }
            }
        });
        return m;
    }

    private static String clauseText(CreateQuery q, String keyword) {
        return q.clauses().stream().filter(c -> c.keyword().equals(keyword)).findFirst().map(c -> Normalizer.of(c.body())).orElse("");
    }

    private static String normalized(List<String> args) {
        List<String> out = new ArrayList<>();
        args.forEach(x -> out.add(Normalizer.of(SqlLexer.tokens(x))));
        return String.join(", ", out);
    }

    private static void same(List<Difference> out, String what, String a, String b) {
        if (!Objects.equals(a, b)) {
            out.add(new Difference(what, a, b));
        }
    }
}

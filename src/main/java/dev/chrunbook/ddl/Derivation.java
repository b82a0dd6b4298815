package dev.chrunbook.ddl;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * For plan: how a CREATE statement a step renders differs from the catalog definition it was
 * built from (the closest of those the step read), so an operator sees what changes and nothing else.
 */
public final class Derivation {
    private Derivation() {
    }

    /** What the statement was derived from and how it differs; empty when it is not a CREATE built from one of them. */
    public record Report(String from, List<SchemaDiff.Difference> differences) {
    }

    public static Optional<Report> of(String statement, Map<String, String> definitionsRead) {
        if (definitionsRead.isEmpty() || !statement.stripLeading().regionMatches(true, 0, "CREATE", 0, 6)) {
            return Optional.empty();
        }
        CreateQuery created;
        try {
            created = CreateQuery.parse(statement);
        } catch (DdlException e) {
            return Optional.empty();
        }
        Report best = null;
        for (Map.Entry<String, String> d : definitionsRead.entrySet()) {
            if (d.getValue().isBlank()) {
                continue; // a table that was not there when the step was rendered
            }
            try {
                CreateQuery from = CreateQuery.parse(d.getValue());
                if (!from.objectKind().equals(created.objectKind()) || from.hasEngine() != created.hasEngine()) {
                    continue;
                }
                List<SchemaDiff.Difference> diff = from.hasEngine() ? SchemaDiff.compare(from, created, Set.of())
                        : viewDifferences(from, created);
                if (best == null || diff.size() < best.differences().size()) {
                    best = new Report(d.getKey(), diff);
                }
            } catch (DdlException e) {
                // a definition this package cannot read is no candidate
            }
        }
        return Optional.ofNullable(best);
    }

    private static List<SchemaDiff.Difference> viewDifferences(CreateQuery from, CreateQuery created) {
        String a = from.clause("AS").map(s -> Normalizer.of(SqlLexer.tokens(s))).orElse("");
        String b = created.clause("AS").map(s -> Normalizer.of(SqlLexer.tokens(s))).orElse("");
        return a.equals(b) ? List.of() : List.of(new SchemaDiff.Difference("AS", a, b));
    }
}

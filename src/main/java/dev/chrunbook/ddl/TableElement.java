package dev.chrunbook.ddl;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One entry of a CREATE's parenthesised list: a column (with its default kind), an index, a
 * projection, a constraint or an inline key, kept as the server wrote it.
 */
public record TableElement(Kind kind, String name, String defaultKind, List<Token> tokens) {
    public enum Kind { COLUMN, INDEX, PROJECTION, CONSTRAINT, KEY }

    private static final Set<String> DEFAULT_KINDS = Set.of("DEFAULT", "MATERIALIZED", "ALIAS", "EPHEMERAL");

    static TableElement parse(List<Token> tokens) {
        List<Token> words = tokens.stream().filter(t -> !t.isBlank()).toList();
        if (words.isEmpty()) {
            throw new DdlException("empty entry in the column list");
        }
        Token first = words.get(0);
        boolean hasType = topLevel(tokens).stream().anyMatch(t -> t.isWord("TYPE"));
        if (first.isWord("INDEX") && words.size() > 2 && hasType) {
            return new TableElement(Kind.INDEX, words.get(1).name(), "", tokens);
        }
        if (first.isWord("PROJECTION") && words.size() > 2 && words.get(2).isSymbol('(')) {
            return new TableElement(Kind.PROJECTION, words.get(1).name(), "", tokens);
        }
        if (first.isWord("CONSTRAINT") && words.size() > 2) {
            return new TableElement(Kind.CONSTRAINT, words.get(1).name(), "", tokens);
        }
        if (first.isWord("PRIMARY") && words.size() > 1 && words.get(1).isWord("KEY")) {
            return new TableElement(Kind.KEY, "PRIMARY KEY", "", tokens);
        }
        if (!first.isName()) {
            throw new DdlException("cannot read the column list entry '" + SqlLexer.join(tokens) + "'");
        }
        String kind = topLevel(tokens).stream().skip(1).filter(t -> t.kind() == Token.Kind.WORD)
                .map(t -> t.text().toUpperCase(Locale.ROOT)).filter(DEFAULT_KINDS::contains).findFirst().orElse("");
        return new TableElement(Kind.COLUMN, first.name(), kind, tokens);
    }

    /** Stored on disk and filled by an INSERT: ordinary and DEFAULT columns. */
    public boolean isStoredColumn() {
        return kind == Kind.COLUMN && (defaultKind.isEmpty() || defaultKind.equals("DEFAULT"));
    }

    public String sql() {
        return SqlLexer.join(tokens);
    }

    /** The text with white space normalised, for comparisons. */
    public String normalized() {
        return Normalizer.of(tokens);
    }

    /** True when this entry mentions any of the given names (columns it depends on). */
    boolean mentions(Set<String> names) {
        return tokens.stream().skip(kind == Kind.COLUMN ? 1 : 0).filter(Token::isName).map(Token::name).anyMatch(names::contains);
    }

    /** What the SQL of this entry calls it in an ALTER ... ADD: COLUMN / INDEX / PROJECTION / CONSTRAINT. */
    String alterKeyword() {
        return kind == Kind.COLUMN ? "COLUMN " : "";
    }

    static Set<String> names(List<TableElement> elements) {
        return elements.stream().map(TableElement::name).collect(Collectors.toSet());
    }

    private static List<Token> topLevel(List<Token> tokens) {
        int depth = 0;
        List<Token> out = new java.util.ArrayList<>();
        for (Token t : tokens) {
            if (t.isSymbol('(') || t.isSymbol('[')) {
                depth++;
            } else if (t.isSymbol(')') || t.isSymbol(']')) {
                depth--;
            } else if (depth == 0 && !t.isBlank()) {
                out.add(t);
            }
        }
        return out;
    }
}

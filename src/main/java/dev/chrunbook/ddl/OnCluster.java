package dev.chrunbook.ddl;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Whether a statement is distributed DDL: a DDL keyword first and {@code ON CLUSTER <name>} at its
 * top level, outside literals, quoted names and comments ({@code WHERE note = 'ON CLUSTER'} is not).
 */
public final class OnCluster {
    private static final Set<String> DDL = Set.of("CREATE", "DROP", "ALTER", "RENAME", "TRUNCATE", "OPTIMIZE", "DETACH", "ATTACH",
            "EXCHANGE", "GRANT", "REVOKE", "KILL", "SYSTEM");

    private OnCluster() {
    }

    public static boolean present(String sql) {
        List<Token> tokens;
        try {
            tokens = SqlLexer.tokens(sql).stream().filter(t -> !t.isBlank()).toList();
        } catch (DdlException e) {
            return false;
        }
        if (tokens.isEmpty() || tokens.get(0).kind() != Token.Kind.WORD || !DDL.contains(tokens.get(0).text().toUpperCase(Locale.ROOT))) {
            return false;
        }
        int depth = 0;
        for (int i = 0; i + 2 < tokens.size(); i++) {
            Token t = tokens.get(i);
            depth += t.isSymbol('(') ? 1 : t.isSymbol(')') ? -1 : 0;
            if (depth == 0 && t.isWord("ON") && tokens.get(i + 1).isWord("CLUSTER") && clusterName(tokens.get(i + 2))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The statement with every top-level {@code ON CLUSTER <name>} removed, everything else byte for
     * byte: the same DDL for a cluster that takes it node by node (no distributed DDL queue).
     */
    public static String strip(String sql) {
        if (!present(sql)) {
            return sql;
        }
        List<Token> all = SqlLexer.tokens(sql);
        StringBuilder out = new StringBuilder();
        int depth = 0;
        for (int i = 0; i < all.size(); i++) {
            Token t = all.get(i);
            depth += t.isSymbol('(') ? 1 : t.isSymbol(')') ? -1 : 0;
            if (depth == 0 && t.isWord("ON")) {
                int c = next(all, i);
                int name = c < 0 ? -1 : next(all, c);
                if (name >= 0 && all.get(c).isWord("CLUSTER") && clusterName(all.get(name))) {
                    // drop the blank before ON too, so "CREATE TABLE t ON CLUSTER x (" reads "CREATE TABLE t ("
                    if (out.length() > 0 && Character.isWhitespace(out.charAt(out.length() - 1)) && i > 0 && all.get(i - 1).kind() == Token.Kind.SPACE) {
                        out.setLength(out.length() - all.get(i - 1).text().length());
                        out.append(all.get(i - 1).text().contains("\n") ? "\n" : "");
                    }
                    i = name;
                    continue;
                }
            }
            out.append(t.text());
        }
        return out.toString();
    }

    private static int next(List<Token> tokens, int from) {
        for (int j = from + 1; j < tokens.size(); j++) {
            if (!tokens.get(j).isBlank()) {
                return j;
            }
        }
        return -1;
    }

    /** A cluster is named as a name or, as PostHog's DDL does, a string literal ({@code ON CLUSTER 'posthog'}). */
    private static boolean clusterName(Token t) {
        return t.isName() || t.kind() == Token.Kind.STRING;
    }
}

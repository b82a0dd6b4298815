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
            if (depth == 0 && t.isWord("ON") && tokens.get(i + 1).isWord("CLUSTER") && tokens.get(i + 2).isName()) {
                return true;
            }
        }
        return false;
    }
}

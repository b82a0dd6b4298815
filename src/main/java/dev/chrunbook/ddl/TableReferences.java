package dev.chrunbook.ddl;

import java.util.ArrayList;
import java.util.List;

/**
 * Replaces the references to one table in a SELECT: {@code db.from} anywhere, and a bare
 * {@code from} right after FROM or JOIN. Column names that happen to equal the table's are kept.
 */
final class TableReferences {
    private TableReferences() {
    }

    static List<Token> replace(List<Token> select, String db, String from, String to) {
        List<Token> out = new ArrayList<>();
        int replaced = 0;
        for (int i = 0; i < select.size(); i++) {
            Token t = select.get(i);
            if (t.isName() && t.name().equals(db) && i + 2 < select.size() && select.get(i + 1).isSymbol('.')
                    && select.get(i + 2).isName() && select.get(i + 2).name().equals(from)) {
                out.add(new Token(Token.Kind.QUOTED_NAME, Names.quote(db)));
                out.add(select.get(i + 1));
                out.add(new Token(Token.Kind.QUOTED_NAME, Names.quote(to)));
                i += 2;
                replaced++;
            } else if (t.isName() && t.name().equals(from) && previousWordIs(out, "FROM", "JOIN")) {
                out.add(new Token(Token.Kind.QUOTED_NAME, Names.quote(db) + "." + Names.quote(to)));
                replaced++;
            } else {
                out.add(t);
            }
        }
        if (replaced == 0) {
            throw new DdlException("the SELECT does not read " + db + "." + from + ": " + CreateQuery.abbreviate(SqlLexer.join(select)));
        }
        return out;
    }

    private static boolean previousWordIs(List<Token> out, String... words) {
        for (int i = out.size() - 1; i >= 0; i--) {
            Token t = out.get(i);
            if (t.isBlank()) {
                continue;
            }
            for (String w : words) {
                if (t.isWord(w)) {
                    return true;
                }
            }
            return false;
        }
        return false;
    }
}

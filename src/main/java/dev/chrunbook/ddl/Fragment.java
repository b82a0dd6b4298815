package dev.chrunbook.ddl;

import java.util.List;

/**
 * A piece of SQL a runbook passes in (a sort key, a partition expression): it must stay one
 * expression list, so no statement separator, no comment and balanced parentheses.
 */
public final class Fragment {
    private Fragment() {
    }

    public static String check(String what, String text) {
        List<Token> tokens;
        try {
            tokens = SqlLexer.tokens(text);
        } catch (DdlException e) {
            throw new DdlException(what + " '" + CreateQuery.abbreviate(text) + "': " + e.getMessage());
        }
        for (Token t : tokens) {
            if (t.kind() == Token.Kind.COMMENT || t.isSymbol(';')) {
                throw new DdlException(what + " '" + CreateQuery.abbreviate(text) + "' contains '" + t.text().strip()
                        + "': it must be one SQL expression list, not statements or comments");
            }
        }
        int depth = 0;
        for (Token t : tokens) {
            depth += t.isSymbol('(') || t.isSymbol('[') ? 1 : t.isSymbol(')') || t.isSymbol(']') ? -1 : 0;
            if (depth < 0) {
                break;
            }
        }
        if (depth != 0) {
            throw new DdlException(what + " '" + CreateQuery.abbreviate(text) + "' has unbalanced parentheses");
        }
        return text;
    }
}

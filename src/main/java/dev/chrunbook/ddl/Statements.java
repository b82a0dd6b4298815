package dev.chrunbook.ddl;

import java.util.ArrayList;
import java.util.List;

/**
 * Rendered SQL split into statements at semicolons outside literals, quoted names and comments,
 * with the comments dropped. ClickHouse's HTTP interface runs one statement per request.
 */
public final class Statements {
    private Statements() {
    }

    /** @throws DdlException for an unterminated literal, quoted name or comment */
    public static List<String> split(String sql) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (Token t : SqlLexer.tokens(sql)) {
            if (t.isSymbol(';')) {
                add(out, current);
                current.setLength(0);
            } else if (t.kind() != Token.Kind.COMMENT) {
                current.append(t.text());
            }
        }
        add(out, current);
        return out;
    }

    private static void add(List<String> out, StringBuilder statement) {
        String s = statement.toString().strip();
        if (!s.isEmpty()) {
            out.add(s);
        }
    }
}

package dev.chrunbook.ddl;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits ClickHouse SQL into tokens, honouring string literals, quoted names, backslash escapes
 * and comments, so that structure is only ever found outside them.
 */
final class SqlLexer {
    private SqlLexer() {
    }

    static List<Token> tokens(String sql) {
        List<Token> out = new ArrayList<>();
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            int end;
            Token.Kind kind;
            if (Character.isWhitespace(c)) {
                end = i + 1;
                while (end < n && Character.isWhitespace(sql.charAt(end))) {
                    end++;
                }
                kind = Token.Kind.SPACE;
            } else if (c == '-' && sql.startsWith("--", i)) {
                end = sql.indexOf('\n', i);
                end = end < 0 ? n : end;
                kind = Token.Kind.COMMENT;
            } else if (c == '/' && sql.startsWith("/*", i)) {
                end = sql.indexOf("*/", i + 2);
                if (end < 0) {
                    throw new DdlException("unterminated comment at offset " + i);
                }
                end += 2;
                kind = Token.Kind.COMMENT;
            } else if (c == '\'' ) {
                end = closing(sql, i, c);
                kind = Token.Kind.STRING;
            } else if (c == '`' || c == '"') {
                end = closing(sql, i, c);
                kind = Token.Kind.QUOTED_NAME;
            } else if (Character.isDigit(c)) {
                end = i + 1;
                while (end < n && (Character.isLetterOrDigit(sql.charAt(end)) || sql.charAt(end) == '.' || sql.charAt(end) == '_')) {
                    end++;
                }
                kind = Token.Kind.NUMBER;
            } else if (Character.isLetter(c) || c == '_' || c == '$') {
                end = i + 1;
                while (end < n && (Character.isLetterOrDigit(sql.charAt(end)) || sql.charAt(end) == '_' || sql.charAt(end) == '$')) {
                    end++;
                }
                kind = Token.Kind.WORD;
            } else {
                end = i + 1;
                kind = Token.Kind.SYMBOL;
            }
            out.add(new Token(kind, sql.substring(i, end)));
            i = end;
        }
        return out;
    }

    private static int closing(String sql, int start, char quote) {
        int i = start + 1;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (c == '\\') {
                i += 2;
            } else if (c == quote) {
                return i + 1;
            } else {
                i++;
            }
        }
        throw new DdlException("unterminated " + (quote == '\'' ? "string" : "quoted name") + " at offset " + start);
    }

    static String join(List<Token> tokens) {
        StringBuilder sb = new StringBuilder();
        tokens.forEach(t -> sb.append(t.text()));
        return sb.toString();
    }

    /** The tokens without leading and trailing blanks. */
    static List<Token> strip(List<Token> tokens) {
        int from = 0;
        int to = tokens.size();
        while (from < to && tokens.get(from).isBlank()) {
            from++;
        }
        while (to > from && tokens.get(to - 1).isBlank()) {
            to--;
        }
        return tokens.subList(from, to);
    }

    /** Splits at top-level commas (outside parentheses and brackets). */
    static List<List<Token>> splitTopLevel(List<Token> tokens, char separator) {
        List<List<Token>> parts = new ArrayList<>();
        List<Token> current = new ArrayList<>();
        int depth = 0;
        for (Token t : tokens) {
            if (t.isSymbol('(') || t.isSymbol('[')) {
                depth++;
            } else if (t.isSymbol(')') || t.isSymbol(']')) {
                depth--;
            }
            if (depth == 0 && t.isSymbol(separator)) {
                parts.add(strip(current));
                current = new ArrayList<>();
            } else {
                current.add(t);
            }
        }
        List<Token> last = strip(current);
        if (!last.isEmpty() || !parts.isEmpty()) {
            parts.add(last);
        }
        return parts;
    }

    /** Index of the parenthesis that closes the one at {@code open}. */
    static int closingParen(List<Token> tokens, int open) {
        int depth = 0;
        for (int i = open; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            if (t.isSymbol('(') || t.isSymbol('[')) {
                depth++;
            } else if (t.isSymbol(')') || t.isSymbol(']')) {
                depth--;
                if (depth == 0) {
                    return i;
                }
            }
        }
        throw new DdlException("unbalanced parentheses");
    }
}

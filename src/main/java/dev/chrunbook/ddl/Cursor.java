package dev.chrunbook.ddl;

import java.util.List;

/** Walks a token list for {@link CreateQuery#parse}: skips blanks, knows the clause keywords. */
final class Cursor {
    private final List<Token> tokens;
    private int pos;
    private int depth;

    Cursor(List<Token> tokens) {
        this.tokens = tokens;
        skipBlanks();
    }

    Token peek() {
        return pos < tokens.size() ? tokens.get(pos) : null;
    }

    boolean peekWord() {
        return peek() != null && peek().kind() == Token.Kind.WORD;
    }

    int position() {
        return pos;
    }

    void seek(int p) {
        pos = p;
        depth = 0;
        skipBlanks();
    }

    Token next() {
        Token t = tokens.get(pos++);
        skipBlanks();
        return t;
    }

    boolean hasRaw() {
        return pos < tokens.size();
    }

    /** The next token including blanks, tracking parenthesis depth. */
    Token nextRaw() {
        Token t = tokens.get(pos++);
        if (t.isSymbol('(') || t.isSymbol('[')) {
            depth++;
        } else if (t.isSymbol(')') || t.isSymbol(']')) {
            depth--;
        }
        return t;
    }

    void expectWord(String word) {
        if (peek() == null || !peek().isWord(word)) {
            throw new DdlException("expected " + word + " but found " + (peek() == null ? "the end" : "'" + peek().text() + "'"));
        }
        next();
    }

    /** {@code name} or {@code db.name}: [database (null if absent), name]. */
    String[] qualifiedName() {
        if (peek() == null || !peek().isName()) {
            throw new DdlException("expected a name but found " + (peek() == null ? "the end" : "'" + peek().text() + "'"));
        }
        String first = next().name();
        if (peek() != null && peek().isSymbol('.')) {
            next();
            return new String[] {first, next().name()};
        }
        return new String[] {null, first};
    }

    /** The clause keyword starting at the cursor (blanks before it skipped), or null. */
    String clauseKeywordAhead() {
        if (depth != 0) {
            return null;
        }
        int p = pos;
        while (p < tokens.size() && tokens.get(p).isBlank()) {
            p++;
        }
        for (String k : CreateQuery.CLAUSES) {
            if (matches(p, k) >= 0) {
                return k;
            }
        }
        return null;
    }

    /** Consumes a clause keyword (and ENGINE's '='), returning it; null when none starts here. */
    String clauseKeyword() {
        skipBlanks();
        for (String k : CreateQuery.CLAUSES) {
            int end = matches(pos, k);
            if (end >= 0) {
                pos = end;
                skipBlanks();
                if (k.equals("ENGINE") && peek() != null && peek().isSymbol('=')) {
                    next();
                }
                return k;
            }
        }
        return null;
    }

    /** Index after the keyword's words when they stand at p, else -1. */
    private int matches(int p, String keyword) {
        for (String w : keyword.split(" ")) {
            while (p < tokens.size() && tokens.get(p).isBlank()) {
                p++;
            }
            if (p >= tokens.size() || !tokens.get(p).isWord(w)) {
                return -1;
            }
            p++;
        }
        return p;
    }

    private void skipBlanks() {
        while (pos < tokens.size() && tokens.get(pos).isBlank()) {
            pos++;
        }
    }
}

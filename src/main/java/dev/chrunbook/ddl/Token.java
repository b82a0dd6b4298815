package dev.chrunbook.ddl;

/** One lexical token of ClickHouse SQL, with its exact source text. */
record Token(Kind kind, String text) {
    enum Kind { WORD, QUOTED_NAME, STRING, NUMBER, SPACE, COMMENT, SYMBOL }

    boolean isWord(String keyword) {
        return kind == Kind.WORD && text.equalsIgnoreCase(keyword);
    }

    boolean isSymbol(char c) {
        return kind == Kind.SYMBOL && text.length() == 1 && text.charAt(0) == c;
    }

    boolean isBlank() {
        return kind == Kind.SPACE || kind == Kind.COMMENT;
    }

    boolean isName() {
        return kind == Kind.WORD || kind == Kind.QUOTED_NAME;
    }

    /** The name a WORD or quoted name stands for (quotes and escapes removed). */
    String name() {
        if (kind != Kind.QUOTED_NAME) {
            return text;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i < text.length() - 1; i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length() - 1) {
                c = text.charAt(++i);
            }
            sb.append(c);
        }
        return sb.toString();
    }
}

package dev.chrunbook.ddl;

import java.util.List;
import java.util.regex.Pattern;

/**
 * SQL text in one canonical spelling, so that two definitions the server printed with other white
 * space or quoting compare equal: blanks only between words, plain names unquoted.
 */
final class Normalizer {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private Normalizer() {
    }

    static String of(List<Token> tokens) {
        StringBuilder sb = new StringBuilder();
        Token prev = null;
        for (Token t : tokens) {
            if (t.isBlank()) {
                continue;
            }
            if (prev != null && wordish(prev) && wordish(t)) {
                sb.append(' ');
            }
            sb.append(t.kind() == Token.Kind.QUOTED_NAME && PLAIN.matcher(t.name()).matches() ? t.name() : t.text());
            if (t.isSymbol(',')) {
                sb.append(' ');
            }
            prev = t;
        }
        return sb.toString();
    }

    private static boolean wordish(Token t) {
        return t.kind() == Token.Kind.WORD || t.kind() == Token.Kind.NUMBER || t.kind() == Token.Kind.QUOTED_NAME
                || t.kind() == Token.Kind.STRING;
    }
}

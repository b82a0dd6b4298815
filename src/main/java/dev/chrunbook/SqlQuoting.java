package dev.chrunbook;

/**
 * The one place where values become SQL text: identifiers backquoted, string literals quoted. The
 * template functions built on these ({@code ident}, {@code lit}, {@code sql}) live in the renderer.
 */
public final class SqlQuoting {
    private SqlQuoting() {
    }

    public static String identifier(String name) {
        if (name.isEmpty() || name.chars().anyMatch(c -> c < 0x20)) {
            throw new IllegalArgumentException("'" + name + "' is not a usable identifier");
        }
        return "`" + name.replace("\\", "\\\\").replace("`", "\\`") + "`";
    }

    public static String literal(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}

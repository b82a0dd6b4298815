package dev.chrunbook.ddl;

/** Backquoted identifiers and quoted literals, as this package writes them. */
final class Names {
    private Names() {
    }

    static String quote(String name) {
        return "`" + name.replace("\\", "\\\\").replace("`", "\\`") + "`";
    }

    static String literal(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}

package dev.chrunbook.clickhouse;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A ClickHouse server version. Every behaviour that differs between the packaged 18.16 server
 * used in tests and current ClickHouse is decided here (and in {@link DriverProfile}), never by
 * version checks scattered through the code.
 */
public record ServerVersion(int major, int minor, int patch, String text) implements Comparable<ServerVersion> {
    private static final Pattern VERSION = Pattern.compile("(\\d+)\\.(\\d+)(?:\\.(\\d+))?.*");

    public static ServerVersion parse(String text) {
        Matcher m = VERSION.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a ClickHouse version: " + text);
        }
        return new ServerVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                m.group(3) == null ? 0 : Integer.parseInt(m.group(3)), text.trim());
    }

    /** Servers of 2018 (18.x): no DateTime64, JSONExtract*, regexpQuoteMeta, RowBinaryWithNamesAndTypes. */
    public boolean isLegacy() {
        return major < 19;
    }

    @Override
    public int compareTo(ServerVersion o) {
        int c = Integer.compare(major, o.major);
        if (c == 0) {
            c = Integer.compare(minor, o.minor);
        }
        return c != 0 ? c : Integer.compare(patch, o.patch);
    }

    @Override
    public String toString() {
        return text;
    }
}

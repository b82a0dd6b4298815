package dev.chrunbook.clickhouse;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A ClickHouse server version, as the node reports it. chrunbook's own SQL is written to read the
 * same on 18.16 and current servers (e.g. query_log types read as Int8); the driver settings that
 * do differ are chosen in {@link DriverProfile} from this; facts that older servers cannot give in
 * SQL (free disk, server settings) are found in {@link ServerFacts}; SQL that differs lives in the
 * runbook's vars and templates.
 */
public record ServerVersion(int major, int minor, int patch, String text) {
    private static final Pattern VERSION = Pattern.compile("(\\d+)\\.(\\d+)(?:\\.(\\d+))?.*");

    public static ServerVersion parse(String text) {
        Matcher m = VERSION.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a ClickHouse version: " + text);
        }
        return new ServerVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                m.group(3) == null ? 0 : Integer.parseInt(m.group(3)), text.trim());
    }

    @Override
    public String toString() {
        return text;
    }
}

package dev.chrunbook.clickhouse;

import java.util.Properties;

/**
 * The JDBC properties for one server. clickhouse-jdbc 0.6.5 probes the server with
 * {@code currentUser()} and reads RowBinaryWithNamesAndTypes, neither of which 18.16 has; telling it
 * the version and time zone up front and asking for TSV works on 18.16 and on current servers alike.
 */
final class DriverProfile {
    /** Long INSERT...SELECTs run for hours; the socket must not give up first (0.6.5 defaults to 30 s). */
    static final int SOCKET_TIMEOUT_MS = 24 * 3600 * 1000;

    private DriverProfile() {
    }

    static Properties properties(Credentials credentials, ServerVersion version, String timeZone) {
        Properties p = new Properties();
        p.setProperty("user", credentials.user());
        p.setProperty("password", credentials.password());
        p.setProperty("server_version", version.text());
        p.setProperty("server_time_zone", timeZone);
        // 18.16 answers compress=1 with an empty body; our results are small, so never compress.
        p.setProperty("compress", "false");
        p.setProperty("format", "TabSeparatedWithNamesAndTypes");
        p.setProperty("custom_settings", "default_format=TabSeparatedWithNamesAndTypes");
        p.setProperty("socket_timeout", String.valueOf(SOCKET_TIMEOUT_MS));
        p.setProperty("connect_timeout", "5000");
        // the JDK's HttpURLConnection: the driver's default is Apache's client, which the jar leaves out;
        // it then failed to load it and fell back, at the cost of two exceptions on every statement
        p.setProperty("http_connection_provider", "HTTP_URL_CONNECTION");
        return p;
    }
}

package dev.chrunbook.clickhouse;

/** Opens sessions to nodes; the seam where tests could put something else, production uses JDBC. */
public interface ClickHouseConnector {
    ClickHouseClient connect(String host, int httpPort);
}

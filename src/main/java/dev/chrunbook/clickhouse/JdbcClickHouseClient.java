package dev.chrunbook.clickhouse;

import com.clickhouse.client.ClickHouseRequest;
import com.clickhouse.client.ClickHouseResponse;

import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@link ClickHouseClient} over clickhouse-jdbc's HTTP transport. */
final class JdbcClickHouseClient implements ClickHouseClient {
    // at debug: each statement with its time on the wire, the timeline of a step as chrunbook saw it
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(JdbcClickHouseClient.class);
    private final Connection connection;
    private final ServerVersion version;
    private final String address;

    JdbcClickHouseClient(Connection connection, ServerVersion version, String address) {
        this.connection = connection;
        this.version = version;
        this.address = address;
    }

    @Override
    public void execute(String sql, String queryId, Map<String, String> settings) {
        long began = System.nanoTime();
        try (Statement st = connection.createStatement()) {
            ClickHouseRequest<?> request = st.unwrap(com.clickhouse.jdbc.ClickHouseStatement.class).getRequest();
            if (queryId == null) {
                request.query(sql);
            } else {
                request.query(sql, queryId);
            }
            settings.forEach(request::set);
            try (ClickHouseResponse ignored = request.executeAndWait()) {
                // DDL and INSERT...SELECT return nothing we need; rows come from system.query_log.
            }
        } catch (SQLException e) {
            throw failure(e);
        } catch (com.clickhouse.client.ClickHouseException e) {
            throw failure(e);
        } finally {
            took(began, sql);
        }
    }

    @Override
    public Table table(String sql) {
        return table(sql, Map.of());
    }

    @Override
    public Table table(String sql, Map<String, String> settings) {
        long began = System.nanoTime();
        try (Statement st = connection.createStatement()) {
            // request settings, as execute sends them: a SETTINGS clause does not reach the memory limit of a query on 18.16
            ClickHouseRequest<?> request = st.unwrap(com.clickhouse.jdbc.ClickHouseStatement.class).getRequest();
            settings.forEach(request::set);
            try (ResultSet rs = st.executeQuery(sql)) {
                return read(rs);
            }
        } catch (SQLException e) {
            throw failure(e);
        } finally {
            took(began, sql);
        }
    }

    private static Table read(ResultSet rs) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        List<String> columns = new ArrayList<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
            columns.add(md.getColumnName(i));
        }
        List<List<String>> rows = new ArrayList<>();
        while (rs.next()) {
            List<String> row = new ArrayList<>(md.getColumnCount());
            for (int i = 1; i <= md.getColumnCount(); i++) {
                row.add(rs.getString(i));
            }
            rows.add(row);
        }
        return new Table(columns, rows);
    }

    private void took(long began, String sql) {
        if (LOG.isDebugEnabled()) {
            String one = sql.replaceAll("\\s+", " ");
            LOG.debug("{} {} ms: {}", address, (System.nanoTime() - began) / 1_000_000, one.length() > 160 ? one.substring(0, 160) + "..." : one);
        }
    }

    @Override
    public void stream(String sql, java.util.function.Predicate<List<String>> row) {
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> r = new ArrayList<>(n);
                for (int i = 1; i <= n; i++) {
                    r.add(rs.getString(i));
                }
                if (!row.test(r)) {
                    return;
                }
            }
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    @Override
    public ServerVersion version() {
        return version;
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // closing an HTTP-based connection releases nothing on the server
        }
    }

    private ClickHouseException failure(Exception e) {
        return new ClickHouseException(address + ": " + firstLine(e.getMessage()), e, isConnectionProblem(e));
    }

    private static boolean isConnectionProblem(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketException || t instanceof SocketTimeoutException
                    || t instanceof java.net.http.HttpTimeoutException
                    || (t instanceof IOException && !(t.getMessage() != null && t.getMessage().contains("Code:")))) {
                return true;
            }
        }
        return false;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "(no message)";
        }
        String m = message.strip();
        int stack = m.indexOf(", Stack trace");
        return stack > 0 ? m.substring(0, stack) : m;
    }
}

package dev.chrunbook.clickhouse;

import java.util.List;
import java.util.Map;

/** A session with one node: statements with an id and per-query settings, and small reads. */
public interface ClickHouseClient extends AutoCloseable {

    /**
     * Runs one statement to completion. Settings travel as per-query (URL) settings, which is
     * the only way insert-side settings reach the INSERT of an INSERT...SELECT on 18.16.
     * A null {@code queryId} lets the server pick one.
     */
    void execute(String sql, String queryId, Map<String, String> settings);

    /** Runs a read and returns its column names and every row as strings (NULL as null). */
    Table table(String sql);

    /** The same with per-query settings, sent as {@link #execute} sends them (a memory limit that holds on 18.16 too). */
    Table table(String sql, Map<String, String> settings);

    /** Runs a read and returns every row as strings (NULL as null). */
    default List<List<String>> select(String sql) {
        return table(sql).rows();
    }

    default String selectOne(String sql) {
        List<List<String>> rows = select(sql);
        return rows.isEmpty() || rows.get(0).isEmpty() ? null : rows.get(0).get(0);
    }

    /**
     * Runs a read and hands its rows, as strings, one at a time to {@code row} while they arrive,
     * never holding them all: the reader of a large export. {@code row} returns false to stop early.
     */
    default void stream(String sql, java.util.function.Predicate<List<String>> row) {
        for (List<String> r : select(sql)) {
            if (!row.test(r)) {
                return;
            }
        }
    }

    ServerVersion version();

    @Override
    void close();
}

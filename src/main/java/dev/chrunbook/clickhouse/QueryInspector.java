package dev.chrunbook.clickhouse;

import dev.chrunbook.SqlQuoting;

import java.util.List;

/**
 * Reads what a node knows about a query id from system.processes and system.query_log: how a
 * statement sent before a crash or a lost connection is resolved without sending it twice.
 */
public final class QueryInspector {
    private final ClickHouseClient client;

    public QueryInspector(ClickHouseClient client) {
        this.client = client;
    }

    public QueryOutcome lookup(String queryId) {
        String id = SqlQuoting.literal(queryId);
        List<List<String>> running = client.select(
                "SELECT toUInt64(elapsed * 1000), read_rows, written_rows FROM system.processes WHERE query_id = " + id);
        if (!running.isEmpty()) {
            List<String> r = running.get(0);
            return QueryOutcome.running(parse(r.get(1)), parse(r.get(2)), parse(r.get(0)));
        }
        return logged(id);
    }

    /** The final record in system.query_log, after flushing the log so a just-finished query shows. */
    private QueryOutcome logged(String quotedId) {
        client.execute("SYSTEM FLUSH LOGS", null, java.util.Map.of());
        // type is UInt8 on 18.16 and Enum8 on current servers; as Int8 both read 1 start, 2 finish, 3/4 exception.
        List<List<String>> rows = client.select("SELECT CAST(type AS Int8), exception, read_rows, written_rows, query_duration_ms"
                + " FROM system.query_log WHERE query_id = " + quotedId + " AND CAST(type AS Int8) != 1"
                + " ORDER BY event_time DESC LIMIT 1");
        if (rows.isEmpty()) {
            boolean started = !client.select("SELECT 1 FROM system.query_log WHERE query_id = " + quotedId + " LIMIT 1").isEmpty();
            return started
                    ? new QueryOutcome(QueryOutcome.State.STARTED_ONLY, 0, 0, 0,
                            "the statement started but its end is not logged (server restarted?)")
                    : QueryOutcome.notFound();
        }
        List<String> r = rows.get(0);
        boolean ok = "2".equals(r.get(0));
        return new QueryOutcome(ok ? QueryOutcome.State.FINISHED : QueryOutcome.State.FAILED,
                parse(r.get(2)), parse(r.get(3)), parse(r.get(4)), ok ? null : r.get(1));
    }

    private static long parse(String s) {
        return s == null || s.isEmpty() ? 0 : Long.parseLong(s);
    }
}

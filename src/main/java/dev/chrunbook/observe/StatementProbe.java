package dev.chrunbook.observe;

import dev.chrunbook.clickhouse.ClickHouseClient;
import dev.chrunbook.SqlQuoting;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** How to read the progress of one kind of statement from the server's system tables. */
abstract class StatementProbe {
    private static final Pattern TABLE = Pattern.compile("`([^`]+)`\\.`([^`]+)`|\\b([A-Za-z_][A-Za-z0-9_]*)\\.([A-Za-z_][A-Za-z0-9_]*)");

    record Reading(String unit, long done, long total, long elapsedMs) {
    }

    /** The current reading, or null when the server shows nothing to report (not running any more). */
    abstract Reading read(ClickHouseClient client, String queryId);

    static StatementProbe of(String sql) {
        String head = sql.stripLeading().toUpperCase();
        if (head.startsWith("OPTIMIZE")) {
            String[] t = table(sql);
            return t == null ? reattached() : new Merges(t[0], t[1]);
        }
        if (head.startsWith("SYSTEM SYNC REPLICA")) {
            String[] t = table(sql);
            return t == null ? reattached() : new ReplicaQueue(t[0], t[1]);
        }
        return reattached();
    }

    /** Reads system.processes by query id: what any long statement shows (rows read of rows to read). */
    static StatementProbe reattached() {
        return new Processes();
    }

    private static String[] table(String sql) {
        Matcher m = TABLE.matcher(sql);
        if (!m.find()) {
            return null;
        }
        return m.group(1) != null ? new String[] {m.group(1), m.group(2)} : new String[] {m.group(3), m.group(4)};
    }

    private static long num(String s) {
        return s == null || s.isEmpty() ? 0 : (long) Double.parseDouble(s);
    }

    private static final class Processes extends StatementProbe {
        @Override
        Reading read(ClickHouseClient client, String queryId) {
            List<List<String>> rows = client.select("SELECT read_rows, total_rows_approx, toUInt64(elapsed * 1000)"
                    + " FROM system.processes WHERE query_id = " + SqlQuoting.literal(queryId));
            if (rows.isEmpty()) {
                return null;
            }
            List<String> r = rows.get(0);
            return new Reading("rows", num(r.get(0)), num(r.get(1)), num(r.get(2)));
        }
    }

    /** OPTIMIZE ... FINAL: the merges of the table; total rows estimated from rows read and progress. */
    private static final class Merges extends StatementProbe {
        private final String database;
        private final String table;

        Merges(String database, String table) {
            this.database = database;
            this.table = table;
        }

        @Override
        Reading read(ClickHouseClient client, String queryId) {
            List<String> r = client.select("SELECT sum(rows_read), avg(progress), toUInt64(max(elapsed) * 1000) FROM system.merges"
                    + " WHERE database = " + SqlQuoting.literal(database) + " AND table = " + SqlQuoting.literal(table)).get(0);
            long done = num(r.get(0));
            double progress = r.get(1) == null || r.get(1).equals("nan") ? 0 : Double.parseDouble(r.get(1));
            long total = progress > 0 ? (long) (done / progress) : 0;
            return new Reading("rows", done, total, num(r.get(2)));
        }
    }

    /** SYSTEM SYNC REPLICA: parts still queued for this replica, against the most seen. */
    private static final class ReplicaQueue extends StatementProbe {
        private final String database;
        private final String table;
        private long most;

        ReplicaQueue(String database, String table) {
            this.database = database;
            this.table = table;
        }

        @Override
        Reading read(ClickHouseClient client, String queryId) {
            List<List<String>> rows = client.select("SELECT queue_size FROM system.replicas WHERE database = "
                    + SqlQuoting.literal(database) + " AND table = " + SqlQuoting.literal(table));
            long queued = rows.isEmpty() ? 0 : num(rows.get(0).get(0));
            most = Math.max(most, queued);
            return new Reading("parts", most - queued, most, 0);
        }
    }
}

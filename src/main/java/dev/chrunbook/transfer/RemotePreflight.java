package dev.chrunbook.transfer;

import dev.chrunbook.catalog.Catalog;

import dev.chrunbook.SqlQuoting;
import dev.chrunbook.clickhouse.ClickHouseClient;
import dev.chrunbook.clickhouse.ClickHouseException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Before a copy from another cluster writes anything, asked from the target node: the source cluster
 * is declared and answers, its table holds every column the target stores (with the same type) and
 * the filter's columns, and the filter selects rows. Each problem names the runbook field to fix.
 */
public final class RemotePreflight {
    private RemotePreflight() {
    }

    public static Optional<String> problems(ClickHouseClient client, RemoteSql sql) {
        return problems(client, sql, true);
    }

    /**
     * @param countRows also count the filter's rows on the source; the copy skips it and asks
     *                  {@link #noRows} only when its shard's plan comes out empty
     */
    public static Optional<String> problems(ClickHouseClient client, RemoteSql sql, boolean countRows) {
        String cluster = SqlQuoting.literal(sql.sourceCluster());
        if ("0".equals(client.selectOne("SELECT count() FROM system.clusters WHERE cluster = " + cluster))) {
            return Optional.of("the target does not declare cluster '" + sql.sourceCluster() + "' in remote_servers: add the source"
                    + " there (host, port, user, password), or fix remote.source_cluster");
        }
        Map<String, String> source = new LinkedHashMap<>();
        try {
            for (List<String> r : client.select("SELECT name, type FROM cluster(" + cluster + ", system, columns) WHERE database = "
                    + SqlQuoting.literal(sql.sourceDatabase()) + " AND table = " + SqlQuoting.literal(sql.sourceTable()))) {
                source.put(r.get(0), r.get(1));
            }
        } catch (ClickHouseException e) {
            return Optional.of("the source cluster '" + sql.sourceCluster() + "' does not answer: " + e.getMessage()
                    + "; start it, or fix its address and credentials in the target's remote_servers");
        }
        if (source.isEmpty()) {
            return Optional.of("the source has no table " + sql.sourceDatabase() + "." + sql.sourceTable()
                    + ": fix remote.source_database / remote.source_table");
        }
        List<String> wrong = new ArrayList<>();
        for (String[] f : new String[][] {{"team_column", sql.teamColumn()}, {"time_column", sql.timeColumn()}, {"id_column", sql.idColumn()}}) {
            if (!source.containsKey(f[1])) {
                wrong.add("remote." + f[0] + ": the source has no column " + f[1]);
            }
        }
        for (Map.Entry<String, String> written : new Catalog(client).columnTypes(sql.targetDatabase(), sql.target(), Catalog.WRITTEN).entrySet()) {
            List<String> r = List.of(written.getKey(), written.getValue());
            String type = source.get(r.get(0));
            if (type == null) {
                wrong.add("the target stores column " + r.get(0) + " (" + r.get(1) + "), which the source lacks");
            } else if (!type.equals(r.get(1))) {
                wrong.add("column " + r.get(0) + " is " + type + " in the source and " + r.get(1) + " in the target");
            }
        }
        if (!wrong.isEmpty()) {
            return Optional.of("the source " + sql.sourceDatabase() + "." + sql.sourceTable() + " and the target " + sql.target()
                    + " do not fit: " + String.join("; ", wrong));
        }
        return countRows ? noRows(client, sql) : Optional.empty();
    }

    /** When the filter selects no row of the source on any shard: what to fix. */
    public static Optional<String> noRows(ClickHouseClient client, RemoteSql sql) {
        String rows = client.selectOne("SELECT count() FROM " + sql.source() + " WHERE " + sql.unsharded().filter());
        if ("0".equals(rows)) {
            return Optional.of("the filter selects no rows of the source (teams " + sql.teams() + ", " + sql.timeColumn()
                    + " in [" + sql.start() + ", " + sql.end() + ")): fix remote.team_ids, remote.start or remote.end");
        }
        return Optional.empty();
    }
}

package dev.chrunbook.apply;

import dev.chrunbook.Node;
import dev.chrunbook.clickhouse.ClickHouseClient;
import dev.chrunbook.SqlQuoting;
import dev.chrunbook.clickhouse.ClickHouseException;

import java.util.List;

/**
 * What a replicated ALTER that timed out waiting for replicas (Code 341) leaves an operator to know: the
 * replicas on the node that are not well (read-only, session expired, replicas of the shard inactive,
 * a queue), read from system.replicas, the columns version of each replica in ZooKeeper, and the
 * command that unsticks a read-only one. After a
 * ZooKeeper stall a replica can stay read-only while the others took the ALTER; rerunning alone
 * times out the same way each time.
 */
final class ReplicaDiagnosis {
    private ReplicaDiagnosis() {
    }

    /**
     * The columns version of the table and of each of its replicas in ZooKeeper: a replica whose
     * version is behind the table's has not applied the ALTER.
     */
    private static String columnsVersions(ClickHouseClient client, String database, String table) {
        try {
            String zk = client.selectOne("SELECT zookeeper_path FROM system.replicas WHERE database = " + SqlQuoting.literal(database)
                    + " AND table = " + SqlQuoting.literal(table));
            if (zk == null) {
                return "";
            }
            String tableVersion = client.selectOne("SELECT version FROM system.zookeeper WHERE path = " + SqlQuoting.literal(zk)
                    + " AND name = 'columns'");
            StringBuilder sb = new StringBuilder("\n  columns version in ZooKeeper (" + zk + "): the table's " + tableVersion);
            for (List<String> r : client.select("SELECT name FROM system.zookeeper WHERE path = " + SqlQuoting.literal(zk + "/replicas"))) {
                String v = client.selectOne("SELECT version FROM system.zookeeper WHERE path = " + SqlQuoting.literal(zk + "/replicas/"
                        + r.get(0)) + " AND name = 'columns'");
                sb.append(", ").append(r.get(0)).append("'s ").append(v).append(v != null && !v.equals(tableVersion) ? " (behind)" : "");
            }
            return sb.toString();
        } catch (ClickHouseException e) {
            return "\n  (ZooKeeper could not be read: " + e.getMessage() + ")";
        }
    }

    static String describe(ClickHouseClient client, Node node) {
        List<List<String>> rows;
        try {
            rows = client.select("SELECT database, table, replica_name, is_readonly, is_session_expired, active_replicas, total_replicas,"
                    + " queue_size FROM system.replicas WHERE is_readonly OR is_session_expired OR active_replicas < total_replicas"
                    + " OR queue_size > 0 ORDER BY database, table");
        } catch (ClickHouseException e) {
            return " (system.replicas on " + node.id() + " could not be read: " + e.getMessage() + ")";
        }
        if (rows.isEmpty()) {
            return ". Every replicated table on " + node.id() + " is well now (system.replicas): run the step again; it adds only what is missing";
        }
        StringBuilder sb = new StringBuilder(". On " + node.id() + ", system.replicas says:");
        String stuck = null;
        for (List<String> r : rows) {
            String table = r.get(0) + "." + r.get(1);
            boolean readonly = "1".equals(r.get(3)) || "1".equals(r.get(4));
            sb.append("\n  ").append(table).append(" replica ").append(r.get(2)).append(readonly ? ": read-only" : "")
                    .append("1".equals(r.get(4)) ? ", ZooKeeper session expired" : "")
                    .append(", ").append(r.get(5)).append(" of ").append(r.get(6)).append(" replicas active, queue ").append(r.get(7));
            if (readonly && stuck == null) {
                stuck = table;
            }
        }
        sb.append(columnsVersions(client, rows.get(0).get(0), rows.get(0).get(1)));
        sb.append(stuck != null
                ? "\nUnstick it on " + node.id() + " with SYSTEM RESTART REPLICA " + stuck + ", wait until is_readonly is 0, then run the step again"
                : "\nWait until the inactive replicas are back and the queues drain, then run the step again");
        return sb.toString();
    }
}

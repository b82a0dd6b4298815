package dev.chrunbook.apply;

import dev.chrunbook.Node;
import dev.chrunbook.clickhouse.ClickHouseClient;
import dev.chrunbook.clickhouse.ClickHouseException;

import java.util.List;

/**
 * What a replicated ALTER that timed out waiting for replicas (Code 341) leaves an operator to know: the
 * replicas on the node that are not well (read-only, session expired, replicas of the shard inactive,
 * a queue), read from system.replicas, and the command that unsticks a read-only one. After a
 * ZooKeeper stall a replica can stay read-only while the others took the ALTER; rerunning alone
 * times out the same way each time.
 */
final class ReplicaDiagnosis {
    private ReplicaDiagnosis() {
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
        sb.append(stuck != null
                ? "\nUnstick it on " + node.id() + " with SYSTEM RESTART REPLICA " + stuck + ", wait until is_readonly is 0, then run the step again"
                : "\nWait until the inactive replicas are back and the queues drain, then run the step again");
        return sb.toString();
    }
}

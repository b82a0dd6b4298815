package dev.chrunbook.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Row-by-row comparison of two tables' values on the current cluster, by uuid, shard by shard. */
public final class RowValues {
    private RowValues() {
    }

    /**
     * Per column of {@code older} (stored and MATERIALIZED, not ALIAS), how many of its rows matching
     * {@code where} hold another value in {@code newer}'s row with the same uuid. Both tables are local on
     * each shard; every such row of {@code older} must have its row in {@code newer}.
     */
    public static Map<String, Long> differing(String database, String older, String newer, String where) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (int n = 1; n <= CurrentCluster.NODES; n++) {
            List<String> columns = new ArrayList<>();
            CurrentCluster.rows(n, "SELECT name FROM system.columns WHERE database = '" + database + "' AND table = '" + older + "'"
                    + " AND default_kind != 'ALIAS' AND name != 'uuid' ORDER BY position").forEach(r -> columns.add(r[0]));
            StringBuilder side = new StringBuilder("uuid");
            StringBuilder counts = new StringBuilder("count()");
            for (int i = 0; i < columns.size(); i++) {
                side.append(", `").append(columns.get(i)).append("` AS c").append(i);
                counts.append(", countIf(o.c").append(i).append(" != t.c").append(i).append(")");
            }
            String[] row = CurrentCluster.rows(n, "SELECT " + counts + " FROM (SELECT " + side + " FROM `" + database + "`.`" + older
                    + "` WHERE " + where + ") AS o INNER JOIN (SELECT " + side + " FROM `" + database + "`.`" + newer + "`) AS t USING (uuid)").get(0);
            long expected = CurrentCluster.count(n, "SELECT count() FROM `" + database + "`.`" + older + "` WHERE " + where);
            if (expected != Long.parseLong(row[0])) {
                throw new AssertionError("node " + n + ": " + expected + " rows of " + older + " but " + row[0] + " found in " + newer);
            }
            for (int i = 0; i < columns.size(); i++) {
                long d = Long.parseLong(row[i + 1]);
                if (d > 0) {
                    out.merge(columns.get(i), d, Long::sum);
                }
            }
        }
        return out;
    }
}

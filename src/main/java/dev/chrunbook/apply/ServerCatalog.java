package dev.chrunbook.apply;

import dev.chrunbook.SqlQuoting;
import dev.chrunbook.clickhouse.ClickHouseClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What the node a step applies on says of itself, read where several kinds need the same answer. */
public final class ServerCatalog {
    private static final Logger LOG = LoggerFactory.getLogger(ServerCatalog.class);

    private ServerCatalog() {
    }

    /**
     * The settings less those this server does not know (drop_unknown_settings), each left out
     * logged so that the operator sees it.
     *
     * @param where the step and node, for the log
     */
    public static Map<String, String> knownSettings(ClickHouseClient client, Map<String, String> settings, String where) {
        if (settings.isEmpty()) {
            return settings;
        }
        String names = String.join(", ", settings.keySet().stream().map(SqlQuoting::literal).toList());
        Set<String> known = new HashSet<>();
        client.select("SELECT name FROM system.settings WHERE name IN (" + names + ")").forEach(r -> known.add(r.get(0)));
        Map<String, String> kept = new LinkedHashMap<>();
        settings.forEach((k, v) -> {
            if (known.contains(k)) {
                kept.put(k, v);
            } else {
                LOG.warn("{}: server does not know setting {}; not sent", where, k);
            }
        });
        return kept;
    }

    /** The columns a copy into {@code target} writes, quoted, and whether MATERIALIZED ones are among them. */
    public record CopiedColumns(List<String> columns, boolean materialized) {
        /** What an INSERT needs to write MATERIALIZED columns as data (18.16 and current servers alike). */
        public Map<String, String> settings(Map<String, String> settings) {
            if (!materialized) {
                return settings;
            }
            Map<String, String> out = new LinkedHashMap<>(settings);
            out.put("insert_allow_materialized_columns", "1");
            return out;
        }
    }

    /**
     * The columns a copy from {@code source} into {@code target} writes: every column the target stores,
     * and its MATERIALIZED columns that the source has too, whose stored values are copied as data
     * (computing them again would give today's expression's values, not those the rows were written with).
     */
    public static CopiedColumns copiedColumns(ClickHouseClient client, String database, String target, String source) {
        List<String> out = new ArrayList<>();
        boolean materialized = false;
        for (List<String> r : client.select("SELECT name, default_kind FROM system.columns WHERE database = " + SqlQuoting.literal(database)
                + " AND table = " + SqlQuoting.literal(target) + " AND (default_kind IN ('', 'DEFAULT') OR (default_kind = 'MATERIALIZED'"
                + " AND name IN (SELECT name FROM system.columns WHERE database = " + SqlQuoting.literal(database)
                + " AND table = " + SqlQuoting.literal(source) + " AND default_kind != 'ALIAS')))")) {
            out.add(SqlQuoting.identifier(r.get(0)));
            materialized |= "MATERIALIZED".equals(r.get(1));
        }
        return new CopiedColumns(out, materialized);
    }

    /** The columns a row of the table stores (DEFAULT ones included), quoted; empty when there is no such table. */
    public static List<String> storedColumns(ClickHouseClient client, String database, String table) {
        List<String> out = new ArrayList<>();
        for (List<String> r : client.select("SELECT name FROM system.columns WHERE database = " + SqlQuoting.literal(database)
                + " AND table = " + SqlQuoting.literal(table) + " AND default_kind IN ('', 'DEFAULT')")) {
            out.add(SqlQuoting.identifier(r.get(0)));
        }
        return out;
    }
}

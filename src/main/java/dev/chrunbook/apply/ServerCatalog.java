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

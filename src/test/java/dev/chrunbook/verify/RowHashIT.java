package dev.chrunbook.verify;

import dev.chrunbook.clickhouse.ClickHouseClient;
import dev.chrunbook.clickhouse.Credentials;
import dev.chrunbook.clickhouse.JdbcConnector;
import dev.chrunbook.testing.ClusterNodes;
import dev.chrunbook.testing.CurrentCluster;
import dev.chrunbook.testing.LocalCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The values' hash on real servers (18.16 and 26.7): every row counts, a NULL too (a hash of a NULL
 * argument is NULL on both, and sum() leaves NULLs out: such a row would be compared by nothing), and
 * a NULL differs from the type's default.
 */
@ExtendWith(LocalCluster.class)
class RowHashIT {
    @Test
    void aRowWithANullIsHashedAndItsNullDiffersFromTheDefault(ClusterNodes cluster) throws Exception {
        CurrentCluster.ensureUp();
        for (int port : List.of(8121, 8131)) {
            String db = port == 8121 ? cluster.database() : "default";
            try (ClickHouseClient client = new JdbcConnector(new Credentials("default", ""), false).connect("127.0.0.1", port)) {
                String table = db + ".row_hash_it";
                client.execute("DROP TABLE IF EXISTS " + table, null, Map.of());
                client.execute("CREATE TABLE " + table + " (id UUID, at Nullable(DateTime), name Nullable(String), n Int32)"
                        + " ENGINE = MergeTree ORDER BY n", null, Map.of());
                client.execute("INSERT INTO " + table + " VALUES ('00000000-0000-0000-0000-000000000001', NULL, 'a', 1), ('00000000-0000-0000-0000-000000000002', 0, NULL, 2),"
                        + " ('00000000-0000-0000-0000-000000000003', 0, '', 3)", null, Map.of());
                Map<String, String> columns = new java.util.LinkedHashMap<>(RowHash.storedColumns(client, db, "row_hash_it"));
                columns.keySet().retainAll(List.of("at", "name")); // (NULL, 'a'), (0, NULL), (0, ''): three rows, three values
                String hash = RowHash.valuesHash(client, table, columns);
                assertEquals("3", client.selectOne("SELECT count(" + hash + ") FROM " + table), "every row hashed on " + port + ": " + hash);
                assertEquals("3", client.selectOne("SELECT uniqExact(" + hash + ") FROM " + table), "a NULL is not the default on " + port);
                client.execute("DROP TABLE " + table, null, Map.of());
            }
        }
    }
}

package dev.chrunbook.verify;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The memory bounds every statement of the verify carries, and the hash pieces of a large slice. */
class SliceSqlTest {
    private static final RowHash HASH = new RowHash("`uuid`", "cityHash64(reinterpretAsString(`uuid`))", "cityHash64(`uuid`, `v`)",
            List.of("uuid", "v"), List.of());
    private static final SliceSql SQL = new SliceSql("`db`.`old`", "`db`.`new`", HASH, "`_timestamp`", 256L << 20);

    @Test
    void aStatementIsStoppedAtTwiceTheBudgetAndAGroupBySpillsAtHalfOfIt() {
        assertEquals(Map.of("max_memory_usage", String.valueOf(512L << 20)), SQL.limited());
        assertEquals(Map.of("max_memory_usage", String.valueOf(512L << 20), "max_bytes_before_external_group_by", String.valueOf(128L << 20)),
                SQL.spilling());
        for (String sql : List.of(SQL.newIds("w", 0, 1), SQL.idStream("w"), SQL.ids(true, "w"), SQL.values(false, "w"), SQL.versions("w"),
                SQL.drillDown("w", "w", 0, 1, 20), SQL.doubled("w", 20))) {
            assertFalse(sql.contains("SETTINGS"), "settings travel with the request (18.16 does not limit a query by its SETTINGS clause): " + sql);
        }
    }

    @Test
    void aPieceOfASliceIsItsIdsOfOneHashRemainder() {
        assertTrue(SQL.newIds("w", 2, 3).contains("WHERE w AND cityHash64(reinterpretAsString(`uuid`)) % 3 = 2)"), SQL.newIds("w", 2, 3));
        assertFalse(SQL.newIds("w", 0, 1).contains("%"), "one piece reads the slice whole");
        assertTrue(SQL.drillDown("o", "w", 1, 4, 20).contains("WHERE w AND cityHash64(reinterpretAsString(`uuid`)) % 4 = 1)")
                && SQL.drillDown("o", "w", 1, 4, 20).contains("FROM `db`.`old` WHERE o AND cityHash64(reinterpretAsString(`uuid`)) % 4 = 1)"),
                SQL.drillDown("o", "w", 1, 4, 20));
    }
}

package dev.chrunbook.chunks;

import dev.chrunbook.state.ChunkState;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChunkSqlTest {
    private final ChunkSql sql = new ChunkSql("db", "events", "events_new", List.of("`id`", "`ts`", "`v`"), "toDate(ts)", "id", "_ingested");

    @Test
    void aWholePartitionAndTheRangesOfASplitOneAreSelectedByPartitionIdAndHalfOpenRanges() {
        assertEquals("_partition_id = '202401'", sql.where(ChunkState.planned(1, "202401", null, null, 10, 10)));
        assertEquals("_partition_id = '202402' AND toUInt64(toDate(ts)) < 19755",
                sql.where(ChunkState.planned(2, "202402", null, 19755L, 10, 10)));
        assertEquals("_partition_id = '202402' AND toUInt64(toDate(ts)) >= 19755 AND toUInt64(toDate(ts)) < 19760",
                sql.where(ChunkState.planned(3, "202402", 19755L, 19760L, 10, 10)));
        assertEquals("_partition_id = '202402' AND toUInt64(toDate(ts)) >= 19760",
                sql.where(ChunkState.planned(4, "202402", 19760L, null, 10, 10)));
    }

    @Test
    void theTemporaryTableIsTheTargetWithoutReplicationUnderItsOwnName() {
        String created = sql.create("CREATE TABLE db.events_new (`id` UUID, `ts` DateTime, `v` String) ENGINE = "
                + "ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/db.events_new_r1', '{replica}', ts) PARTITION BY toYYYYMM(ts)"
                + " ORDER BY (v, id) SETTINGS index_granularity = 8192", "events_new_chunk_202401_1");
        assertTrue(created.contains("`db`.`events_new_chunk_202401_1`") || created.contains("db.events_new_chunk_202401_1"), created);
        assertTrue(created.contains("ENGINE = ReplacingMergeTree(ts)"), created);
        assertTrue(created.contains("PARTITION BY toYYYYMM(ts)") && created.contains("ORDER BY (v, id)"), created);
        assertTrue(!created.contains("/clickhouse/tables"), created);
    }

    @Test
    void replaceAndAttachNameThePartitionById() {
        assertEquals("ALTER TABLE `db`.`events_new` REPLACE PARTITION ID '202401' FROM `db`.`t1`", sql.replace("202401", "t1"));
        assertEquals("ALTER TABLE `db`.`p` ATTACH PARTITION ID '202401' FROM `db`.`t1`", sql.attach("202401", "t1", "p"));
        assertEquals("ALTER TABLE `db`.`events_new` REPLACE PARTITION ID '202401' FROM `db`.`t1`, REPLACE PARTITION ID '2024\\'02' FROM `db`.`t1`",
                sql.replace(List.of("202401", "2024'02"), "t1"), "a chunk of several partitions replaces them in one ALTER, each id quoted");
        assertEquals("ALTER TABLE `db`.`p` ATTACH PARTITION ID '202401' FROM `db`.`t1`, ATTACH PARTITION ID '2024\\'02' FROM `db`.`t1`",
                sql.attach(List.of("202401", "2024'02"), "t1", "p"), "several partitions attached in one ALTER, each id quoted");
    }

    @Test
    void twoTablesFingerprintsAreOneStatementEachRowLedByItsTable() {
        Instant bound = Instant.parse("2026-12-01T10:00:30Z");
        String both = sql.fingerprints("events_new_chunk_1", "events", "_partition_id = '202401'", bound, true);
        assertEquals("SELECT 'events_new_chunk_1', count(), uniqExact(`id`), toString(sum(cityHash64(toString(`id`))))"
                + " FROM `db`.`events_new_chunk_1` WHERE _partition_id = '202401' AND `_ingested` < toDateTime('2026-12-01 10:00:30')"
                + " UNION ALL SELECT 'events', count(), uniqExact(`id`), toString(sum(cityHash64(toString(`id`))))"
                + " FROM `db`.`events` WHERE _partition_id = '202401' AND `_ingested` < toDateTime('2026-12-01 10:00:30')", both);
        var sides = ChunkCopier.sides(List.of(List.of("events", "3", "3", "9"), List.of("events_new_chunk_1", "2", "2", "8")));
        assertEquals(List.of("3", "3", "9"), sides.get("events"), "rows come in any order: each is found by its table");
        assertEquals(List.of("2", "2", "8"), sides.get("events_new_chunk_1"));
    }

    @Test
    void aFingerprintCountsIdsAndHashesRowsIngestedBeforeTheBound() {
        String fp = sql.fingerprint("events", "_partition_id = '202401'", Instant.parse("2026-12-01T10:00:30Z"));
        assertEquals("SELECT count(), 0, toString(sum(cityHash64(toString(`id`)))) FROM `db`.`events`"
                + " WHERE _partition_id = '202401' AND `_ingested` < toDateTime('2026-12-01 10:00:30')", fp);
        ChunkSql noIngestion = new ChunkSql("db", "a", "b", List.of("`x`"), "", "", "");
        assertEquals("SELECT count(), 0, toString(sum(cityHash64(toString(tuple(`x`))))) FROM `db`.`a` WHERE _partition_id = 'all'",
                noIngestion.fingerprint("a", "_partition_id = 'all'", Instant.now()));
    }

    @Test
    void chunkTablesAreNamedByPartitionAndIndex() {
        assertEquals("events_new_chunk_2024_01_7", sql.chunkTable(ChunkState.planned(7, "2024-01", null, null, 1, 1)));
        assertEquals("events_new_chunk_2024_01", sql.partitionTable("2024-01"));
    }
}

package dev.chrunbook.ddl;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CreateQueryTest {
    /** As 18.16 prints it: plain names, computed columns moved to the end, no CODEC/TTL/indices. */
    static final String OLD = "CREATE TABLE exp.src ( id UUID,  ts DateTime,  v String DEFAULT 'x',  _ing DateTime,  "
            + "m String MATERIALIZED upper(v),  d Date ALIAS toDate(ts)) ENGINE = ReplicatedReplacingMergeTree("
            + "'/clickhouse/tables/{shard}/exp.src', '{replica}', _ing) PARTITION BY toYYYYMM(ts) ORDER BY (ts, id) "
            + "SETTINGS index_granularity = 4096";

    /** As a current server prints a PostHog-like table: quoted names, CODEC, COMMENT, indices, a projection, TTL. */
    static final String CURRENT = "CREATE TABLE posthog.sharded_events (`uuid` UUID, `event` String, "
            + "`properties` String CODEC(ZSTD(3)), `timestamp` DateTime64(6, 'UTC'), `team_id` Int64, `distinct_id` String, "
            + "`_timestamp` DateTime, `app_version` String DEFAULT 'v1' COMMENT 'client, build', "
            + "`ts_day` Date ALIAS toDate(timestamp), "
            + "`mat_$current_url` String MATERIALIZED replaceRegexpAll(JSONExtractRaw(properties, '$current_url'), '^\"|\"$', ''), "
            + "INDEX minmax_url `mat_$current_url` TYPE minmax GRANULARITY 1, INDEX bf_event event TYPE bloom_filter GRANULARITY 4, "
            + "PROJECTION by_team (SELECT team_id, count() GROUP BY team_id)) "
            + "ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/posthog.sharded_events', '{replica}', _timestamp) "
            + "PARTITION BY toYYYYMM(timestamp) ORDER BY (team_id, toDate(timestamp), cityHash64(distinct_id), cityHash64(uuid)) "
            + "SAMPLE BY cityHash64(distinct_id) TTL toDate(timestamp) + toIntervalYear(5) "
            + "SETTINGS storage_policy = 'default', index_granularity = 8192";

    private static final StagingDerivation.Spec SPEC = new StagingDerivation.Spec("posthog", "staging",
            "/zk/{shard}/posthog.staging_r1", "team_id, toDate(timestamp), event, cityHash64(uuid)", null, null, null, null);
    /** The same, computed columns left for later (materialized: recompute). */
    private static final StagingDerivation.Spec RECOMPUTE = new StagingDerivation.Spec("posthog", "staging",
            "/zk/{shard}/posthog.staging_r1", "team_id, toDate(timestamp), event, cityHash64(uuid)", null, null, null, null,
            java.util.Map.of(), true);

    @Test
    void readsEveryPartOfACurrentDefinition() {
        CreateQuery q = CreateQuery.parse(CURRENT);
        assertEquals("TABLE", q.objectKind());
        assertEquals(List.of("uuid", "event", "properties", "timestamp", "team_id", "distinct_id", "_timestamp", "app_version",
                "ts_day", "mat_$current_url"), q.columns().stream().map(TableElement::name).toList());
        assertEquals("DEFAULT", q.columns().get(7).defaultKind());
        assertEquals("ALIAS", q.columns().get(8).defaultKind());
        assertEquals("MATERIALIZED", q.columns().get(9).defaultKind());
        assertEquals(13, q.elements().size());
        assertEquals("ReplacingMergeTree", q.engine().family());
        assertEquals(List.of("_timestamp"), q.engine().params());
        assertEquals("toDate(timestamp) + toIntervalYear(5)", q.clause("TTL").orElseThrow());
        assertEquals("storage_policy = 'default', index_granularity = 8192", q.clause("SETTINGS").orElseThrow());
    }

    @Test
    void stagingKeepsMaterializedColumnsForTheCopyToWriteTheirStoredValues() {
        StagingDerivation.Result r = StagingDerivation.derive(CreateQuery.parse(CURRENT), SPEC);
        String sql = r.staging().sql(false, null);
        assertTrue(sql.contains("`mat_$current_url` String MATERIALIZED replaceRegexpAll(JSONExtractRaw(properties, '$current_url'), '^\"|\"$', '')"), sql);
        assertTrue(sql.contains("`ts_day` Date ALIAS toDate(timestamp)"), sql);
        assertTrue(sql.contains("INDEX minmax_url `mat_$current_url` TYPE minmax GRANULARITY 1"), sql);
        assertEquals(List.of(), r.later(), "nothing is left to add after the copy");
    }

    /** A projection on a ReplacingMergeTree created before deduplicate_merge_projection_mode existed (PostHog's 0060). */
    @Test
    void aMergingEngineWithAProjectionGetsAProjectionModeTheServerAccepts() {
        CreateQuery source = CreateQuery.parse(CURRENT);
        assertEquals("storage_policy = 'default', index_granularity = 8192, deduplicate_merge_projection_mode = 'rebuild'",
                StagingDerivation.derive(source, SPEC).staging().clause("SETTINGS").orElseThrow());
        StagingDerivation.Spec drop = new StagingDerivation.Spec("posthog", "staging", "/zk/{shard}/posthog.staging_r1",
                "team_id, uuid", null, null, null, null, java.util.Map.of("deduplicate_merge_projection_mode", "'drop'",
                "index_granularity", "4096"), false);
        assertEquals("storage_policy = 'default', index_granularity = 4096, deduplicate_merge_projection_mode = 'drop'",
                StagingDerivation.derive(source, drop).staging().clause("SETTINGS").orElseThrow(), "the runbook's settings win");
        CreateQuery plain = CreateQuery.parse(CURRENT.replace("ReplicatedReplacingMergeTree", "ReplicatedMergeTree")
                .replace("'{replica}', _timestamp)", "'{replica}')"));
        assertEquals("storage_policy = 'default', index_granularity = 8192",
                StagingDerivation.derive(plain, SPEC).staging().clause("SETTINGS").orElseThrow(), "a plain MergeTree needs no mode");
    }

    @Test
    void stagingKeepsEverythingButTheDeclaredChangesAndDefersComputedColumnsWhenAskedToRecompute() {
        StagingDerivation.Result r = StagingDerivation.derive(CreateQuery.parse(CURRENT), RECOMPUTE);
        String sql = r.staging().sql(false, null);
        assertTrue(sql.startsWith("CREATE TABLE `posthog`.`staging`"), sql);
        assertTrue(sql.contains("`properties` String CODEC(ZSTD(3))"), sql);
        assertTrue(sql.contains("`app_version` String DEFAULT 'v1' COMMENT 'client, build'"), sql);
        assertTrue(sql.contains("INDEX bf_event event TYPE bloom_filter GRANULARITY 4"), sql);
        assertTrue(sql.contains("PROJECTION by_team (SELECT team_id, count() GROUP BY team_id)"), sql);
        assertTrue(sql.contains("ENGINE = ReplicatedReplacingMergeTree('/zk/{shard}/posthog.staging_r1', '{replica}', _timestamp)"), sql);
        assertTrue(sql.contains("ORDER BY team_id, toDate(timestamp), event, cityHash64(uuid)"), sql);
        assertTrue(sql.contains("SAMPLE BY cityHash64(distinct_id)\nTTL toDate(timestamp) + toIntervalYear(5)\n"
                + "SETTINGS storage_policy = 'default', index_granularity = 8192, deduplicate_merge_projection_mode = 'rebuild'"), sql);
        assertTrue(!sql.contains("ts_day") && !sql.contains("mat_$current_url"), sql);
        assertEquals(List.of(
                new StagingDerivation.AddedLater("column", "ts_day", "COLUMN `ts_day` Date ALIAS toDate(timestamp)", "app_version"),
                new StagingDerivation.AddedLater("column", "mat_$current_url", "COLUMN `mat_$current_url` String MATERIALIZED "
                        + "replaceRegexpAll(JSONExtractRaw(properties, '$current_url'), '^\"|\"$', '')", "ts_day"),
                new StagingDerivation.AddedLater("index", "minmax_url", "INDEX minmax_url `mat_$current_url` TYPE minmax GRANULARITY 1", "")),
                r.later());
    }

    @Test
    void theStagingTableOnceCompleteDiffersFromTheSourceOnlyInTheDeclaredClauses() {
        CreateQuery source = CreateQuery.parse(CURRENT);
        StagingDerivation.Result r = StagingDerivation.derive(source, SPEC);
        // what the server would show after the later ALTERs: the deferred entries back in place
        CreateQuery complete = r.staging().withElements(source.elements());
        assertEquals(List.of(new SchemaDiff.Difference("setting deduplicate_merge_projection_mode", "", "'rebuild'")),
                SchemaDiff.compare(source, complete, Set.of("ORDER BY", "PRIMARY KEY", "SAMPLE BY")), "the one setting added, shown");
        assertEquals(List.of(new SchemaDiff.Difference("ORDER BY",
                        "(team_id, toDate(timestamp), cityHash64(distinct_id), cityHash64(uuid))",
                        "team_id, toDate(timestamp), event, cityHash64(uuid)"),
                        new SchemaDiff.Difference("setting deduplicate_merge_projection_mode", "", "'rebuild'")),
                SchemaDiff.compare(source, complete, Set.of()));
    }

    @Test
    void aChangedColumnTypeOrDefaultIsADifference() {
        CreateQuery source = CreateQuery.parse(OLD);
        CreateQuery other = CreateQuery.parse(OLD.replace("DEFAULT 'x'", "DEFAULT 'y'")
                .replace("_ing DateTime,", "_ing Date,").replace("4096", "8192"));
        List<SchemaDiff.Difference> d = SchemaDiff.compare(source, other, Set.of());
        assertEquals(List.of("column v", "column _ing", "setting index_granularity"), d.stream().map(SchemaDiff.Difference::what).toList());
        assertEquals("_ing DateTime", d.get(1).source());
        assertEquals("_ing Date", d.get(1).target());
    }

    @Test
    void readsTheOldServersSpellingWithComputedColumnsLast() {
        CreateQuery q = CreateQuery.parse(OLD);
        StagingDerivation.Result r = StagingDerivation.derive(q, new StagingDerivation.Spec("exp", "st", "/p/{shard}/st", "(id, ts)",
                null, null, null, null, java.util.Map.of(), true));
        assertEquals(List.of("id", "ts", "v", "_ing"), r.staging().columns().stream().map(TableElement::name).toList());
        assertEquals("COLUMN m String MATERIALIZED upper(v)", r.later().get(0).sql());
        assertEquals("_ing", r.later().get(0).after());
    }

    @Test
    void mirrorsAKafkaTableWithAnotherGroupAndKeepsItsOtherSettings() {
        CreateQuery kafka = CreateQuery.parse("CREATE TABLE exp.k ( id String,  ts DateTime,  v String) ENGINE = Kafka SETTINGS "
                + "kafka_broker_list = '127.0.0.1:9092', kafka_topic_list = 'exp_t', kafka_group_name = 'g1', kafka_format = 'Protobuf', "
                + "kafka_schema = 'events:Msg', kafka_num_consumers = 2");
        String sql = kafka.withName("exp", "k_catchup").withSetting("kafka_group_name", "'g2'").sql(false, "posthog");
        assertEquals("CREATE TABLE `exp`.`k_catchup` ON CLUSTER `posthog`\n(\n    id String,\n    ts DateTime,\n    v String\n)\n"
                + "ENGINE = Kafka\nSETTINGS kafka_broker_list = '127.0.0.1:9092', kafka_topic_list = 'exp_t', kafka_group_name = 'g2', "
                + "kafka_format = 'Protobuf', kafka_schema = 'events:Msg', kafka_num_consumers = 2", sql);
    }

    /** PostHog's kafka_events_json (posthog/clickhouse/kafka_engine.py, KAFKA_NAMED_COLLECTION_ENGINE) as 26.7 prints it. */
    @Test
    void setsTheGroupOfAKafkaTableOverANamedCollectionWithKeyValueArguments() {
        CreateQuery kafka = CreateQuery.parse("CREATE TABLE posthog.kafka_events_json (`uuid` UUID, `event` String) ENGINE = "
                + "Kafka(msk_cluster, kafka_topic_list = 'clickhouse_events_json', kafka_group_name = 'clickhouse_events_json', "
                + "kafka_format = 'JSONEachRow') SETTINGS kafka_skip_broken_messages = 100");
        CreateQuery mirror = kafka.withName("posthog", "kafka_events_json_catchup").withSetting("kafka_group_name", "'catchup_1'");
        assertEquals("Kafka(msk_cluster, kafka_topic_list = 'clickhouse_events_json', kafka_group_name = 'catchup_1', "
                + "kafka_format = 'JSONEachRow')", mirror.engine().sql(), "the group replaced where the table names it, nothing added");
        assertEquals("kafka_skip_broken_messages = 100", mirror.clause("SETTINGS").orElseThrow());
    }

    @Test
    void setsTheGroupOfAKafkaTableOverANamedCollectionAlone() {
        CreateQuery kafka = CreateQuery.parse("CREATE TABLE p.k (a String) ENGINE = Kafka(msk_cluster)");
        assertEquals("Kafka(msk_cluster, kafka_group_name = 'g2')", kafka.withSetting("kafka_group_name", "'g2'").engine().sql(),
                "the collection's group overridden by a key = value argument");
    }

    @Test
    void setsTheGroupOfAKafkaTableWithPositionalArguments() {
        CreateQuery kafka = CreateQuery.parse("CREATE TABLE p.k (a String) ENGINE = Kafka('b:9092', 'topic', 'g1', 'JSONEachRow')");
        assertEquals("Kafka('b:9092', 'topic', 'g2', 'JSONEachRow')", kafka.withSetting("kafka_group_name", "'g2'").engine().sql());
        assertThrows(DdlException.class, () -> kafka.withSetting("kafka_num_consumers", "2"),
                "a setting past the positional arguments cannot be placed without changing the others' meaning");
    }

    @Test
    void mirrorsAViewAndADistributedTableRetargeted() {
        CreateQuery mv = CreateQuery.parse("CREATE MATERIALIZED VIEW exp.mv TO exp.w ( id UUID,  ts DateTime) AS SELECT toUUID(id) AS id, "
                + "ts FROM exp.k ");
        String sql = mv.withName("exp", "mv_c").withTarget("exp", "w_c").withTableReplaced("exp", "k", "k_c").sql(false, "c");
        assertEquals("CREATE MATERIALIZED VIEW `exp`.`mv_c` ON CLUSTER `c` TO `exp`.`w_c`\n(\n    id UUID,\n    ts DateTime\n)\n"
                + "AS SELECT toUUID(id) AS id, ts FROM `exp`.`k_c`", sql);
        CreateQuery dist = CreateQuery.parse("CREATE TABLE exp.w ( id UUID) ENGINE = Distributed('posthog', 'exp', 'src', rand())");
        assertEquals("Distributed('posthog', 'exp', 'staging', rand())", dist.engine().withDistributedTable("staging").sql());
        assertThrows(DdlException.class, () -> mv.withTableReplaced("exp", "other", "x"));
    }

    @Test
    void refusesWhatItCannotExpress() {
        CreateQuery q = CreateQuery.parse(CURRENT);
        assertThrows(DdlException.class, () -> StagingDerivation.derive(q, new StagingDerivation.Spec("posthog", "s", "/p",
                "team_id, ts_day", null, null, null, null, java.util.Map.of(), true)), "a sort key on an ALIAS column added later");
        assertThrows(DdlException.class, () -> StagingDerivation.derive(q, new StagingDerivation.Spec("posthog", "s", null,
                "team_id", null, null, null, null)), "a replicated table without a new ZooKeeper path");
        assertThrows(DdlException.class, () -> CreateQuery.parse("CREATE TABLE t (a UInt8"));
        assertThrows(DdlException.class, () -> CreateQuery.parse("DROP TABLE t"));
    }
}

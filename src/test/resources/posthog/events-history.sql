-- What PostHog's migrations and its materialized-columns code did to sharded_events after it was created,
-- in the order they did it (each from PostHog/posthog, read through the code index):
--   ee/clickhouse/materialized_columns/columns.py @001afef67525dfa6b7df3c663f806da2ba2994c2: the older
--       materialize(): a VARCHAR MATERIALIZED column, never backfilled, with its column_materializer comment
--   ee/clickhouse/materialized_columns/columns.py @929ee3a40c55ece283223a56fe9b292bb5c7c931: today's columns
--       are DEFAULT, with a minmax index on sharded_events and a plain commented column on events
--   posthog/models/event/sql.py @055f2c3c383aeb33dab89e232db0ab2e2d723fd8: EVENTS_TABLE_INSERTED_AT_INDEX_SQL
--   posthog/clickhouse/property_groups.py @018aeba854ca56d51455cf237f723c6140b721b7:
--       get_alter_modify_statements (MODIFY COLUMN in place: "does not modify the materialized data on disk")
--   posthog/clickhouse/migrations/0060_inserted_at_batch_exports_projection.py @f7679df992dd544ed22dfd28b9d1a62b7b6ead3a
-- Lines '-- @rows' mark where the test ingests a batch of events, so that rows exist under each definition.
-- The projection is part of sharded_events's metadata from the start (the test attaches the table as an
-- upgraded server does: a table created before deduplicate_merge_projection_mode existed).

ALTER TABLE sharded_events ON CLUSTER 'posthog' ADD COLUMN IF NOT EXISTS `mat_$browser` VARCHAR MATERIALIZED replaceRegexpAll(JSONExtractRaw(properties, '$browser'), '^"|"$', '')
;
ALTER TABLE sharded_events ON CLUSTER 'posthog' COMMENT COLUMN `mat_$browser` 'column_materializer::$browser'
;
ALTER TABLE events ON CLUSTER 'posthog' ADD COLUMN IF NOT EXISTS `mat_$browser` VARCHAR COMMENT 'column_materializer::$browser'
;
-- @rows
ALTER TABLE sharded_events ON CLUSTER 'posthog' ADD COLUMN IF NOT EXISTS `mat_$current_url` String DEFAULT replaceRegexpAll(JSONExtractRaw(properties, '$current_url'), '^"|"$', '') COMMENT 'column_materializer::properties::$current_url', ADD INDEX IF NOT EXISTS `minmax_mat_$current_url` `mat_$current_url` TYPE minmax GRANULARITY 1
;
ALTER TABLE events ON CLUSTER 'posthog' ADD COLUMN IF NOT EXISTS `mat_$current_url` String COMMENT 'column_materializer::properties::$current_url'
;
ALTER TABLE sharded_events ON CLUSTER 'posthog' ADD INDEX `minmax_inserted_at` COALESCE(`inserted_at`, `_timestamp`) TYPE minmax GRANULARITY 1
;
-- @rows
ALTER TABLE sharded_events ON CLUSTER 'posthog' MODIFY COLUMN properties_group_custom Map(String, String)
            MATERIALIZED mapSort(
                mapFilter((key, _) -> key NOT LIKE '$%' AND key NOT IN ('token', 'distinct_id', 'utm_source', 'utm_medium', 'utm_campaign', 'utm_content', 'utm_term', 'gclid', 'gad_source', 'gclsrc', 'dclid', 'gbraid', 'wbraid', 'fbclid', 'msclkid', 'twclid', 'li_fat_id', 'mc_cid', 'igshid', 'ttclid', 'rdt_cid', 'epik', 'qclid', 'sccid', 'irclid', '_kx'),
                CAST(JSONExtractKeysAndValues(properties, 'String'), 'Map(String, String)'))
            )
            CODEC(ZSTD(1)), ADD INDEX IF NOT EXISTS properties_group_custom_keys_bf mapKeys(properties_group_custom) TYPE bloom_filter, ADD INDEX IF NOT EXISTS properties_group_custom_values_bf mapValues(properties_group_custom) TYPE bloom_filter
;
-- @rows

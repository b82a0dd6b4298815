<#--
  swap-rollback (rollback of swap; on: cluster-once)
  Puts the pre-migration table back as the source, keeps ingesting with the same consumer group
  (so nothing is skipped or read twice), and copies back what the new table received after the
  swap began (by the version column, which the main view sets to the ingestion time). Rows ingested
  in that second may then be in the source twice; its ReplacingMergeTree
  key removes them at the next merge (OPTIMIZE ... FINAL to force it).
  vars: source, staging, backup_suffix, kafka_table, catchup_kafka_table, kafka_mv, writable, mv_select
-->
DROP TABLE IF EXISTS ${ident(database, kafka_mv)} ON CLUSTER ${cluster};

RENAME TABLE
    ${ident(database, source)} TO ${ident(database, staging)},
    ${ident(database, source + "_" + backup_suffix + "_" + run_id)} TO ${ident(database, source)}
ON CLUSTER ${cluster};

CREATE MATERIALIZED VIEW ${ident(database, kafka_mv)} ON CLUSTER ${cluster} TO ${ident(database, writable)}
AS SELECT ${sql(mv_select)} FROM ${ident(database, kafka_table)};

<#assign base = table_columns(database, source)?filter(c -> c.default_kind == "")>
INSERT INTO ${ident(database, writable)} (<#list base as c>${ident(c.name)}<#sep>, </#list>)
SELECT <#list base as c>${ident(c.name)}<#sep>, </#list>
FROM cluster(${cluster}, ${database}, ${staging})
WHERE ${ident(version_column)} >= toDateTime(${lit(step_started("swap"))})

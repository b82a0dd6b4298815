<#--
  swap-rollback (rollback of swap; on: cluster-once)
  Puts the pre-migration table back as the source, keeps ingesting with the same consumer group
  and the same view (recreated from the definition stop-ingestion kept), and copies back what the
  new table received after the swap began, by the ingestion column. Rows ingested in that second
  may then be in the source twice; its ReplacingMergeTree key removes them at the next merge
  (OPTIMIZE ... FINAL to force it).
  vars: source, staging, backup_suffix, kafka_mv, writable, ingested_column
-->
DROP TABLE IF EXISTS ${ident(database, kafka_mv)} ON CLUSTER ${cluster};

RENAME TABLE
    ${ident(database, source)} TO ${ident(database, staging)},
    ${ident(database, source + "_" + backup_suffix + "_" + run_id)} TO ${ident(database, source)}
ON CLUSTER ${cluster};

${mirror(database, kafka_mv, {"name": kafka_mv, "on_cluster": cluster, "from_step": "stop-ingestion"})};

<#assign stored = table_columns(database, source)?filter(c -> c.default_kind == "" || c.default_kind == "DEFAULT")>
INSERT INTO ${ident(database, writable)} (<#list stored as c>${ident(c.name)}<#sep>, </#list>)
SELECT <#list stored as c>${ident(c.name)}<#sep>, </#list>
FROM cluster(${cluster}, ${database}, ${staging})
WHERE ${ident(ingested_column)} >= toDateTime(${lit(step_started("swap"))})

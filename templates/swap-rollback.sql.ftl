<#--
  swap-rollback (rollback of swap; on: cluster-once)
  Puts the pre-migration table back as the source, keeps ingesting with the same consumer group
  and the same view (recreated from the definition stop-ingestion kept), then copies back what
  only the new table has: its rows ingested since stop-ingestion began (minus the catch-up margin)
  whose id the old table lacks. By identity, not by time alone: with message timestamps as the
  ingestion column, events produced during the ingestion pause and consumed after the swap are
  older than the swap, and events the catch-up had read before the main view stopped never reached
  the old table; both are copied back, and nothing the old table has is copied twice.
  vars: source, staging, backup_suffix, kafka_mv, writable, id_column, ingested_column, catchup_margin_seconds
  With the default cutover: exchange, the rollback is exchange-back.sql.ftl: the same exchange again,
  then the window mended at once.
-->
<#if (cutover!"exchange") == "recreate">
DROP TABLE IF EXISTS ${ident(database, kafka_mv)} ON CLUSTER ${cluster};

RENAME TABLE
    ${ident(database, source)} TO ${ident(database, staging)},
    ${ident(database, source + "_" + backup_suffix + "_" + run_id)} TO ${ident(database, source)}
ON CLUSTER ${cluster};

${mirror(database, kafka_mv, {"name": kafka_mv, "on_cluster": cluster, "from_step": "stop-ingestion"})};

<#assign through = table_columns(database, writable)?map(c -> c.name)>
<#assign stored = table_columns(database, source)?filter(c -> (c.default_kind == "" || c.default_kind == "DEFAULT") && through?seq_contains(c.name))>
<#assign since>toDateTime(${lit(step_started("stop-ingestion"))}) - ${catchup_margin_seconds}</#assign>
INSERT INTO ${ident(database, writable)} (<#list stored as c>${ident(c.name)}<#sep>, </#list>)
SELECT <#list stored as c>${ident(c.name)}<#sep>, </#list>
FROM cluster(${cluster}, ${database}, ${staging})
WHERE ${ident(ingested_column)} >= ${since}
  AND ${ident(id_column)} NOT IN (SELECT ${ident(id_column)} FROM cluster(${cluster}, ${database}, ${source})
                                  WHERE ${ident(ingested_column)} >= ${since} - ${catchup_margin_seconds})
<#else>
<#include "exchange-back.sql.ftl">
</#if>

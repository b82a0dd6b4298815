<#--
  create-staging (on: one-replica-per-shard)
  The new table, with the source's base columns (no MATERIALIZED ones: they are added after the
  copy, which is faster) and the new sort key. The ZooKeeper path carries run_id, so it is unique
  for this migration and stable across reruns.
  vars: source, staging, zk_prefix, version_column, partition_by, order_by, sample_by,
        storage_settings (optional SQL after SETTINGS)
  Set if_not_exists (e.g. <#assign if_not_exists = true>) before including it for replicas.
-->
CREATE TABLE <#if if_not_exists!false>IF NOT EXISTS </#if>${ident(database, staging)}
(
<#list table_columns(database, source)?filter(c -> c.default_kind == "") as c>
    ${ident(c.name)} ${sql(c.type)}<#sep>,</#sep>
</#list>
)
ENGINE = ReplicatedReplacingMergeTree('${zk_prefix}/{shard}/${database}.${staging}_${run_id}', '{replica}', ${ident(version_column)})
PARTITION BY ${sql(partition_by)}
ORDER BY (${sql(order_by)})
<#if sample_by?has_content>SAMPLE BY ${sql(sample_by)}</#if>
<#if (storage_settings!"")?has_content>SETTINGS ${sql(storage_settings)}</#if>

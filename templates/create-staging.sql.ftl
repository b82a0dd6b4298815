<#--
  create-staging (on: one-replica-per-shard)
  The new table, derived from the source's own definition on this node (system.tables): every
  column with its type, DEFAULT, CODEC and COMMENT, the indices, projections, constraints, TTL and
  table settings are kept. Only these change: the ZooKeeper path (with run_id: unique for this
  migration, stable across reruns), the sort key (order_by, and primary_key / sample_by when set),
  and partition_by / version_column when the runbook sets them. MATERIALIZED and ALIAS columns, and
  the entries that use them, come back in materialized-columns, so the copy writes stored columns only.
  vars: source, staging, zk_prefix, order_by; optional: primary_key, sample_by, partition_by, version_column
  Set if_not_exists (e.g. <#assign if_not_exists = true>) before including it for replicas.
-->
<#assign spec = {"name": staging, "zookeeper_path": zk_prefix + "/{shard}/" + database + "." + staging + "_" + run_id,
                 "order_by": "(" + order_by + ")", "if_not_exists": if_not_exists!false}>
<#if primary_key??><#assign spec = spec + {"primary_key": primary_key}></#if>
<#if sample_by??><#assign spec = spec + {"sample_by": sample_by}></#if>
<#if partition_by??><#assign spec = spec + {"partition_by": partition_by}></#if>
<#if version_column??><#assign spec = spec + {"version_column": version_column}></#if>
<#if staging_settings??><#assign spec = spec + {"settings": staging_settings}></#if>
<#assign spec = spec + {"materialized": materialized!"copy"}>
${staging_table(database, source, spec)}

<#--
  distributed-columns (on: every-replica)
  The Distributed tables that read the source (distributed_tables, e.g. [events]) list their
  columns themselves: each gets the source's MATERIALIZED columns as ordinary columns with their
  COMMENT (PostHog finds materialized columns by their 'column_materializer::' comments), on every
  node, without ON CLUSTER (which fails for Distributed tables on 18.16 with internal_replication).
  Give the step a check that skips nodes where the columns are there already (see the runbooks).
  vars: source, distributed_tables
-->
<#list distributed_tables as d>
<#list table_columns(database, source)?filter(c -> c.default_kind == "MATERIALIZED") as c>
ALTER TABLE ${ident(database, d)} ADD COLUMN ${ident(c.name)} ${sql(c.type)}<#if (c.comment!"")?has_content> COMMENT ${lit(c.comment)}</#if>;
</#list>
</#list>

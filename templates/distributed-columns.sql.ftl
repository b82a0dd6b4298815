<#--
  distributed-columns (on: every-replica)
  The Distributed tables that read the source (distributed_tables, e.g. [events]) list their
  columns themselves: each gets the source's MATERIALIZED columns as ordinary columns with their
  COMMENT (PostHog finds materialized columns by their 'column_materializer::' comments), on every
  node, without ON CLUSTER (which fails for Distributed tables on 18.16 with internal_replication).
  A Distributed table that has some of them already (PostHog added $session_id_uuid to the source
  long after the others), or a rerun after a part ran, gets only what it lacks: the columns it holds are
  read from its definition as the step's attempt saw it (so what ran renders the same afterwards), and
  IF NOT EXISTS says so again where the server has it. The runbooks' check skips a node where none is
  missing.
  vars: source, distributed_tables; add_if_not_exists (default true; 18.16 has no ADD COLUMN IF NOT EXISTS: false)
-->
<#list distributed_tables as d>
<#assign present = column_names(database, d)>
<#list table_columns(database, source)?filter(c -> c.default_kind == "MATERIALIZED" && !present?seq_contains(c.name)) as c>
ALTER TABLE ${ident(database, d)} ADD COLUMN <#if add_if_not_exists!true>IF NOT EXISTS </#if>${ident(c.name)} ${sql(c.type)}<#if (c.comment!"")?has_content> COMMENT ${lit(c.comment)}</#if>;
</#list>
</#list>

<#--
  schema-gate (kind: check, on: every-replica)
  Staging is the source with only the declared changes: on this node, both definitions
  (system.tables) are compared part by part: engine family and parameters, every column (type,
  DEFAULT/MATERIALIZED/ALIAS and expression, CODEC, COMMENT, TTL) and their order, indices,
  projections, constraints, partition key, TTL and each table setting. Each difference is a row.
  The Distributed tables that read the source (distributed_tables) must hold every column of
  staging that is not an ALIAS, with its type, so that they still read everything after the swap.
  vars: source, staging, distributed_tables; schema_changes (optional list): clauses changed on
  purpose besides the sort key, e.g. ["PARTITION BY", "version"]
-->
<#list schema_differences(database, source, staging, ["ORDER BY", "PRIMARY KEY", "SAMPLE BY"] + (schema_changes![])) as d>
SELECT 'staging differs from the source' AS problem, ${lit(d.what)} AS part, ${lit(d.source)} AS in_source, ${lit(d.target)} AS in_staging;
<#else>
SELECT 'staging differs from the source' AS problem WHERE 0;
</#list>
<#list distributed_tables as t>
SELECT 'a Distributed table lacks a column of staging' AS problem, ${lit(t)} AS distributed_table, name, type
FROM system.columns
WHERE database = ${lit(database)} AND table = ${lit(staging)} AND default_kind != 'ALIAS'
  AND (name, type) NOT IN (SELECT name, type FROM system.columns WHERE database = ${lit(database)} AND table = ${lit(t)});
</#list>

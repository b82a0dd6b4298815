<#--
  schema-gate (kind: check, on: every-replica)
  Staging is the source with only the declared changes: on this node, both definitions
  (system.tables) are compared part by part: engine family and parameters, every column (type,
  DEFAULT/MATERIALIZED/ALIAS and expression, CODEC, COMMENT, TTL) and their order, indices,
  projections, constraints, partition key, TTL and each table setting. Each difference is a row.
  vars: source, staging; schema_changes (optional list): clauses changed on purpose besides the
  sort key, e.g. ["PARTITION BY", "version"]
-->
<#list schema_differences(database, source, staging, ["ORDER BY", "PRIMARY KEY", "SAMPLE BY"] + (schema_changes![])) as d>
SELECT 'staging differs from the source' AS problem, ${lit(d.what)} AS part, ${lit(d.source)} AS in_source, ${lit(d.target)} AS in_staging;
<#else>
SELECT 'staging differs from the source' AS problem WHERE 0;
</#list>

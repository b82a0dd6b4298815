<#--
  materialized-values (kind: check, on: one-replica-per-shard)
  The gate of materialized: recompute. Recomputed MATERIALIZED columns hold what today's expressions
  give; a row written under an older expression (PostHog changes expressions in place with MODIFY
  COLUMN, which leaves stored values alone) then reads differently, which is lost data. Per MATERIALIZED
  column of the source, the rows of this shard ingested before the copy started whose value in staging
  differs from the source's row with the same id: each such column is a problem row. With the default
  materialized: copy the values are copied as data and there is nothing to compare (nothing runs).
  vars: source, staging, id_column, ingested_column, copy_step; materialized ('copy' | 'recompute')
-->
<#if (materialized!"copy") == "recompute">
<#assign mat = table_columns(database, source)?filter(c -> c.default_kind == "MATERIALIZED")>
</#if>
<#if mat?? && mat?has_content>
SELECT 'a MATERIALIZED value differs from the source: use materialized: copy, or backfill the column first' AS problem,
       column, rows
FROM (
  SELECT [<#list mat as c>${lit(c.name)}<#sep>, </#list>] AS names,
         [<#list mat as c>countIf(s.c${c?index} != t.c${c?index})<#sep>, </#list>] AS counts
  FROM (SELECT ${ident(id_column)} AS id<#list mat as c>, ${ident(c.name)} AS c${c?index}</#list>
        FROM ${ident(database, source)}
        WHERE ${ident(ingested_column)} < toDateTime(${lit(step_started(copy_step))})) AS s
  INNER JOIN (SELECT ${ident(id_column)} AS id<#list mat as c>, ${ident(c.name)} AS c${c?index}</#list>
              FROM ${ident(database, staging)}) AS t USING (id)
)
ARRAY JOIN names AS column, counts AS rows
WHERE rows > 0
<#else>
SELECT 'materialized values are copied as data' AS problem WHERE 0
</#if>

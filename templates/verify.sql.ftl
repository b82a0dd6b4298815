<#--
  verify (kind: check, on: one-replica-per-shard)
  The handbook's checks, by identity rather than row counts, on this shard's local tables. Each row
  is a problem:
   1. per partition and day of the copied period, the distinct ids of old_table and new_table differ
      in number or in fingerprint (the sum of a 64-bit hash over the distinct ids: order-independent);
   2. for those days, the first ids missing from new_table or only in it, asked only when a day
      differs (it reads both tables again; without that it took most of the verify's time);
   3. an id that new_table holds more than once (after dedupe there is none): among the rows ingested
      before the dedupe step started (dedupe_step) when the runbook names it, and after the swap among
      the copied period's. Later rows come from the Kafka engine, which delivers at least once: it commits
      a stream's offsets at the end of its flush interval (7.5 s by default), so a block a view wrote just
      before it was dropped at the cut-over is delivered again after the swap, and the ReplacingMergeTree
      collapses the two on merge, in the old table as in the new one;
   4. a copied period without rows while the source has some: nothing would be compared (check
      ingested_column, or wait until the copy's start is more than the margin after the data's ingestion).
  The copied period is chosen by ingestion order, not event time: rows whose ingested_column is
  before the copy's start minus catchup_margin_seconds. Those were in the source when the copy
  began, so both tables hold them; a late or back-dated event (old event time, ingested later) is
  outside it however old its timestamp. Exact duplicate rows and unmerged ReplacingMergeTree
  versions in the source count once, as their id does.
  vars: source, staging, backup_suffix, copy_step, catchup_margin_seconds, id_column (default uuid),
        time_column (event time, default timestamp), ingested_column (default _timestamp);
        after_swap (step var): compare the backup with the new source instead of source with staging;
        dedupe_step (optional): the step whose start bounds the rows checked for ids held twice
-->
<#if after_swap!false>
  <#assign old_table = source + "_" + backup_suffix + "_" + run_id, new_table = source>
<#else>
  <#assign old_table = source, new_table = staging>
</#if>
<#assign id = ident(id_column!"uuid"), day = ident(time_column!"timestamp"), ingested = ident(ingested_column!"_timestamp")>
<#assign part = table_clause(database, old_table, "PARTITION BY")>
<#if !part?has_content><#assign part = "0"></#if>
<#assign copied>${ingested} < toDateTime(${lit(step_started(copy_step))}) - ${catchup_margin_seconds}</#assign>
<#macro ids table side>
    SELECT partition, day, count() AS ${side}_ids, sum(cityHash64(toString(vid))) AS ${side}_fingerprint
    FROM (SELECT DISTINCT ${sql(part)} AS partition, toDate(${day}) AS day, ${id} AS vid
          FROM ${ident(database, table)} WHERE ${copied})
    GROUP BY partition, day
</#macro>
<#assign per_day>
SELECT partition, day, old_ids, new_ids, toInt64(new_ids) - toInt64(old_ids) AS diff, old_fingerprint, new_fingerprint
FROM (<@ids old_table "old"/>) AS o
ALL FULL OUTER JOIN (<@ids new_table "new"/>) AS n USING (partition, day)
WHERE old_ids != new_ids OR old_fingerprint != new_fingerprint
</#assign>
SELECT 'nothing to compare: no row of the old table was ingested before the copy started (minus the margin)' AS problem,
       count() AS old_rows, min(${ingested}) AS first_ingested
FROM ${ident(database, old_table)}
HAVING countIf(${copied}) = 0 AND old_rows > 0;

${per_day}
ORDER BY partition, day;

<#-- asked only when the query before it found a day that differs (a drill-down: see AssertChecker) -->
WITH 'drill-down' AS drill_down
SELECT if(sum(side) = 1, 'id missing in the new table', 'id only in the new table') AS problem, partition, day, toString(vid) AS id
FROM
(
    SELECT DISTINCT ${sql(part)} AS partition, toDate(${day}) AS day, ${id} AS vid, 1 AS side
    FROM ${ident(database, old_table)} WHERE ${copied} AND (partition, day) IN (SELECT partition, day FROM (${per_day}))
    UNION ALL
    SELECT DISTINCT ${sql(part)} AS partition, toDate(${day}) AS day, ${id} AS vid, 2 AS side
    FROM ${ident(database, new_table)} WHERE ${copied} AND (partition, day) IN (SELECT partition, day FROM (${per_day}))
)
GROUP BY partition, day, vid
HAVING sum(side) != 3
ORDER BY partition, day, id
LIMIT 20;

SELECT 'id more than once in the new table' AS problem, ${sql(part)} AS partition, toString(${id}) AS vid, count() AS copies
FROM ${ident(database, new_table)}
<#if after_swap!false>
WHERE ${copied}
<#elseif dedupe_step??>
WHERE ${ingested} < toDateTime(${lit(step_started(dedupe_step))})
</#if>
GROUP BY partition, vid
HAVING copies > 1
ORDER BY partition, vid
LIMIT 20

<#--
  verify (kind: check, on: one-replica-per-shard)
  The handbook's checks, automated, on this shard's local tables. A row is a problem:
   1. per partition and day, rows of the copied period (event time before the catch-up's start)
      in old_table but not in new_table (diff < 0) or extra ones (diff > 0);
   2. per partition, rows of new_table whose uuid appears more than once.
  vars: source, staging, backup_suffix, copy_step, catchup_margin_seconds;
        after_swap (step var): compare the backup with the new source instead of source with staging
-->
<#if after_swap!false>
  <#assign old_table = source + "_" + backup_suffix + "_" + run_id, new_table = source>
<#else>
  <#assign old_table = source, new_table = staging>
</#if>
<#assign cut>toDateTime(${lit(step_started(copy_step))}) - ${catchup_margin_seconds}</#assign>
SELECT partition, day, old, new, toInt64(new) - toInt64(old) AS diff
FROM
(
    SELECT toYYYYMM(timestamp) AS partition, toDate(timestamp) AS day, count() AS old
    FROM ${ident(database, old_table)} WHERE timestamp < ${cut} GROUP BY partition, day
) AS o
ALL FULL OUTER JOIN
(
    SELECT toYYYYMM(timestamp) AS partition, toDate(timestamp) AS day, count() AS new
    FROM ${ident(database, new_table)} WHERE timestamp < ${cut} GROUP BY partition, day
) AS n USING (partition, day)
WHERE diff != 0
ORDER BY partition, day;

SELECT toYYYYMM(timestamp) AS partition, count() AS rows, uniqExact(uuid) AS ids, rows - ids AS duplicates
FROM ${ident(database, new_table)}
GROUP BY partition
HAVING duplicates > 0
ORDER BY partition

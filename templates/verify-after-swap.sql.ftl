<#--
  verify-after-swap (kind: check, on: one-replica-per-shard; give the step a wait)
  What the cut-over could have changed, not the whole table again: verify proved the copied period
  before it, and a RENAME moves no row. Each row is a problem:
   1. the names: the backup is there, and the table now named source is the one built as staging
      (its sort key is not the backup's);
   2. nothing lost while the catch-up carried ingestion: every id the old table received from the
      copy's start minus the margin until stop-ingestion dropped the main view is in the new table
      (the main view wrote it to the old table, the catch-up to staging). The first 20 missing, per
      day. A message produced before the main view stopped can reach the new table a moment after the
      swap (the catch-up group resumes there): the step's wait covers that.
  It reads the rows of the migration's own window, not the table: its cost grows with how long the
  migration took, not with how large the table is.
  vars: source, backup_suffix, copy_step, catchup_margin_seconds, id_column (default uuid),
        time_column (default timestamp), ingested_column (default _timestamp), stop_step (default stop-ingestion)
  With the default cutover: exchange, the check is both-fed.sql.ftl: both tables hold every id of the
  window around the exchange.
-->
<#if (cutover!"exchange") == "recreate">
<#assign backup = source + "_" + backup_suffix + "_" + run_id>
<#assign id = ident(id_column!"uuid"), day = ident(time_column!"timestamp"), ingested = ident(ingested_column!"_timestamp")>
<#assign from>toDateTime(${lit(step_started(copy_step))}) - ${catchup_margin_seconds}</#assign>
<#assign until>toDateTime(${lit(step_started(stop_step!"stop-ingestion"))})</#assign>
SELECT 'the backup is missing: the swap did not rename the source' AS problem, ${lit(backup)} AS backup
FROM system.one
WHERE (SELECT count() FROM system.tables WHERE database = ${lit(database)} AND name = ${lit(backup)}) = 0;

SELECT 'the table named source is not the one built as staging: it has the same sort key as the backup' AS problem,
       name, sorting_key
FROM system.tables
WHERE database = ${lit(database)} AND name = ${lit(source)}
  AND sorting_key = (SELECT any(sorting_key) FROM system.tables WHERE database = ${lit(database)} AND name = ${lit(backup)});

SELECT 'id the old table received during the migration is missing in the new table' AS problem,
       toDate(${day}) AS day, toString(${id}) AS missing_id
FROM ${ident(database, backup)}
WHERE ${ingested} >= ${from} AND ${ingested} < ${until}
  AND ${id} NOT IN (SELECT ${id} FROM ${ident(database, source)} WHERE ${ingested} >= ${from} - ${catchup_margin_seconds})
ORDER BY day, missing_id
LIMIT 20
<#else>
<#include "both-fed.sql.ftl">
</#if>

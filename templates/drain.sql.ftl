<#--
  drain (kind: check, on: every-replica; give the step a wait)
  No Distributed insert of the writable tables is still queued on this node: a block sent after the
  RENAME would land in the wrong table. Reads system.distribution_queue (current ClickHouse).
  vars: writable, catchup_writable
-->
SELECT 'Distributed queue not empty' AS problem, table, data_files, error_count, last_exception
FROM system.distribution_queue
WHERE database = ${lit(database)} AND table IN (${lit(writable)}, ${lit(catchup_writable)})
  AND (data_files > 0 OR is_blocked)

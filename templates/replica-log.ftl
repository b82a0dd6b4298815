<#--
  The parts replicated and staging-idle share: a replica of staging that has not read its shard's log
  to the end, and a replica without staging, as rows of the same seven columns the including check
  returns (problem, type, new_part_name, since, num_tries, last_exception, postpone_reason).
  Sets: log_unread and staging_missing (SELECTs to UNION ALL after the check's own).
  vars: staging; missing_fix (what to run when staging is missing, set before the include)
-->
<#assign log_unread>
SELECT 'replica has not read its shard log to the end' AS problem, '' AS type, '' AS new_part_name, '' AS since,
       toUInt32(0) AS num_tries, '' AS last_exception,
       concat('log_pointer ', toString(log_pointer), ', log_max_index ', toString(log_max_index)) AS postpone_reason
FROM system.replicas
WHERE database = ${lit(database)} AND table = ${lit(staging)} AND log_pointer <= log_max_index</#assign>
<#assign staging_missing>
SELECT ${lit("staging table missing on this replica: " + missing_fix)} AS problem, '' AS type, '' AS new_part_name,
       '' AS since, toUInt32(0) AS num_tries, '' AS last_exception, '' AS postpone_reason
FROM system.one
WHERE (SELECT count() FROM system.tables WHERE database = ${lit(database)} AND name = ${lit(staging)}) = 0</#assign>

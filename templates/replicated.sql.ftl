<#--
  replicated (kind: check, on: every-replica; give the step a wait)
  This replica of the staging table has fetched what its shard holds: nothing left in its
  replication queue, and the shard's log read to its end. A check with a wait, not SYSTEM SYNC
  REPLICA: on 18.16 that statement ignores every timeout and outlives KILL QUERY, and a queue entry
  that never ends would hold the run for good (a REPLACE_RANGE a new replica got twice: staging-idle,
  before replicate, keeps that from happening). When the wait runs out, the rows name the entries
  still queued.
  vars: staging
-->
SELECT if(is_currently_executing AND type = 'REPLACE_RANGE', concat('replica still fetching; a REPLACE_RANGE that never ends',
          ' after "Tagging already tagged future part" in the error log is unstuck by SYSTEM RESTART REPLICA ',
          ${lit(database + "." + staging)}, ' here'), 'replica still fetching') AS problem, type, new_part_name, toString(create_time) AS since, num_tries,
       last_exception, postpone_reason
FROM system.replication_queue
WHERE database = ${lit(database)} AND table = ${lit(staging)}
UNION ALL
SELECT 'replica has not read its shard log to the end' AS problem, '' AS type, '' AS new_part_name, '' AS since,
       toUInt32(0) AS num_tries, '' AS last_exception,
       concat('log_pointer ', toString(log_pointer), ', log_max_index ', toString(log_max_index)) AS postpone_reason
FROM system.replicas
WHERE database = ${lit(database)} AND table = ${lit(staging)} AND log_pointer <= log_max_index
UNION ALL
SELECT 'staging table missing on this replica: run the replicate step' AS problem, '' AS type, '' AS new_part_name,
       '' AS since, toUInt32(0) AS num_tries, '' AS last_exception, '' AS postpone_reason
FROM system.one
WHERE (SELECT count() FROM system.tables WHERE database = ${lit(database)} AND name = ${lit(staging)}) = 0

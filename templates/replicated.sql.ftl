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
<#assign missing_fix = "run the replicate step">
<#include "replica-log.ftl">
SELECT if(is_currently_executing AND type = 'REPLACE_RANGE', concat('replica still fetching; a REPLACE_RANGE that never ends',
          ' after "Tagging already tagged future part" in the error log is unstuck by SYSTEM RESTART REPLICA ',
          ${lit(database + "." + staging)}, ' here'), 'replica still fetching') AS problem, type, new_part_name, toString(create_time) AS since, num_tries,
       last_exception, postpone_reason
FROM system.replication_queue
WHERE database = ${lit(database)} AND table = ${lit(staging)}
UNION ALL
${log_unread}
UNION ALL
${staging_missing}

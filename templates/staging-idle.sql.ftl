<#--
  staging-idle (kind: check, on: one-replica-per-shard; give the step a wait)
  The replicas that hold staging have read their shard's log to its end and played every REPLACE_RANGE
  or DROP_RANGE of it, before replicate creates the others. A new replica starts from a copy of an
  existing one's queue plus a fetch of each of its parts: a REPLACE_RANGE it gets both ways (queued,
  and by the parts it produced) has hung a new 18.16 replica for good, the entry executing forever
  after "Tagging already tagged future part" (SYSTEM RESTART REPLICA on that replica unsticks it).
  On the replica that ran the REPLACE PARTITION each such entry takes milliseconds. Merges may still
  be queued: a new replica takes those over as it always does.
  vars: staging
-->
<#assign missing_fix = "run create-staging">
<#include "replica-log.ftl">
SELECT 'replica still has a partition replacement to play' AS problem, type, new_part_name, toString(create_time) AS since,
       num_tries, last_exception, postpone_reason
FROM system.replication_queue
WHERE database = ${lit(database)} AND table = ${lit(staging)} AND type IN ('REPLACE_RANGE', 'DROP_RANGE')
UNION ALL
${log_unread}
UNION ALL
${staging_missing}

<#--
  settle (kind: check, on: every-replica; give the step a wait)
  This replica of the staging table is healthy and caught up with its shard.
  vars: staging
-->
SELECT 'replica not settled' AS problem, is_readonly, is_session_expired, queue_size, absolute_delay,
       active_replicas, total_replicas
FROM system.replicas
WHERE database = ${lit(database)} AND table = ${lit(staging)}
  AND (is_readonly OR is_session_expired OR queue_size > 0 OR absolute_delay > 0 OR active_replicas < total_replicas)

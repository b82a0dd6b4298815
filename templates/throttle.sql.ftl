<#--
  throttle: include it in a heavy step's assert (with a wait), so the step starts only while the
  node is not already struggling, and says what it waits for:
      assert: ['<#include "throttle.sql.ftl">']
      wait: 30m
  vars: throttle_max_queue, throttle_max_parts, throttle_max_merges
-->
SELECT 'replication queue too long' AS waiting_for, table, queue_size
FROM system.replicas
WHERE database = ${lit(database)} AND queue_size > ${throttle_max_queue};

SELECT 'too many parts in one partition' AS waiting_for, table, partition, count() AS parts
FROM system.parts
WHERE active AND database = ${lit(database)}
GROUP BY table, partition
HAVING parts > ${throttle_max_parts};

SELECT 'too many merges running' AS waiting_for, count() AS merges
FROM system.merges
HAVING merges > ${throttle_max_merges}

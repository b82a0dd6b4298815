<#--
  drain, for ClickHouse 18.16 (overrides templates/drain.sql.ftl): 18.16 has no
  system.distribution_queue and no way to flush one, so the local cluster makes Distributed inserts
  synchronous (insert_distributed_sync = 1 in the default profile) and this check insists on it.
-->
SELECT 'Distributed inserts are asynchronous: queued blocks could land in the wrong table after the RENAME' AS problem,
       value AS insert_distributed_sync
FROM system.settings WHERE name = 'insert_distributed_sync' AND value != '1'

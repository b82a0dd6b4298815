<#--
  drop-backup (on: cluster-once, confirm: true)
  Removes the pre-migration table, on every node, with its ZooKeeper path. The step's asserts
  refuse while the backup is younger than min_backup_age_seconds; verify-after-swap comes first.
  vars: source, backup_suffix
  With the default cutover: exchange, the pre-migration table is the one under the staging name
  (drop-old.sql.ftl), dropped once end-feed ended its feed (the step's asserts say so).
-->
<#if (cutover!"exchange") == "recreate">
DROP TABLE IF EXISTS ${ident(database, source + "_" + backup_suffix + "_" + run_id)} ON CLUSTER ${cluster}
<#else>
<#include "drop-old.sql.ftl">
</#if>

<#--
  drop-backup (on: cluster-once, confirm: true)
  Removes the pre-migration table, on every node, with its ZooKeeper path. The step's asserts
  refuse while the backup is younger than min_backup_age_seconds; verify-after-swap comes first.
  vars: source, backup_suffix
-->
DROP TABLE IF EXISTS ${ident(database, source + "_" + backup_suffix + "_" + run_id)} ON CLUSTER ${cluster}

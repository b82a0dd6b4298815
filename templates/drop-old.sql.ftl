<#--
  drop-old (on: cluster-once, confirm: true; after an exchange swap)
  Removes the pre-migration table, which the exchange left under the staging name, on every node
  with its ZooKeeper path. The step's asserts refuse while the second feed still runs (end-feed) or
  before the revert window has passed.
  vars: staging
-->
DROP TABLE IF EXISTS ${ident(database, staging)} ON CLUSTER ${cluster}

<#--
  replicate (on: every-replica)
  The staging table on every replica (IF NOT EXISTS: the first replicas have it). The next step,
  replicated, waits until this replica has fetched everything. Runs before the catch-up starts,
  because its Distributed table may write to any replica of a shard.
-->
<#assign if_not_exists = true>
<#include "create-staging.sql.ftl">

<#--
  dedupe (on: one-replica-per-shard)
  Merges every partition into one part, dropping duplicate rows (the catch-up's overlap with the
  copy) and writing the materialized columns. Not ON CLUSTER: that fails on non-leader replicas of
  some servers, and one replica per shard is enough for a replicated table.
-->
OPTIMIZE TABLE ${ident(database, staging)} FINAL DEDUPLICATE

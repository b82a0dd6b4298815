<#--
  materialized-columns (on: one-replica-per-shard)
  Nothing unless the runbook says materialized: recompute (create-staging keeps every column by default).
  What create-staging left out, from the source's definition on this node, in the source's order:
  its MATERIALIZED and ALIAS columns (each exactly as the source defines it) and the indices,
  projections and constraints that use them. Replication carries each ALTER to the shard's other
  replicas. What staging holds already is left out, so a rerun after some of the ALTERs went
  through adds only the rest. Old parts compute materialized columns on read until dedupe rewrites them. Run it
  before the catch-up streams into staging: an ALTER racing a Replicated insert fails the insert
  (18.16: "Bad version ... /columns"), and a Kafka engine whose insert fails may lose that block.
  vars: source, staging; place_added_columns (default true): ADD ... AFTER the column that precedes
  it in the source (servers that keep computed columns apart, like 18.16, refuse AFTER: set false)
-->
<#list added_later(database, source, materialized!"copy", staging) as e>
ALTER TABLE ${ident(database, staging)} ADD ${e.sql}<#if (place_added_columns!true) && e.after?has_content> AFTER ${ident(e.after)}</#if>;
</#list>

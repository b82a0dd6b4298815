<#--
  materialized-columns (on: one-replica-per-shard)
  One ALTER per MATERIALIZED column of the source, as this node's system.columns describes it;
  replication carries each ALTER to the shard's other replicas. Old parts compute the column on
  read until the dedupe step rewrites them. Run it before the catch-up streams into staging: an
  ALTER racing a Replicated insert fails the insert (18.16: "Bad version ... /columns"), and a
  Kafka engine whose insert fails may lose that block.
  vars: source, staging
-->
<#list table_columns(database, source)?filter(c -> c.default_kind == "MATERIALIZED") as c>
ALTER TABLE ${ident(database, staging)} ADD COLUMN ${ident(c.name)} ${sql(c.type)} MATERIALIZED ${sql(c.default_expression)};
</#list>

<#--
  exchange (on: cluster-once; the swap, and its own rollback)
  The cut-over that stops nothing. The migrated table takes the source's name and the source takes
  the migrated table's, in one statement: EXCHANGE TABLES where the database is Atomic (current
  servers), else one RENAME of three pairs through a name of this run (18.16 has neither EXCHANGE
  nor Atomic databases; a Distributed send that comes in the instant between two of the pairs fails
  and is sent again by its queue). No view, Kafka table or Distributed table is touched: the main
  view keeps its consumer group and writes through the writable Distributed table, which names its
  local table by name, into the migrated table from its next block on; the catch-up view writes
  through its own Distributed table, which names the staging name, into the old table. Every event
  keeps reaching both tables until end-feed. Swapping back is this same statement.
  A rerun after the RENAME went through in part does the pairs that are left.
  vars: source, staging
-->
<#assign parked = source + "_exchange_" + run_id>
<#if database_engine(database) == "Atomic">
EXCHANGE TABLES ${ident(database, source)} AND ${ident(database, staging)} ON CLUSTER ${cluster}
<#elseif table_exists(database, parked) && table_exists(database, staging)>
RENAME TABLE ${ident(database, staging)} TO ${ident(database, source)}, ${ident(database, parked)} TO ${ident(database, staging)} ON CLUSTER ${cluster}
<#elseif table_exists(database, parked)>
RENAME TABLE ${ident(database, parked)} TO ${ident(database, staging)} ON CLUSTER ${cluster}
<#else>
RENAME TABLE ${ident(database, source)} TO ${ident(database, parked)}, ${ident(database, staging)} TO ${ident(database, source)},
    ${ident(database, parked)} TO ${ident(database, staging)} ON CLUSTER ${cluster}
</#if>

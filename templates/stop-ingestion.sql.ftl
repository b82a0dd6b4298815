<#--
  stop-ingestion (on: cluster-once, confirm: true)
  The cut-over starts. The main view's definition is read first and kept in this step's state:
  swap (and its rollback) recreate exactly that view from it. The catch-up view goes first: the main
  table still ingests meanwhile, and what the catch-up group has not read yet it reads again after
  the swap, as the main group. Then the main view goes: from here until swap creates it again, the
  main table receives nothing (messages wait in Kafka). Views are dropped, not detached: a detached
  table comes back when its server restarts.
  vars: kafka_mv, catchup_mv
  Only with cutover: recreate (the drop-and-recreate cut-over, for a topology whose main view writes
  into the table without a Distributed table between them). The default cutover: exchange stops
  nothing: this step renders nothing, and swap exchanges the tables under running ingestion.
-->
<#if (cutover!"exchange") == "recreate">
${remember_definition(database, kafka_mv)}
DROP TABLE IF EXISTS ${ident(database, catchup_mv)} ON CLUSTER ${cluster};
DROP TABLE IF EXISTS ${ident(database, kafka_mv)} ON CLUSTER ${cluster}
<#else>

</#if>

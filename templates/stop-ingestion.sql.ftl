<#--
  stop-ingestion (on: cluster-once, confirm: true)
  The cut-over starts. The catch-up view goes first: the main table still ingests meanwhile, and
  what the catch-up group has not read yet it reads again after the swap, as the main group. Then
  the main view is detached, not dropped: the server keeps its definition, and swap attaches that
  same view again (its FROM then names the catch-up Kafka table). From here until then the main
  table receives nothing (messages wait in Kafka).
  vars: kafka_mv, catchup_mv
-->
DROP TABLE IF EXISTS ${ident(database, catchup_mv)} ON CLUSTER ${cluster};
DETACH TABLE ${ident(database, kafka_mv)} ON CLUSTER ${cluster}

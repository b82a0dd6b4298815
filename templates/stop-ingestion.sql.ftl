<#--
  stop-ingestion (on: cluster-once, confirm: true)
  The cut-over starts: both materialized views go, so neither consumer group moves on. Messages
  wait in Kafka; the catch-up group's offsets are where the new main table will resume.
  vars: kafka_mv, catchup_mv
-->
DROP TABLE IF EXISTS ${ident(database, kafka_mv)} ON CLUSTER ${cluster};
DROP TABLE IF EXISTS ${ident(database, catchup_mv)} ON CLUSTER ${cluster}

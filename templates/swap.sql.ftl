<#--
  swap (on: cluster-once)
  One RENAME: the source becomes the backup, staging becomes the source, and the catch-up Kafka
  table (already in the right consumer group, with committed offsets) becomes the main one. Then
  the main materialized view comes back and ingestion resumes exactly where catch-up stopped.
  Ingestion is stopped from stop-ingestion until the CREATE below.
  vars: source, staging, backup_suffix, kafka_table, catchup_kafka_table, kafka_mv, writable,
        catchup_writable, mv_select (SQL)
-->
RENAME TABLE
    ${ident(database, source)} TO ${ident(database, source + "_" + backup_suffix + "_" + run_id)},
    ${ident(database, staging)} TO ${ident(database, source)},
    ${ident(database, kafka_table)} TO ${ident(database, kafka_table + "_" + backup_suffix + "_" + run_id)},
    ${ident(database, catchup_kafka_table)} TO ${ident(database, kafka_table)}
ON CLUSTER ${cluster};

CREATE MATERIALIZED VIEW ${ident(database, kafka_mv)} ON CLUSTER ${cluster} TO ${ident(database, writable)}
AS SELECT ${sql(mv_select)} FROM ${ident(database, kafka_table)};

DROP TABLE IF EXISTS ${ident(database, catchup_writable)} ON CLUSTER ${cluster};
DROP TABLE IF EXISTS ${ident(database, kafka_table + "_" + backup_suffix + "_" + run_id)} ON CLUSTER ${cluster}

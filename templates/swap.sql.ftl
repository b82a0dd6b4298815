<#--
  swap (on: cluster-once)
  One RENAME: the source becomes the backup, staging becomes the source, and the catch-up Kafka
  table (a mirror of the main one in its own consumer group, with committed offsets) takes the main
  one's name. Then the main view comes back exactly as stop-ingestion found it (its definition is
  kept in that step's state): it reads that Kafka table by name, so ingestion resumes exactly where
  the catch-up stopped.
  vars: source, staging, backup_suffix, kafka_table, catchup_kafka_table, kafka_mv, catchup_writable
-->
RENAME TABLE
    ${ident(database, source)} TO ${ident(database, source + "_" + backup_suffix + "_" + run_id)},
    ${ident(database, staging)} TO ${ident(database, source)},
    ${ident(database, kafka_table)} TO ${ident(database, kafka_table + "_" + backup_suffix + "_" + run_id)},
    ${ident(database, catchup_kafka_table)} TO ${ident(database, kafka_table)}
ON CLUSTER ${cluster};

${mirror(database, kafka_mv, {"name": kafka_mv, "on_cluster": cluster, "from_step": "stop-ingestion"})};

DROP TABLE IF EXISTS ${ident(database, catchup_writable)} ON CLUSTER ${cluster};
DROP TABLE IF EXISTS ${ident(database, kafka_table + "_" + backup_suffix + "_" + run_id)} ON CLUSTER ${cluster}

<#--
  swap (on: cluster-once)
  One RENAME: the source becomes the backup, staging becomes the source, and the catch-up Kafka
  table (a mirror of the main one in its own consumer group, with committed offsets) takes the main
  one's name. Then the main view comes back exactly as stop-ingestion found it (its definition is
  kept in that step's state): it reads that Kafka table by name, so ingestion resumes exactly where
  the catch-up stopped. A rerun after the RENAME went through (the backup is there, as the step's
  attempt saw it) renames nothing again, and the view is created only if it is not there.
  vars: source, staging, backup_suffix, kafka_table, catchup_kafka_table, kafka_mv, catchup_writable
  With the default cutover: exchange, the step is exchange.sql.ftl instead: nothing is dropped or
  recreated, and both tables keep being fed.
-->
<#if (cutover!"exchange") == "recreate">
<#assign backup = source + "_" + backup_suffix + "_" + run_id>
<#-- a rerun after the RENAME went through (the backup is there) goes on with what is left -->
<#if !table_exists(database, backup)>
RENAME TABLE
    ${ident(database, source)} TO ${ident(database, backup)},
    ${ident(database, staging)} TO ${ident(database, source)},
    ${ident(database, kafka_table)} TO ${ident(database, kafka_table + "_" + backup_suffix + "_" + run_id)},
    ${ident(database, catchup_kafka_table)} TO ${ident(database, kafka_table)}
ON CLUSTER ${cluster};
</#if>
${mirror(database, kafka_mv, {"name": kafka_mv, "on_cluster": cluster, "from_step": "stop-ingestion", "if_not_exists": true})};
DROP TABLE IF EXISTS ${ident(database, catchup_writable)} ON CLUSTER ${cluster};
DROP TABLE IF EXISTS ${ident(database, kafka_table + "_" + backup_suffix + "_" + run_id)} ON CLUSTER ${cluster}
<#else>
<#include "exchange.sql.ftl">
</#if>

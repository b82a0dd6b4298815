<#--
  catch-up (on: cluster-once)
  A new consumer group reads the topic into the staging table through mirrors of the cluster's own
  ingestion objects, read from this node's catalog:
   - the writable Distributed table, same columns, cluster and sharding key, writing to staging;
   - the main Kafka table, every setting kept (format, schema, consumers, ...), only the group new;
   - the main materialized view, same SELECT, reading the new Kafka table into the new Distributed one.
  Its offsets were set by the kafka-offsets step before this runs, so it starts just before the copy.
  Each CREATE keeps what exists (IF NOT EXISTS): a rerun after some of them went through creates the
  rest. preflight made sure none of the names was taken before the migration began.
  vars: staging, writable, catchup_writable, kafka_table, catchup_kafka_table, kafka_mv, catchup_mv,
        catchup_group; optional catchup_select: another SELECT for the catch-up view (plan shows it)
-->
${mirror(database, writable, {"name": catchup_writable, "on_cluster": cluster, "distributed_table": staging, "if_not_exists": true})};

${mirror(database, kafka_table, {"name": catchup_kafka_table, "on_cluster": cluster, "if_not_exists": true,
        "settings": {"kafka_group_name": catchup_group + "_" + run_id}})};

${mirror(database, kafka_mv, {"name": catchup_mv, "on_cluster": cluster, "if_not_exists": true, "target": catchup_writable,
        "replace_table": {kafka_table: catchup_kafka_table}, "select": catchup_select!""})}

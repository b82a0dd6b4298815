<#--
  catch-up (on: cluster-once)
  A new consumer group reads the topic into the staging table through its own Kafka table,
  materialized view and Distributed table, mirroring the main ones. Its offsets were set by the
  kafka-offsets step before this runs, so it starts just before the copy began.
  vars: source, staging, catchup_writable, kafka_table, catchup_kafka_table, catchup_mv,
        kafka_brokers, kafka_topic, kafka_format, catchup_group, kafka_max_block_size,
        kafka_extra_settings (SQL, e.g. ", kafka_skip_broken_messages = 10"), mv_select (SQL), sharding_key (SQL)
-->
CREATE TABLE ${ident(database, catchup_writable)} ON CLUSTER ${cluster}
(
<#list table_columns(database, source)?filter(c -> c.default_kind == "") as c>
    ${ident(c.name)} ${sql(c.type)}<#sep>,</#sep>
</#list>
)
ENGINE = Distributed(${cluster}, ${database}, ${staging}, ${sql(sharding_key)});

CREATE TABLE ${ident(database, catchup_kafka_table)} ON CLUSTER ${cluster}
(
<#list table_columns(database, kafka_table) as c>
    ${ident(c.name)} ${sql(c.type)}<#sep>,</#sep>
</#list>
)
ENGINE = Kafka SETTINGS kafka_broker_list = ${lit(kafka_brokers)}, kafka_topic_list = ${lit(kafka_topic)},
    kafka_group_name = ${lit(catchup_group + "_" + run_id)}, kafka_format = ${lit(kafka_format)},
    kafka_max_block_size = ${kafka_max_block_size}${sql(kafka_extra_settings)};

CREATE MATERIALIZED VIEW ${ident(database, catchup_mv)} ON CLUSTER ${cluster} TO ${ident(database, catchup_writable)}
AS SELECT ${sql(mv_select)} FROM ${ident(database, catchup_kafka_table)}

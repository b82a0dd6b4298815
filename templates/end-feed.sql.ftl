<#--
  end-feed (on: cluster-once)
  Ends the second feed, the catch-up pipeline that keeps the old table fed during the revert window,
  in an order that loses nothing the old table still needs: its view first (nothing is consumed any
  more), then its Kafka table (the group's offsets stay committed in Kafka), then, once its queue is
  sent (flushed where the server can), its Distributed table. The main view, its Kafka table and its
  consumer group are not touched.
  vars: catchup_mv, catchup_kafka_table, catchup_writable; flush_distributed (default true; 18.16: false)
  With cutover: recreate it renders nothing (the cut-over dropped the catch-up pipeline).
-->
<#if (cutover!"exchange") == "exchange">
DROP TABLE IF EXISTS ${ident(database, catchup_mv)} ON CLUSTER ${cluster};
DROP TABLE IF EXISTS ${ident(database, catchup_kafka_table)} ON CLUSTER ${cluster};
<#if flush_distributed!true>
SYSTEM FLUSH DISTRIBUTED ${ident(database, catchup_writable)} ON CLUSTER ${cluster};
</#if>
DROP TABLE IF EXISTS ${ident(database, catchup_writable)} ON CLUSTER ${cluster}
</#if>

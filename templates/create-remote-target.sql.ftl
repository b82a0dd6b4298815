<#--
  create-remote-target (on: cluster-once, ON CLUSTER)
  The target of a remote-copy when it is not there yet: a replicated table per shard and a
  Distributed table over it. The remote-copy step checks these columns against the source's.
  vars: target, target_distributed, target_columns, target_order_by, target_partition_by,
        target_sharding_key, zk_prefix
-->
CREATE TABLE IF NOT EXISTS ${ident(database, target)} ON CLUSTER ${ident(cluster)} (${sql(target_columns)})
ENGINE = ReplicatedReplacingMergeTree(${lit(zk_prefix + "/{shard}/" + database + "." + target + "_" + run_id)}, '{replica}', _timestamp)
PARTITION BY ${sql(target_partition_by)}
ORDER BY (${sql(target_order_by)});

CREATE TABLE IF NOT EXISTS ${ident(database, target_distributed)} ON CLUSTER ${ident(cluster)} AS ${ident(database, target)}
ENGINE = Distributed(${ident(cluster)}, ${ident(database)}, ${ident(target)}, ${sql(target_sharding_key)})

<#--
  preflight (kind: check, on: every-replica)
  Each query returns one row per problem; no rows means this node is ready.
  vars: source, staging, zk_prefix, cutover and writable (exchange: writable must be a Distributed table),
        disk_factor (default 2; 0 skips): free disk on the data path must hold this many times the source here,
        check_drop_size (default true): max_table_size_to_drop must not block dropping the backup later.
  Free disk and max_table_size_to_drop come from system.disks / system.server_settings on current servers
  and over SSH (df, the config files) on older ones: the connection file's ssh: section.
-->
-- the source table exists here
SELECT 'source table missing' AS problem, ${lit(database + "." + source)} AS object
FROM (SELECT count() AS n FROM system.tables WHERE database = ${lit(database)} AND name = ${lit(source)})
WHERE n = 0;

-- the staging name is free here
SELECT 'staging table already exists' AS problem, ${lit(database + "." + staging)} AS object
FROM system.tables WHERE database = ${lit(database)} AND name = ${lit(staging)};

<#if catchup_mv?? && catchup_kafka_table?? && catchup_writable??>
-- the catch-up's names are free here: catch-up keeps what exists (IF NOT EXISTS, so that a rerun after
-- some of its CREATEs went through converges), which must then be its own, not an earlier migration's
SELECT 'a catch-up object already exists' AS problem, concat(database, '.', name) AS object
FROM system.tables WHERE database = ${lit(database)}
  AND name IN (${lit(catchup_writable)}, ${lit(catchup_kafka_table)}, ${lit(catchup_mv)});

</#if>
<#if (cutover!"") == "exchange" && writable??>
-- the exchange cut-over redirects the main view only through a Distributed table, which names its local
-- table by name: a view that writes straight into the source would keep feeding the old table after it
SELECT 'cutover exchange needs the main view to write through a Distributed table: set writable to it, or cutover: recreate' AS problem,
       ${lit(database + "." + writable)} AS object
FROM (SELECT count() AS n FROM system.tables WHERE database = ${lit(database)} AND name = ${lit(writable)} AND engine = 'Distributed')
WHERE n = 0;

</#if>
<#if cluster_form.replication>
-- no replica anywhere registered the staging table's ZooKeeper path yet (a cluster without ZooKeeper has none)
SELECT 'ZooKeeper path already in use' AS problem, concat(path, '/', name) AS object
FROM system.zookeeper
WHERE path = ${lit(zk_prefix + "/" + node.macros.shard)} AND name = ${lit(database + "." + staging + "_" + run_id)};
</#if>

<#assign factor = (disk_factor!2)?number>
<#if factor gt 0>
<#assign free = free_disk_bytes()>
-- free disk on this node's data path: at least disk_factor x the source's bytes on this node
SELECT 'not enough free disk' AS problem,
       concat(formatReadableSize(${free}), ' free, need ', formatReadableSize(bytes * ${factor}),
              ' (disk_factor ${factor} x source ', formatReadableSize(bytes), '): free space or lower disk_factor') AS object
FROM (SELECT sum(bytes_on_disk) AS bytes FROM system.parts
      WHERE active AND database = ${lit(database)} AND table = ${lit(source)})
WHERE bytes * ${factor} > ${free};

</#if>
<#if check_drop_size!true>
-- drop-backup will be allowed to drop today's source: max_table_size_to_drop is 0 (no limit) or above its size
SELECT 'max_table_size_to_drop blocks dropping the backup' AS problem,
       concat('source ', formatReadableSize(bytes), ' > max_table_size_to_drop ', formatReadableSize(max_drop),
              ': raise it in the server config, or create the flag file flags/force_drop_table in the data path before drop-backup') AS object
FROM (SELECT sum(bytes_on_disk) AS bytes, toUInt64(${server_setting('max_table_size_to_drop', '50000000000')}) AS max_drop
      FROM system.parts WHERE active AND database = ${lit(database)} AND table = ${lit(source)})
WHERE max_drop > 0 AND bytes > max_drop;

</#if>
<#if settings?has_content>
-- every setting the runbook sends (outside drop_unknown_settings steps) exists on this server
SELECT 'unknown setting' AS problem, name AS object
FROM (SELECT arrayJoin([<#list settings as s>${lit(s)}<#sep>, </#list>]) AS name)
WHERE name NOT IN (SELECT name FROM system.settings);
</#if>

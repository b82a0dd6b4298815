<#--
  preflight (kind: check, on: every-replica)
  Each query returns one row per problem; no rows means this node is ready.
  vars: source, staging, zk_prefix
-->
-- the source table exists here
SELECT 'source table missing' AS problem, ${lit(database + "." + source)} AS object
FROM (SELECT count() AS n FROM system.tables WHERE database = ${lit(database)} AND name = ${lit(source)})
WHERE n = 0;

-- the staging name is free here
SELECT 'staging table already exists' AS problem, ${lit(database + "." + staging)} AS object
FROM system.tables WHERE database = ${lit(database)} AND name = ${lit(staging)};

-- no replica anywhere registered the staging table's ZooKeeper path yet
SELECT 'ZooKeeper path already in use' AS problem, concat(path, '/', name) AS object
FROM system.zookeeper
WHERE path = ${lit(zk_prefix + "/" + node.macros.shard)} AND name = ${lit(database + "." + staging + "_" + run_id)};

<#if settings?has_content>
-- every setting the runbook sends (outside drop_unknown_settings steps) exists on this server
SELECT 'unknown setting' AS problem, name AS object
FROM (SELECT arrayJoin([<#list settings as s>${lit(s)}<#sep>, </#list>]) AS name)
WHERE name NOT IN (SELECT name FROM system.settings);
</#if>

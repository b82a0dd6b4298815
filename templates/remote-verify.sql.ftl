<#--
  remote-verify (kind: check, on: first-node)
  After a remote-copy: per team and day of the copied range, the source (read through the target's
  remote_servers cluster) and the target (its Distributed table, every shard) hold the same distinct
  ids (count and the sum of their 64-bit hashes), and the target holds no id twice. Each row is a problem.
  vars: source_cluster, source_database, source_table, target_distributed, team_ids, start, end,
        team_column (default team_id), time_column (default timestamp), id_column (default uuid)
-->
<#assign id = ident(id_column!"uuid"), t = ident(time_column!"timestamp"), team = ident(team_column!"team_id")>
<#assign filter>${team} IN (${sql(team_ids)}) AND ${t} >= toDateTime(${lit(start)}) AND ${t} < toDateTime(${lit(end)})</#assign>
<#macro per_day side>
    SELECT team, day, count() AS ${side}_ids, sum(cityHash64(reinterpretAsString(vid))) AS ${side}_fingerprint, sum(n) AS ${side}_rows
    FROM (SELECT ${team} AS team, toDate(${t}) AS day, ${id} AS vid, count() AS n
          FROM <#if side == "source">cluster(${lit(source_cluster)}, ${lit(source_database)}, ${lit(source_table)})<#else>${ident(database, target_distributed)}</#if>
          WHERE ${filter} GROUP BY team, day, vid)
    GROUP BY team, day
</#macro>
SELECT team, day, source_ids, target_ids, target_rows, source_fingerprint, target_fingerprint,
       if(target_rows > target_ids, 'an id is in the target more than once', 'the ids differ') AS problem
FROM (<@per_day "source"/>) AS s
ALL FULL OUTER JOIN (<@per_day "target"/>) AS d USING (team, day)
WHERE source_ids != target_ids OR source_fingerprint != target_fingerprint OR target_rows != target_ids
ORDER BY team, day

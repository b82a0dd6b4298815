<#--
  recheck (kind: check, on: one-replica-per-shard; run it again while the cut-over waits:
  run --step recheck --rerun --execute)
  The re-check that keeps going while the cut-over is postponed (Spirit's continuous checksum): both
  tables keep receiving every event, the main view into the source and the catch-up into staging.
  Each run compares, on one replica of each shard, the ids ingested into either table over the last
  recheck_window_seconds, up to recheck_settle_seconds ago (both pipelines have written them by then):
  an id one holds and the other lacks is a problem (the first 20). swap refuses when the last clean run
  ended more than recheck_max_age_seconds ago.
  vars: source, staging, id_column, ingested_column; recheck_window_seconds (default 600),
        recheck_settle_seconds (default 60)
-->
<#assign w = recheck_window_seconds!600>
<#assign settle = recheck_settle_seconds!60>
<#list [[source, staging], [staging, source]] as pair>
SELECT ${lit("an id " + pair[0] + " has is missing in " + pair[1])} AS problem, toString(${ident(id_column)}) AS id
FROM ${ident(database, pair[0])}
WHERE ${ident(ingested_column)} >= now() - ${w + settle} AND ${ident(ingested_column)} < now() - ${settle}
  AND ${ident(id_column)} NOT IN (SELECT ${ident(id_column)} FROM ${ident(database, pair[1])}
                                  WHERE ${ident(ingested_column)} >= now() - ${w + 2 * settle})
LIMIT 20;
</#list>

<#--
  recheck (kind: check, on: one-replica-per-shard; keep it running while the cut-over waits:
  run --step recheck --repeat 1m --execute, or run it again by hand with --rerun)
  The re-check that keeps going while the cut-over is postponed (Spirit's continuous checksum): both
  tables keep receiving every event, the main view into the source and the catch-up into staging.
  Each round compares, on one replica of each shard, the ids ingested into either table since the last
  clean round (the first round: since the dedupe began, where verify's window ends), up to
  recheck_settle_seconds ago (both pipelines have written them by then); the rounds overlap by as much.
  An id one holds and the other lacks is a problem (the first 20). A round that does not pass moves
  nothing on: the next one checks again from the last clean one. swap refuses when the last clean
  round ended more than recheck_max_age_seconds ago.
  A round reads only the partitions with a part written since its window began (partitions_written_since:
  an insert, merge, fetch or mutation since), so its cost follows what was ingested, not the table's
  size. That holds for an ingested_column set when the row was written or before (the view's now(), a
  Kafka message's time): a row is in a part written after its ingested_column. By partition, not by
  part (_part, which 18.16 prunes too): a merge renames parts between the render and the read, and a
  round would skip the rows of a part merged meanwhile; a merge never moves a row to another partition.
  vars: source, staging, id_column, ingested_column, dedupe_step; recheck_settle_seconds (default 60)
-->
<#assign settle = recheck_settle_seconds!60>
<#assign since = step_finished(step.id, step_started(dedupe_step))>
<#assign from>toDateTime(${lit(since)}) - ${2 * settle}</#assign>
<#-- each table's partitions asked once, from the earliest moment either side reads (the subquery's) -->
<#assign source_written = partitions_written_since(database, source, since, 3 * settle)>
<#assign staging_written = partitions_written_since(database, staging, since, 3 * settle)>
<#list [[source, source_written, staging, staging_written], [staging, staging_written, source, source_written]] as pair>
SELECT ${lit("an id that " + pair[0] + " has is missing in " + pair[2])} AS problem, toString(${ident(id_column)}) AS missing_id
FROM ${ident(database, pair[0])}
WHERE ${pair[1]}
  AND ${ident(ingested_column)} >= ${from} AND ${ident(ingested_column)} < now() - ${settle}
  AND ${ident(id_column)} NOT IN (SELECT ${ident(id_column)} FROM ${ident(database, pair[2])}
                                  WHERE ${pair[3]}
                                    AND ${ident(ingested_column)} >= ${from} - ${settle})
LIMIT 20;
</#list>

<#--
  both-fed (kind: check, on: one-replica-per-shard; give the step a wait)
  While the revert window is open both tables hold every event: an id ingested in the window around
  the exchange into one of them and missing in the other is a problem (the first 20, with the table
  that lacks it). Both tables shard by the same key: each shard is compared on one of its replicas.
  vars: source, staging, id_column, ingested_column, catchup_margin_seconds; swap_step (default swap)
-->
<#include "exchange-window.ftl">
<#list [[staging, source], [source, staging]] as pair>
SELECT ${lit("an id that " + pair[0] + " has is missing in " + pair[1])} AS problem, toString(${ident(id_column)}) AS missing_id
FROM ${ident(database, pair[0])}
WHERE ${windowed}
  AND ${ident(id_column)} NOT IN (SELECT ${ident(id_column)} FROM ${ident(database, pair[1])}
                                  WHERE ${ident(ingested_column)} >= ${from} - ${margin})
LIMIT 20;
</#list>
